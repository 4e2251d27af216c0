/**
 * Names for the numbers of constants.ts, for messages and traces: a status
 * code or an error code reads better as `REFUSED_STREAM` or
 * `ERR_STREAM_CLOSED` than as 3 or -510.
 *
 * Each table is built from the constants themselves (the shorthand
 * `{ PROTOCOL_ERROR }` is the pair 'PROTOCOL_ERROR' → 1), so a name cannot
 * drift from its value. A number with no constant gets `UNKNOWN_…(n)`, which
 * keeps the number and says which family it was looked up in.
 */
import {
  CANCEL,
  CREDENTIAL,
  ERR_CALLBACK_FAILURE,
  ERR_DEFERRED,
  ERR_DEFERRED_DATA_EXIST,
  ERR_EOF,
  ERR_FRAME_TOO_LARGE,
  ERR_GOAWAY_ALREADY_SENT,
  ERR_GZIP,
  ERR_INVALID_ARGUMENT,
  ERR_INVALID_FRAME,
  ERR_INVALID_HEADER_BLOCK,
  ERR_INVALID_STATE,
  ERR_INVALID_STREAM_ID,
  ERR_INVALID_STREAM_STATE,
  ERR_NOMEM,
  ERR_PROTO,
  ERR_STREAM_CLOSED,
  ERR_STREAM_CLOSING,
  ERR_STREAM_ID_NOT_AVAILABLE,
  ERR_STREAM_SHUT_WR,
  ERR_SYN_STREAM_NOT_ALLOWED,
  ERR_TEMPORAL_CALLBACK_FAILURE,
  ERR_UNSUPPORTED_VERSION,
  ERR_WOULDBLOCK,
  ERR_ZLIB,
  FLOW_CONTROL_ERROR,
  FRAME_TOO_LARGE,
  GOAWAY,
  GOAWAY_INTERNAL_ERROR,
  GOAWAY_OK,
  GOAWAY_PROTOCOL_ERROR,
  HEADERS,
  INTERNAL_ERROR,
  INVALID_CREDENTIALS,
  INVALID_STREAM,
  NOOP,
  OK,
  PING,
  PROTOCOL_ERROR,
  REFUSED_STREAM,
  RST_STREAM,
  SETTINGS,
  SETTINGS_CLIENT_CERTIFICATE_VECTOR_SIZE,
  SETTINGS_CURRENT_CWND,
  SETTINGS_DOWNLOAD_BANDWIDTH,
  SETTINGS_DOWNLOAD_RETRANS_RATE,
  SETTINGS_INITIAL_WINDOW_SIZE,
  SETTINGS_MAX_CONCURRENT_STREAMS,
  SETTINGS_ROUND_TRIP_TIME,
  SETTINGS_UPLOAD_BANDWIDTH,
  STREAM_ALREADY_CLOSED,
  STREAM_IN_USE,
  SYN_REPLY,
  SYN_STREAM,
  UNSUPPORTED_VERSION,
  WINDOW_UPDATE,
} from './constants.js';

/** value → name, from an object of constants written in shorthand. */
function byValue(constants: Record<string, number>, prefix = ''): ReadonlyMap<number, string> {
  return new Map(Object.entries(constants).map(([name, value]) => [value, name.slice(prefix.length)]));
}

function nameOr(table: ReadonlyMap<number, string>, code: number, family: string): string {
  return table.get(code) ?? `UNKNOWN_${family}(${String(code)})`;
}

/** @internal Exported for the CLI's strstatus, which has its own words for an unknown code. */
export const STATUS_CODES = byValue({
  OK,
  PROTOCOL_ERROR,
  INVALID_STREAM,
  REFUSED_STREAM,
  UNSUPPORTED_VERSION,
  CANCEL,
  INTERNAL_ERROR,
  FLOW_CONTROL_ERROR,
  STREAM_IN_USE,
  STREAM_ALREADY_CLOSED,
  INVALID_CREDENTIALS,
  FRAME_TOO_LARGE,
});

// The GOAWAY_ prefix only keeps these apart from the RST_STREAM codes in one
// namespace; the drafts call them OK, PROTOCOL_ERROR and INTERNAL_ERROR.
const GOAWAY_STATUS_CODES = byValue({ GOAWAY_OK, GOAWAY_PROTOCOL_ERROR, GOAWAY_INTERNAL_ERROR }, 'GOAWAY_');

/**
 * spdylay's error codes. ERR_FATAL (-900) is left out: it is the threshold
 * below which codes are fatal, not a code anything reports.
 *
 * @internal Exported for messages that want the name only when there is one.
 */
export const ERROR_CODES = byValue({
  ERR_INVALID_ARGUMENT,
  ERR_ZLIB,
  ERR_UNSUPPORTED_VERSION,
  ERR_WOULDBLOCK,
  ERR_PROTO,
  ERR_INVALID_FRAME,
  ERR_EOF,
  ERR_DEFERRED,
  ERR_STREAM_ID_NOT_AVAILABLE,
  ERR_STREAM_CLOSED,
  ERR_STREAM_CLOSING,
  ERR_STREAM_SHUT_WR,
  ERR_INVALID_STREAM_ID,
  ERR_INVALID_STREAM_STATE,
  ERR_DEFERRED_DATA_EXIST,
  ERR_SYN_STREAM_NOT_ALLOWED,
  ERR_GOAWAY_ALREADY_SENT,
  ERR_INVALID_HEADER_BLOCK,
  ERR_INVALID_STATE,
  ERR_GZIP,
  ERR_TEMPORAL_CALLBACK_FAILURE,
  ERR_FRAME_TOO_LARGE,
  ERR_NOMEM,
  ERR_CALLBACK_FAILURE,
});

const FRAME_TYPES = byValue({
  SYN_STREAM,
  SYN_REPLY,
  RST_STREAM,
  SETTINGS,
  NOOP,
  PING,
  GOAWAY,
  HEADERS,
  WINDOW_UPDATE,
  CREDENTIAL,
});

const SETTINGS_IDS = byValue({
  SETTINGS_UPLOAD_BANDWIDTH,
  SETTINGS_DOWNLOAD_BANDWIDTH,
  SETTINGS_ROUND_TRIP_TIME,
  SETTINGS_MAX_CONCURRENT_STREAMS,
  SETTINGS_CURRENT_CWND,
  SETTINGS_DOWNLOAD_RETRANS_RATE,
  SETTINGS_INITIAL_WINDOW_SIZE,
  SETTINGS_CLIENT_CERTIFICATE_VECTOR_SIZE,
});

/**
 * An RST_STREAM status code (also onStreamCloseCb's and
 * onInvalidCtrlRecvCb's statusCode): `'PROTOCOL_ERROR'` … `'FRAME_TOO_LARGE'`,
 * `'OK'` for 0 (a stream closed normally), else `'UNKNOWN_STATUS(n)'`.
 */
export function statusCodeName(code: number): string {
  return nameOr(STATUS_CODES, code, 'STATUS');
}

/** A GOAWAY status code: `'OK'`, `'PROTOCOL_ERROR'`, `'INTERNAL_ERROR'`, else `'UNKNOWN_GOAWAY_STATUS(n)'`. */
export function goawayStatusName(code: number): string {
  return nameOr(GOAWAY_STATUS_CODES, code, 'GOAWAY_STATUS');
}

/** A library error code (an ERR_* value, as onCtrlNotSendCb gets): `'ERR_STREAM_CLOSED'`, else `'UNKNOWN_ERROR(n)'`. */
export function errorCodeName(code: number): string {
  return nameOr(ERROR_CODES, code, 'ERROR');
}

/**
 * A control frame type: `'SYN_STREAM'` … `'CREDENTIAL'`, else
 * `'UNKNOWN_FRAME_TYPE(n)'`. DATA has no type number (its frames have no
 * type field), so it has no name here.
 */
export function frameTypeName(type: number): string {
  return nameOr(FRAME_TYPES, type, 'FRAME_TYPE');
}

/** A SETTINGS id: `'SETTINGS_UPLOAD_BANDWIDTH'` … `'SETTINGS_CLIENT_CERTIFICATE_VECTOR_SIZE'`, else `'UNKNOWN_SETTINGS_ID(n)'`. */
export function settingsIdName(id: number): string {
  return nameOr(SETTINGS_IDS, id, 'SETTINGS_ID');
}
