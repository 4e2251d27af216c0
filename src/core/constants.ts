/**
 * The constants of python-spdylay, with spdylay's values. Names and values
 * are part of the public contract (API.md); wire-level sizes and masks that
 * are not public live in `wire.ts`.
 */

// Sides and protocol versions.
export const CLIENT = 1;
export const SERVER = 2;
export const PROTO_SPDY2 = 2;
export const PROTO_SPDY3 = 3;
/** SPDY/3.1: SPDY/3 framing (version 3 on the wire) plus session flow control. */
export const PROTO_SPDY3_1 = 4;

// Data provider read control.
export const READ_EOF = 1;

// Library error codes.
export const ERR_INVALID_ARGUMENT = -501;
export const ERR_ZLIB = -502;
export const ERR_UNSUPPORTED_VERSION = -503;
export const ERR_WOULDBLOCK = -504;
export const ERR_PROTO = -505;
export const ERR_INVALID_FRAME = -506;
export const ERR_EOF = -507;
export const ERR_DEFERRED = -508;
export const ERR_STREAM_ID_NOT_AVAILABLE = -509;
export const ERR_STREAM_CLOSED = -510;
export const ERR_STREAM_CLOSING = -511;
export const ERR_STREAM_SHUT_WR = -512;
export const ERR_INVALID_STREAM_ID = -513;
export const ERR_INVALID_STREAM_STATE = -514;
export const ERR_DEFERRED_DATA_EXIST = -515;
export const ERR_SYN_STREAM_NOT_ALLOWED = -516;
export const ERR_GOAWAY_ALREADY_SENT = -517;
export const ERR_INVALID_HEADER_BLOCK = -518;
export const ERR_INVALID_STATE = -519;
export const ERR_GZIP = -520;
export const ERR_TEMPORAL_CALLBACK_FAILURE = -521;
/** C library only (python-spdylay does not export it); reaches onCtrlNotSendCb. */
export const ERR_FRAME_TOO_LARGE = -522;
/** Threshold: codes below this are fatal to the session. */
export const ERR_FATAL = -900;
export const ERR_NOMEM = -901;
export const ERR_CALLBACK_FAILURE = -902;

// Control frame types.
export const SYN_STREAM = 1;
export const SYN_REPLY = 2;
export const RST_STREAM = 3;
export const SETTINGS = 4;
export const NOOP = 5;
export const PING = 6;
export const GOAWAY = 7;
export const HEADERS = 8;
export const WINDOW_UPDATE = 9;
export const CREDENTIAL = 10;

// Frame flags.
export const CTRL_FLAG_NONE = 0;
export const CTRL_FLAG_FIN = 1;
export const CTRL_FLAG_UNIDIRECTIONAL = 2;
export const DATA_FLAG_NONE = 0;
export const DATA_FLAG_FIN = 1;

// SETTINGS frame flags and entry flags.
export const FLAG_SETTINGS_NONE = 0;
export const FLAG_SETTINGS_CLEAR_SETTINGS = 1;
export const ID_FLAG_SETTINGS_NONE = 0;
export const ID_FLAG_SETTINGS_PERSIST_VALUE = 1;
export const ID_FLAG_SETTINGS_PERSISTED = 2;

// SETTINGS ids.
export const SETTINGS_UPLOAD_BANDWIDTH = 1;
export const SETTINGS_DOWNLOAD_BANDWIDTH = 2;
export const SETTINGS_ROUND_TRIP_TIME = 3;
export const SETTINGS_MAX_CONCURRENT_STREAMS = 4;
export const SETTINGS_CURRENT_CWND = 5;
export const SETTINGS_DOWNLOAD_RETRANS_RATE = 6;
export const SETTINGS_INITIAL_WINDOW_SIZE = 7;
export const SETTINGS_CLIENT_CERTIFICATE_VECTOR_SIZE = 8;
/** The highest valid settings id. */
export const SETTINGS_MAX = 8;

// RST_STREAM status codes. OK is spdylay's internal "closed normally" and is
// never valid on the wire.
export const OK = 0;
export const PROTOCOL_ERROR = 1;
export const INVALID_STREAM = 2;
export const REFUSED_STREAM = 3;
export const UNSUPPORTED_VERSION = 4;
export const CANCEL = 5;
export const INTERNAL_ERROR = 6;
export const FLOW_CONTROL_ERROR = 7;
export const STREAM_IN_USE = 8;
export const STREAM_ALREADY_CLOSED = 9;
export const INVALID_CREDENTIALS = 10;
export const FRAME_TOO_LARGE = 11;

// GOAWAY status codes (SPDY/3 and later; a SPDY/2 GOAWAY carries none).
export const GOAWAY_OK = 0;
export const GOAWAY_PROTOCOL_ERROR = 1;
export const GOAWAY_INTERNAL_ERROR = 2;
