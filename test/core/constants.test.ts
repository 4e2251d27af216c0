import { describe, expect, it } from 'vitest';
import * as core from '../../src/core/index.js';

// Values from spdylay's spdylay.h.
const expected: Record<string, number> = {
  CLIENT: 1, SERVER: 2, PROTO_SPDY2: 2, PROTO_SPDY3: 3, PROTO_SPDY3_1: 4, READ_EOF: 1,
  SYN_STREAM: 1, SYN_REPLY: 2, RST_STREAM: 3, SETTINGS: 4, NOOP: 5, PING: 6, GOAWAY: 7,
  HEADERS: 8, WINDOW_UPDATE: 9, CREDENTIAL: 10,
  CTRL_FLAG_NONE: 0, CTRL_FLAG_FIN: 1, CTRL_FLAG_UNIDIRECTIONAL: 2, DATA_FLAG_NONE: 0, DATA_FLAG_FIN: 1,
  FLAG_SETTINGS_NONE: 0, FLAG_SETTINGS_CLEAR_SETTINGS: 1,
  ID_FLAG_SETTINGS_NONE: 0, ID_FLAG_SETTINGS_PERSIST_VALUE: 1, ID_FLAG_SETTINGS_PERSISTED: 2,
  SETTINGS_UPLOAD_BANDWIDTH: 1, SETTINGS_DOWNLOAD_BANDWIDTH: 2, SETTINGS_ROUND_TRIP_TIME: 3,
  SETTINGS_MAX_CONCURRENT_STREAMS: 4, SETTINGS_CURRENT_CWND: 5, SETTINGS_DOWNLOAD_RETRANS_RATE: 6,
  SETTINGS_INITIAL_WINDOW_SIZE: 7, SETTINGS_CLIENT_CERTIFICATE_VECTOR_SIZE: 8, SETTINGS_MAX: 8,
  OK: 0, PROTOCOL_ERROR: 1, INVALID_STREAM: 2, REFUSED_STREAM: 3, UNSUPPORTED_VERSION: 4, CANCEL: 5,
  INTERNAL_ERROR: 6, FLOW_CONTROL_ERROR: 7, STREAM_IN_USE: 8, STREAM_ALREADY_CLOSED: 9,
  INVALID_CREDENTIALS: 10, FRAME_TOO_LARGE: 11,
  GOAWAY_OK: 0, GOAWAY_PROTOCOL_ERROR: 1, GOAWAY_INTERNAL_ERROR: 2,
  ERR_INVALID_ARGUMENT: -501, ERR_ZLIB: -502, ERR_UNSUPPORTED_VERSION: -503, ERR_WOULDBLOCK: -504,
  ERR_PROTO: -505, ERR_INVALID_FRAME: -506, ERR_EOF: -507, ERR_DEFERRED: -508,
  ERR_STREAM_ID_NOT_AVAILABLE: -509, ERR_STREAM_CLOSED: -510, ERR_STREAM_CLOSING: -511,
  ERR_STREAM_SHUT_WR: -512, ERR_INVALID_STREAM_ID: -513, ERR_INVALID_STREAM_STATE: -514,
  ERR_DEFERRED_DATA_EXIST: -515, ERR_SYN_STREAM_NOT_ALLOWED: -516, ERR_GOAWAY_ALREADY_SENT: -517,
  ERR_INVALID_HEADER_BLOCK: -518, ERR_INVALID_STATE: -519, ERR_GZIP: -520,
  ERR_TEMPORAL_CALLBACK_FAILURE: -521, ERR_FRAME_TOO_LARGE: -522,
  ERR_FATAL: -900, ERR_NOMEM: -901, ERR_CALLBACK_FAILURE: -902,
};

describe('constants', () => {
  it.each(Object.entries(expected))('%s has spdylay value %d', (name, value) => {
    expect((core as Record<string, unknown>)[name]).toBe(value);
  });
});

describe('errors', () => {
  const classes = [
    ['EOFError', core.EOFError, core.ERR_EOF],
    ['CallbackFailureError', core.CallbackFailureError, core.ERR_CALLBACK_FAILURE],
    ['TemporalCallbackFailureError', core.TemporalCallbackFailureError, core.ERR_TEMPORAL_CALLBACK_FAILURE],
    ['InvalidArgumentError', core.InvalidArgumentError, core.ERR_INVALID_ARGUMENT],
    ['ZlibError', core.ZlibError, core.ERR_ZLIB],
    ['UnsupportedVersionError', core.UnsupportedVersionError, core.ERR_UNSUPPORTED_VERSION],
    ['StreamClosedError', core.StreamClosedError, core.ERR_STREAM_CLOSED],
  ] as const;
  it.each(classes)('%s extends SpdylayError with its name and code', (name, Cls, code) => {
    const err = new Cls('why');
    expect(err).toBeInstanceOf(core.SpdylayError);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe(name);
    expect(err.code).toBe(code);
    expect(err.message).toBe('why');
  });
  it('keeps a cause', () => {
    const cause = new Error('inner');
    expect(new core.ZlibError('outer', { cause }).cause).toBe(cause);
  });
});
