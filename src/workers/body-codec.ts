/**
 * HTTP content coding of bodies (`gzip`, `deflate`) as a stream: chunks in,
 * coded chunks out, synchronously, with pako. The same class runs in the
 * calling thread for small bodies and inside the zlib worker for large ones
 * (content-coding.ts chooses), so both produce the same bytes.
 *
 * A corrupt or truncated encoded body is a BodyCodingError with spdylay's
 * ERR_GZIP code; the coder is then finished.
 */
import { Deflate, Inflate } from 'pako';
import { concatBytes } from '../core/bytes.js';
import { ERR_GZIP } from '../core/constants.js';
import { InvalidArgumentError, SpdylayError } from '../core/errors.js';

/** The content codings this library speaks. */
export type BodyCoding = 'gzip' | 'deflate';

export type CodingDirection = 'encode' | 'decode';

/** A coded body was corrupt or ended early: spdylay's ERR_GZIP. */
export class BodyCodingError extends SpdylayError {
  override name = 'BodyCodingError';
  constructor(message: string) {
    super(message, ERR_GZIP);
  }
}

/** Default level for bodies: zlib's own default, a good ratio for its speed. */
export const DEFAULT_BODY_LEVEL = 6;

const EMPTY = new Uint8Array(0);

export function checkedCoding(coding: unknown): BodyCoding {
  if (coding !== 'gzip' && coding !== 'deflate') {
    throw new InvalidArgumentError(`content coding must be 'gzip' or 'deflate', got ${String(coding)}`);
  }
  return coding;
}

export function checkedLevel(level: unknown): number {
  if (typeof level !== 'number' || !Number.isInteger(level) || level < 0 || level > 9) {
    throw new InvalidArgumentError(`compression level must be an integer 0..9, got ${String(level)}`);
  }
  return level;
}

/** One body's coder: push chunks in order, the last with `final`. */
export class BodyCoder {
  private readonly out: Uint8Array[] = [];
  private deflater: Deflate | null = null;
  private inflater: Inflate | null = null;
  /** `deflate` decoding: zlib-wrapped (RFC 9110) or, as some servers send it, raw; told by the first bytes. */
  private rawDeflateUndecided: boolean;
  private pendingHead: Uint8Array | null = null;
  private done = false;

  constructor(
    readonly coding: BodyCoding,
    readonly direction: CodingDirection,
    level: number = DEFAULT_BODY_LEVEL,
  ) {
    checkedCoding(coding);
    this.rawDeflateUndecided = direction === 'decode' && coding === 'deflate';
    if (direction === 'encode') {
      this.deflater = new Deflate({ level: checkedLevel(level), gzip: coding === 'gzip' });
      this.deflater.onData = (chunk) => this.out.push(chunk);
    } else if (!this.rawDeflateUndecided) {
      this.startInflater(false);
    }
  }

  get finished(): boolean {
    return this.done;
  }

  /**
   * Codes `chunk` and returns what is ready of the output (often empty for
   * small chunks: zlib holds output until it has a block). With `final`,
   * the output is complete and the coder finished. Throws BodyCodingError
   * for a corrupt or truncated input when decoding.
   */
  push(chunk: Uint8Array, final: boolean): Uint8Array {
    if (this.done) throw new InvalidArgumentError('the body coder is finished');
    if (this.rawDeflateUndecided) {
      chunk = this.joinHead(chunk);
      if (chunk.length < 2 && !final) return EMPTY;
      this.rawDeflateUndecided = false;
      this.startInflater(!isZlibHeader(chunk));
    }
    if (final) this.done = true;
    if (this.deflater !== null) {
      this.deflater.push(chunk, final);
      if (this.deflater.err !== 0) throw new BodyCodingError(`${this.coding} encoding failed: ${this.deflater.msg}`);
    } else {
      this.inflate(chunk, final);
    }
    return this.take();
  }

  private inflate(chunk: Uint8Array, final: boolean): void {
    const inflater = this.inflater!;
    if (chunk.length > 0 && !inflater.ended) inflater.push(chunk, false);
    if (inflater.err !== 0) {
      this.done = true;
      throw new BodyCodingError(`the ${this.coding} body is corrupt: ${inflater.msg || 'invalid data'}`);
    }
    if (final && !inflater.ended) {
      throw new BodyCodingError(`the ${this.coding} body is truncated: it ended before its compressed stream did`);
    }
  }

  private startInflater(raw: boolean): void {
    this.inflater = new Inflate(raw ? { raw: true } : {});
    this.inflater.onData = (chunk) => this.out.push(chunk);
    this.inflater.onEnd = () => {};
  }

  private joinHead(chunk: Uint8Array): Uint8Array {
    const head = this.pendingHead;
    if (head === null) {
      if (chunk.length < 2) this.pendingHead = chunk.slice();
      return chunk;
    }
    const joined = new Uint8Array(head.length + chunk.length);
    joined.set(head);
    joined.set(chunk, head.length);
    this.pendingHead = joined.length < 2 ? joined : null;
    return joined;
  }

  private take(): Uint8Array {
    const out = this.out;
    if (out.length === 0) return EMPTY;
    if (out.length === 1) return ownBuffer(out.pop()!);
    const joined = concatBytes(out);
    out.length = 0;
    return joined;
  }
}

/** A zlib header: CM 8, a window of at most 32 KiB, and a check that makes CMF·FLG a multiple of 31. */
function isZlibHeader(bytes: Uint8Array): boolean {
  const cmf = bytes[0]!;
  const flg = bytes[1]!;
  return (cmf & 0x0f) === 8 && cmf >> 4 <= 7 && ((cmf << 8) | flg) % 31 === 0;
}

/** pako hands out views of its own chunk buffers; a chunk sent elsewhere must own its buffer. */
function ownBuffer(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
}

/** Whole-body helpers, for tests and small bodies. */
export function codeBody(coding: BodyCoding, direction: CodingDirection, body: Uint8Array, level?: number): Uint8Array {
  return new BodyCoder(coding, direction, level).push(body, true);
}
