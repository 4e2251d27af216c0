/**
 * The words spdylay's tools print for numeric codes: stream status codes
 * (spdylay_ssl.cc's strstatus) and library error codes (spdylay_strerror
 * in lib/spdylay_helper.c), each with spdylay's text for a code it does
 * not know.
 */
import {
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
} from '../../core/constants.js';
import { STATUS_CODES } from '../../core/names.js';

/** The name of a RST_STREAM status code, as `[INVALID; status=...]` shows it. */
export function statusCodeName(statusCode: number): string {
  return STATUS_CODES.get(statusCode) ?? 'Unknown status code';
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
