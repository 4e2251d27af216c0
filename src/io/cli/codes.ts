/**
 * The words spdylay's tools print for numeric codes: stream status codes
 * (spdylay_ssl.cc's strstatus) and library error codes (spdylay_strerror
 * in lib/spdylay_helper.c), each with spdylay's text for a code it does
 * not know.
 */
import {
  CANCEL,
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
  INTERNAL_ERROR,
  INVALID_CREDENTIALS,
  INVALID_STREAM,
  OK,
  PROTOCOL_ERROR,
  REFUSED_STREAM,
  STREAM_ALREADY_CLOSED,
  STREAM_IN_USE,
  UNSUPPORTED_VERSION,
} from '../../core/constants.js';

const STATUS_NAMES = new Map<number, string>([
  [OK, 'OK'],
  [PROTOCOL_ERROR, 'PROTOCOL_ERROR'],
  [INVALID_STREAM, 'INVALID_STREAM'],
  [REFUSED_STREAM, 'REFUSED_STREAM'],
  [UNSUPPORTED_VERSION, 'UNSUPPORTED_VERSION'],
  [CANCEL, 'CANCEL'],
  [INTERNAL_ERROR, 'INTERNAL_ERROR'],
  [FLOW_CONTROL_ERROR, 'FLOW_CONTROL_ERROR'],
  [STREAM_IN_USE, 'STREAM_IN_USE'],
  [STREAM_ALREADY_CLOSED, 'STREAM_ALREADY_CLOSED'],
  [INVALID_CREDENTIALS, 'INVALID_CREDENTIALS'],
  [FRAME_TOO_LARGE, 'FRAME_TOO_LARGE'],
]);

/** The name of a RST_STREAM status code, as `[INVALID; status=...]` shows it. */
export function statusCodeName(statusCode: number): string {
  return STATUS_NAMES.get(statusCode) ?? 'Unknown status code';
}

const ERROR_TEXTS = new Map<number, string>([
  [0, 'Success'],
  [ERR_INVALID_ARGUMENT, 'Invalid argument'],
  [ERR_ZLIB, 'Zlib error'],
  [ERR_UNSUPPORTED_VERSION, 'Unsupported SPDY version'],
  [ERR_WOULDBLOCK, 'Operation would block'],
  [ERR_PROTO, 'Protocol error'],
  [ERR_INVALID_FRAME, 'Invalid frame octets'],
  [ERR_EOF, 'EOF'],
  [ERR_DEFERRED, 'Data transfer deferred'],
  [ERR_STREAM_ID_NOT_AVAILABLE, 'No more Stream ID available'],
  [ERR_STREAM_CLOSED, 'Stream was already closed or invalid'],
  [ERR_STREAM_CLOSING, 'Stream is closing'],
  [ERR_STREAM_SHUT_WR, 'The transmission is not allowed for this stream'],
  [ERR_INVALID_STREAM_ID, 'Stream ID is invalid'],
  [ERR_INVALID_STREAM_STATE, 'Invalid stream state'],
  [ERR_DEFERRED_DATA_EXIST, 'Another DATA frame has already been deferred'],
  [ERR_SYN_STREAM_NOT_ALLOWED, 'SYN_STREAM is not allowed'],
  [ERR_GOAWAY_ALREADY_SENT, 'GOAWAY has already been sent'],
  [ERR_INVALID_HEADER_BLOCK, 'Invalid header block'],
  [ERR_INVALID_STATE, 'Invalid state'],
  [ERR_GZIP, 'Gzip error'],
  [ERR_TEMPORAL_CALLBACK_FAILURE, 'The user callback function failed due to the temporal error'],
  [ERR_FRAME_TOO_LARGE, 'The length of the frame is too large'],
  [ERR_NOMEM, 'Out of memory'],
  [ERR_CALLBACK_FAILURE, 'The user callback function failed'],
]);

/** spdylay_strerror: the text for a library error code (an ERR_* value, or 0). */
export function strerror(errorCode: number): string {
  return ERROR_TEXTS.get(errorCode) ?? 'Unknown error code';
}
