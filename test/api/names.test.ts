/**
 * The names helpers: every number of spdylay's tables gets its constant's
 * name, and a number outside them keeps its value and says which table it
 * was looked up in. Numbers are written out here (spdylay's spdylay.h), not
 * taken from constants.ts, so a table that drifted would be caught.
 */
import { describe, expect, it } from 'vitest';
import * as spdylay from '../../src/index.js';
import { errorCodeName, frameTypeName, goawayStatusName, settingsIdName, statusCodeName } from '../../src/index.js';

describe('statusCodeName', () => {
  it.each([
    [0, 'OK'],
    [1, 'PROTOCOL_ERROR'],
    [2, 'INVALID_STREAM'],
    [3, 'REFUSED_STREAM'],
    [4, 'UNSUPPORTED_VERSION'],
    [5, 'CANCEL'],
    [6, 'INTERNAL_ERROR'],
    [7, 'FLOW_CONTROL_ERROR'],
    [8, 'STREAM_IN_USE'],
    [9, 'STREAM_ALREADY_CLOSED'],
    [10, 'INVALID_CREDENTIALS'],
    [11, 'FRAME_TOO_LARGE'],
  ])('%d is %s', (code, name) => {
    expect(statusCodeName(code)).toBe(name);
  });

  it('an unknown status keeps its number', () => {
    expect(statusCodeName(42)).toBe('UNKNOWN_STATUS(42)');
    expect(statusCodeName(-1)).toBe('UNKNOWN_STATUS(-1)');
  });
});

describe('goawayStatusName', () => {
  it.each([
    [0, 'OK'],
    [1, 'PROTOCOL_ERROR'],
    [2, 'INTERNAL_ERROR'],
  ])('%d is %s', (code, name) => {
    expect(goawayStatusName(code)).toBe(name);
  });

  it('is its own table: 3 is REFUSED_STREAM for RST_STREAM but unknown for GOAWAY', () => {
    expect(goawayStatusName(3)).toBe('UNKNOWN_GOAWAY_STATUS(3)');
    expect(goawayStatusName(spdylay.GOAWAY_INTERNAL_ERROR)).not.toBe(statusCodeName(spdylay.GOAWAY_INTERNAL_ERROR));
  });
});

describe('errorCodeName', () => {
  it.each([
    [-501, 'ERR_INVALID_ARGUMENT'],
    [-502, 'ERR_ZLIB'],
    [-503, 'ERR_UNSUPPORTED_VERSION'],
    [-504, 'ERR_WOULDBLOCK'],
    [-505, 'ERR_PROTO'],
    [-506, 'ERR_INVALID_FRAME'],
    [-507, 'ERR_EOF'],
    [-508, 'ERR_DEFERRED'],
    [-509, 'ERR_STREAM_ID_NOT_AVAILABLE'],
    [-510, 'ERR_STREAM_CLOSED'],
    [-511, 'ERR_STREAM_CLOSING'],
    [-512, 'ERR_STREAM_SHUT_WR'],
    [-513, 'ERR_INVALID_STREAM_ID'],
    [-514, 'ERR_INVALID_STREAM_STATE'],
    [-515, 'ERR_DEFERRED_DATA_EXIST'],
    [-516, 'ERR_SYN_STREAM_NOT_ALLOWED'],
    [-517, 'ERR_GOAWAY_ALREADY_SENT'],
    [-518, 'ERR_INVALID_HEADER_BLOCK'],
    [-519, 'ERR_INVALID_STATE'],
    [-520, 'ERR_GZIP'],
    [-521, 'ERR_TEMPORAL_CALLBACK_FAILURE'],
    [-522, 'ERR_FRAME_TOO_LARGE'],
    [-901, 'ERR_NOMEM'],
    [-902, 'ERR_CALLBACK_FAILURE'],
  ])('%d is %s', (code, name) => {
    expect(errorCodeName(code)).toBe(name);
  });

  it('ERR_FATAL is a threshold, not a code: it has no name', () => {
    expect(errorCodeName(spdylay.ERR_FATAL)).toBe('UNKNOWN_ERROR(-900)');
    expect(errorCodeName(0)).toBe('UNKNOWN_ERROR(0)');
  });
});

describe('frameTypeName', () => {
  it.each([
    [1, 'SYN_STREAM'],
    [2, 'SYN_REPLY'],
    [3, 'RST_STREAM'],
    [4, 'SETTINGS'],
    [5, 'NOOP'],
    [6, 'PING'],
    [7, 'GOAWAY'],
    [8, 'HEADERS'],
    [9, 'WINDOW_UPDATE'],
    [10, 'CREDENTIAL'],
  ])('%d is %s', (type, name) => {
    expect(frameTypeName(type)).toBe(name);
  });

  it('DATA and unknown types have no name', () => {
    expect(frameTypeName(0)).toBe('UNKNOWN_FRAME_TYPE(0)');
    expect(frameTypeName(11)).toBe('UNKNOWN_FRAME_TYPE(11)');
  });
});

describe('settingsIdName', () => {
  it.each([
    [1, 'SETTINGS_UPLOAD_BANDWIDTH'],
    [2, 'SETTINGS_DOWNLOAD_BANDWIDTH'],
    [3, 'SETTINGS_ROUND_TRIP_TIME'],
    [4, 'SETTINGS_MAX_CONCURRENT_STREAMS'],
    [5, 'SETTINGS_CURRENT_CWND'],
    [6, 'SETTINGS_DOWNLOAD_RETRANS_RATE'],
    [7, 'SETTINGS_INITIAL_WINDOW_SIZE'],
    [8, 'SETTINGS_CLIENT_CERTIFICATE_VECTOR_SIZE'],
  ])('%d is %s', (id, name) => {
    expect(settingsIdName(id)).toBe(name);
  });

  it('0 and ids above SETTINGS_MAX have no name', () => {
    expect(settingsIdName(0)).toBe('UNKNOWN_SETTINGS_ID(0)');
    expect(settingsIdName(9)).toBe('UNKNOWN_SETTINGS_ID(9)');
  });
});

describe('the names are the constants', () => {
  it('every name maps back to its constant, in both packages', async () => {
    const core = await import('../../src/core/index.js');
    for (const code of [0, 1, 5, 11]) expect(spdylay[statusCodeName(code) as keyof typeof spdylay]).toBe(code);
    for (const code of [-501, -510, -902]) expect(spdylay[errorCodeName(code) as keyof typeof spdylay]).toBe(code);
    for (const type of [1, 5, 10]) expect(spdylay[frameTypeName(type) as keyof typeof spdylay]).toBe(type);
    for (const id of [1, 8]) expect(spdylay[settingsIdName(id) as keyof typeof spdylay]).toBe(id);
    for (const code of [0, 1, 2]) expect(spdylay[`GOAWAY_${goawayStatusName(code)}` as keyof typeof spdylay]).toBe(code);
    expect(core.statusCodeName).toBe(statusCodeName);
  });
});
