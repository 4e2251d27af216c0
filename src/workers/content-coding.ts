/**
 * Content coding of bodies, in the calling thread or in the zlib pool: a
 * body known to be large goes to a pinned lane of the pool, anything else
 * is coded in-thread (body-codec.ts does the coding in both places, so the
 * bytes are the same). Where the line lies is DEFAULT_POOL_THRESHOLD,
 * chosen by the benchmark (BENCHMARKS.md, "Content coding and the zlib
 * pool"). On Node, src/io codes with Node's own zlib by default instead.
 */
import { InvalidArgumentError } from '../core/errors.js';
import { BodyCoder, BodyCodingError, DEFAULT_BODY_LEVEL, checkedCoding, checkedLevel } from './body-codec.js';
import type { BodyCoding, CodingDirection } from './body-codec.js';
import { WorkerPoolError } from './errors.js';
import type { PoolLane } from './pool.js';
import { newWorkerStateId, type ZlibPool } from './zlib-pool.js';
import type { ZlibWorkerApi } from './zlib.worker.js';

/**
 * Bodies of at least this many bytes go to the pool when one is given.
 * From the benchmark (BENCHMARKS.md, "Content coding and the zlib pool"):
 * on two cores the pool takes pako's work off the main thread at every size
 * but never codes faster than in-thread; 64 KiB is the smallest size at
 * which its throughput came within 10% of in-thread's, with a p99 no worse
 * and a sixteenth of the main-thread CPU.
 */
export const DEFAULT_POOL_THRESHOLD = 64 * 1024;

export interface ContentCodingOptions {
  /** The pool for large bodies; none (default): every body is coded in-thread. */
  pool?: ZlibPool | null;
  /** Bodies of at least this many bytes go to the pool (default DEFAULT_POOL_THRESHOLD). */
  poolThreshold?: number;
  /** Compression level 0..9 (default 6). */
  level?: number;
}

/** One body's coder, wherever it runs: push the chunks in order, the last with `final`. */
export interface StreamingBodyCoder {
  /** True when the body is coded off the calling thread (the pool; Node's zlib): push then answers with a promise. */
  readonly offThread: boolean;
  /** The coded bytes ready so far (maybe none); rejects with BodyCodingError for corrupt or truncated input. */
  push(chunk: Uint8Array, final: boolean): Uint8Array | Promise<Uint8Array>;
  /** Drops the coder's state (a body abandoned half way). */
  abort(): void;
}

export function checkedThreshold(value: unknown, name = 'poolThreshold'): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
    throw new InvalidArgumentError(`${name} must be a number of bytes, 0 or more (Infinity: never), got ${String(value)}`);
  }
  return value;
}

/**
 * A coder for one body. `expectedLength`: the body's size when known
 * (content-length, a file's size); a body of unknown size is coded
 * in-thread, since a stream cannot move to the pool half way.
 */
export function createBodyCoder(
  coding: BodyCoding,
  direction: CodingDirection,
  options: ContentCodingOptions = {},
  expectedLength?: number,
): StreamingBodyCoder {
  checkedCoding(coding);
  const level = checkedLevel(options.level ?? DEFAULT_BODY_LEVEL);
  const threshold = checkedThreshold(options.poolThreshold ?? DEFAULT_POOL_THRESHOLD);
  if (expectedLength !== undefined && expectedLength >= threshold) {
    // Read only now: a server's default pool starts on the first large body.
    const pool = options.pool ?? null;
    if (pool !== null && !pool.isClosed) return new PooledBodyCoder(pool.lane(), coding, direction, level);
  }
  return new InThreadBodyCoder(new BodyCoder(coding, direction, level));
}

class InThreadBodyCoder implements StreamingBodyCoder {
  readonly offThread = false;
  constructor(private readonly coder: BodyCoder) {}

  push(chunk: Uint8Array, final: boolean): Uint8Array {
    return this.coder.push(chunk, final);
  }

  abort(): void {}
}

class PooledBodyCoder implements StreamingBodyCoder {
  readonly offThread = true;
  private readonly id = newWorkerStateId();
  private ended = false;

  constructor(
    private readonly lane: PoolLane<ZlibWorkerApi>,
    coding: BodyCoding,
    direction: CodingDirection,
    level: number,
  ) {
    // Not awaited: the lane runs it before the first push, in order; a
    // failure shows in that push.
    lane.call('bodyOpen', [this.id, coding, direction, level]).catch(() => {});
  }

  async push(chunk: Uint8Array, final: boolean): Promise<Uint8Array> {
    if (final) this.ended = true;
    try {
      // The chunk is copied across (a caller's buffer is never detached).
      return await this.lane.call('bodyPush', [chunk, this.id, final]);
    } catch (error) {
      this.ended = true;
      throw codingError(error);
    } finally {
      if (this.ended) this.lane.release();
    }
  }

  abort(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.lane.alive) this.lane.call('bodyClose', [this.id]).catch(() => {});
    this.lane.release();
  }
}

/** A BodyCodingError thrown in the worker arrives as a task error: it is one again here. */
function codingError(error: unknown): Error {
  if (error instanceof WorkerPoolError && error.code === 'ERR_WORKER_TASK') {
    const cause = error.cause as { name?: string; message?: string } | undefined;
    if (cause?.name === 'BodyCodingError') return new BodyCodingError(cause.message ?? 'corrupt body');
  }
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * The codings a client accepts, from `accept-encoding`, that we can send:
 * gzip preferred, then deflate; null when neither is acceptable. q=0
 * refuses a coding; `*` stands for any not named.
 */
export function negotiateCoding(acceptEncoding: string | undefined): BodyCoding | null {
  if (acceptEncoding === undefined || acceptEncoding === '') return null;
  const weights = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [rawName, ...params] = part.split(';');
    const name = rawName!.trim().toLowerCase();
    if (name === '') continue;
    let q = 1;
    for (const param of params) {
      const [key, value] = param.split('=');
      if (key?.trim().toLowerCase() === 'q') q = Number(value?.trim());
    }
    weights.set(name, Number.isFinite(q) ? q : 0);
  }
  const weight = (coding: string) => weights.get(coding) ?? (coding === 'gzip' ? weights.get('x-gzip') : undefined) ?? weights.get('*') ?? 0;
  const gzip = weight('gzip');
  const deflate = weight('deflate');
  if (gzip <= 0 && deflate <= 0) return null;
  return gzip >= deflate ? 'gzip' : 'deflate';
}

/**
 * Media types not worth compressing: already compressed (images, audio,
 * video, archives, fonts in compressed formats). Anything else is.
 */
export function isCompressibleType(contentType: string | undefined): boolean {
  if (contentType === undefined) return true;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (type.startsWith('image/')) return type === 'image/svg+xml' || type === 'image/bmp' || type === 'image/x-icon';
  if (type.startsWith('audio/') || type.startsWith('video/')) return false;
  if (type === 'font/woff' || type === 'font/woff2') return false;
  return !ALREADY_COMPRESSED.has(type);
}

const ALREADY_COMPRESSED = new Set([
  'application/gzip',
  'application/x-gzip',
  'application/zip',
  'application/x-bzip2',
  'application/x-xz',
  'application/x-7z-compressed',
  'application/x-rar-compressed',
  'application/vnd.rar',
  'application/zstd',
  'application/x-zstd',
  'application/x-compress',
  'application/pdf',
  'application/octet-stream',
  'application/java-archive',
  'application/epub+zip',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
]);
