/**
 * The errors the Node API reports: each has a stable string `code` (as
 * Node's own errors do) and, where the protocol gave one, the SPDY status
 * by number and by name, so nobody has to look a bare number up.
 */
import { errorCodeName, goawayStatusName, statusCodeName } from '../core/names.js';

export type SpdyErrorCode =
  /** The peer reset the stream (RST_STREAM); `statusCode` says why. */
  | 'ERR_SPDY_STREAM_RESET'
  /** The request was aborted by its AbortSignal or by the application. */
  | 'ERR_SPDY_ABORTED'
  /** The peer sent GOAWAY before it processed this stream: safe to retry. */
  | 'ERR_SPDY_REFUSED'
  /** The transport ended (EOF, socket error) while the stream was open. */
  | 'ERR_SPDY_CONNECTION_LOST'
  /** The session was closed or destroyed: no new stream can be opened. */
  | 'ERR_SPDY_SESSION_CLOSED'
  /** The peer broke the protocol; the session ended with GOAWAY. */
  | 'ERR_SPDY_PROTOCOL'
  /** TLS negotiated no SPDY protocol. */
  | 'ERR_SPDY_NO_PROTOCOL'
  /** A connect, reply or idle timeout expired, or (server) a request body stalled or trickled. */
  | 'ERR_SPDY_TIMEOUT'
  /** The session refused a frame we submitted (the spdylay code is in `errorCode`). */
  | 'ERR_SPDY_NOT_SENT'
  /** An argument was wrong. */
  | 'ERR_SPDY_INVALID_ARGUMENT'
  /**
   * A response body's gzip or deflate coding was corrupt or truncated
   * (spdylay's ERR_GZIP): the stream is reset with INTERNAL_ERROR, as
   * spdycat does; the session goes on.
   */
  | 'ERR_SPDY_GZIP';

export class SpdyError extends Error {
  override name = 'SpdyError';
  readonly code: SpdyErrorCode;
  /** RST_STREAM or GOAWAY status, when the error came with one. */
  readonly statusCode: number | undefined;
  /** The status's name (`REFUSED_STREAM`, ...). */
  readonly statusName: string | undefined;

  constructor(code: SpdyErrorCode, message: string, options: { statusCode?: number; statusName?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.statusCode = options.statusCode;
    this.statusName = options.statusName;
  }
}

/** A stream closed by RST_STREAM with `statusCode`. */
export function streamResetError(streamId: number, statusCode: number, byPeer: boolean): SpdyError {
  const statusName = statusCodeName(statusCode);
  const who = byPeer ? 'the peer reset' : 'reset';
  return new SpdyError('ERR_SPDY_STREAM_RESET', `stream ${streamId}: ${who} it with ${statusName}`, {
    statusCode,
    statusName,
  });
}

/** The session ended because of a GOAWAY with a failing status (sent or received). */
export function goawayError(statusCode: number, sent: boolean, reason: string | null): SpdyError {
  const statusName = goawayStatusName(statusCode);
  const what = sent ? `we ended the session with GOAWAY ${statusName}` : `the peer ended the session with GOAWAY ${statusName}`;
  return new SpdyError('ERR_SPDY_PROTOCOL', reason === null ? what : `${what}: ${reason}`, { statusCode, statusName });
}

/** A frame the session would not send, with spdylay's reason. */
export function notSentError(what: string, errorCode: number): SpdyError {
  return new SpdyError('ERR_SPDY_NOT_SENT', `${what} was not sent: ${errorCodeName(errorCode)}`);
}

export { statusCodeName };
