/**
 * The error classes of python-spdylay. Each carries spdylay's numeric code
 * (an ERR_* value) so that code ported from C can still switch on it, and an
 * explicit `name` that survives minification and worker boundaries.
 *
 * These are thrown only for misuse by the caller and for the cases API.md
 * names. A misbehaving peer never makes the session throw: it becomes
 * RST_STREAM or GOAWAY and a callback.
 */
import {
  ERR_CALLBACK_FAILURE,
  ERR_EOF,
  ERR_INVALID_ARGUMENT,
  ERR_STREAM_CLOSED,
  ERR_TEMPORAL_CALLBACK_FAILURE,
  ERR_UNSUPPORTED_VERSION,
  ERR_ZLIB,
} from './constants.js';

export class SpdylayError extends Error {
  override name = 'SpdylayError';
  /** spdylay's error code (an ERR_* constant), 0 when none applies. */
  readonly code: number;

  constructor(message = '', code = 0, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** recvCb throws this at end of input; recv() and send() throw it when the peer has gone. */
export class EOFError extends SpdylayError {
  override name = 'EOFError';
  constructor(message = 'end of file', options?: { cause?: unknown }) {
    super(message, ERR_EOF, options);
  }
}

/** Fatal: thrown by a callback to fail the whole session. */
export class CallbackFailureError extends SpdylayError {
  override name = 'CallbackFailureError';
  constructor(message = 'callback failure', options?: { cause?: unknown }) {
    super(message, ERR_CALLBACK_FAILURE, options);
  }
}

/** Thrown by a data provider's readCb: resets that stream with INTERNAL_ERROR. */
export class TemporalCallbackFailureError extends SpdylayError {
  override name = 'TemporalCallbackFailureError';
  constructor(message = 'temporal callback failure', options?: { cause?: unknown }) {
    super(message, ERR_TEMPORAL_CALLBACK_FAILURE, options);
  }
}

export class InvalidArgumentError extends SpdylayError {
  override name = 'InvalidArgumentError';
  constructor(message = 'invalid argument', options?: { cause?: unknown }) {
    super(message, ERR_INVALID_ARGUMENT, options);
  }
}

export class ZlibError extends SpdylayError {
  override name = 'ZlibError';
  constructor(message = 'zlib error', options?: { cause?: unknown }) {
    super(message, ERR_ZLIB, options);
  }
}

export class UnsupportedVersionError extends SpdylayError {
  override name = 'UnsupportedVersionError';
  constructor(message = 'unsupported version', options?: { cause?: unknown }) {
    super(message, ERR_UNSUPPORTED_VERSION, options);
  }
}

export class StreamClosedError extends SpdylayError {
  override name = 'StreamClosedError';
  constructor(message = 'stream closed', options?: { cause?: unknown }) {
    super(message, ERR_STREAM_CLOSED, options);
  }
}
