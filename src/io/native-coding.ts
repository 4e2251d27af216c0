/**
 * Content coding with Node's own zlib (node:zlib streams: native zlib on
 * libuv's threadpool), behind the same StreamingBodyCoder as the in-thread
 * and pooled coders of src/workers. On Node it is the default engine: the
 * benchmark found it faster than pako on the main thread and than pako in
 * the worker pool at every body size and load measured, with the least
 * main-thread CPU (BENCHMARKS.md, "Content coding and the zlib pool").
 */
import * as zlib from 'node:zlib';
import { BodyCodingError, checkedCoding, checkedLevel } from '../workers/body-codec.js';
import type { BodyCoding, CodingDirection } from '../workers/body-codec.js';
import type { StreamingBodyCoder } from '../workers/content-coding.js';

const EMPTY = new Uint8Array(0);

export class NativeBodyCoder implements StreamingBodyCoder {
  readonly offThread = true;
  private stream: zlib.Gzip | zlib.Deflate | zlib.Gunzip | zlib.Inflate | zlib.InflateRaw | null = null;
  private readonly out: Buffer[] = [];
  private failure: Error | null = null;
  private ended = false;
  /** `deflate` decoding waits for two bytes to tell zlib-wrapped from raw. */
  private head: Uint8Array | null = null;

  constructor(
    private readonly coding: BodyCoding,
    direction: CodingDirection,
    level: number,
  ) {
    checkedCoding(coding);
    checkedLevel(level);
    if (direction === 'encode') this.start(coding === 'gzip' ? zlib.createGzip({ level }) : zlib.createDeflate({ level }));
    else if (coding === 'gzip') this.start(zlib.createGunzip());
  }

  async push(chunk: Uint8Array, final: boolean): Promise<Uint8Array> {
    if (this.ended) throw new BodyCodingError('the body coder is finished');
    if (final) this.ended = true;
    if (this.stream === null) {
      chunk = this.joinHead(chunk);
      if (chunk.length < 2 && !final) return EMPTY;
      const zlibWrapped = chunk.length >= 2 && isZlibHeader(chunk);
      this.start(zlibWrapped ? zlib.createInflate() : zlib.createInflateRaw());
    }
    const stream = this.stream!;
    if (this.failure !== null) throw this.failure;
    // Done when zlib has taken the chunk (or, for the last, ended), or has
    // failed: a failing zlib stream may never call the write back.
    await new Promise<void>((resolve) => {
      const done = () => {
        stream.off('error', done);
        stream.off('end', done);
        resolve();
      };
      stream.once('error', done);
      if (final) {
        stream.once('end', done);
        stream.end(chunk);
      } else {
        stream.write(chunk, () => done());
      }
    });
    if (this.failure !== null) throw this.failure;
    return this.take();
  }

  abort(): void {
    this.ended = true;
    this.stream?.destroy();
  }

  private start(stream: NonNullable<NativeBodyCoder['stream']>): void {
    this.stream = stream;
    stream.on('data', (chunk: Buffer) => this.out.push(chunk));
    stream.on('error', (error: Error) => {
      if (this.failure !== null) return;
      const truncated = /unexpected end of file/i.test(error.message);
      this.failure = new BodyCodingError(
        truncated
          ? `the ${this.coding} body is truncated: it ended before its compressed stream did`
          : `the ${this.coding} body is corrupt: ${error.message}`,
      );
    });
    // Output is collected as it comes; nothing reads the stream otherwise.
    stream.resume();
  }

  private joinHead(chunk: Uint8Array): Uint8Array {
    if (this.head === null) {
      if (chunk.length < 2) this.head = chunk.slice();
      return chunk;
    }
    const joined = new Uint8Array(this.head.length + chunk.length);
    joined.set(this.head);
    joined.set(chunk, this.head.length);
    this.head = joined.length < 2 ? joined : null;
    return joined;
  }

  private take(): Uint8Array {
    if (this.out.length === 0) return EMPTY;
    const joined = this.out.length === 1 ? this.out[0]! : Buffer.concat(this.out);
    this.out.length = 0;
    return joined;
  }
}

function isZlibHeader(bytes: Uint8Array): boolean {
  const cmf = bytes[0]!;
  const flg = bytes[1]!;
  return (cmf & 0x0f) === 8 && cmf >> 4 <= 7 && ((cmf << 8) | flg) % 31 === 0;
}
