/**
 * HTTP content coding on SPDY streams: what a server compresses and how its
 * response headers change, what a client decodes, and the options of both.
 * The coding itself (in-thread or in the zlib pool) is src/workers'.
 */
import type { NameValue } from '../core/index.js';
import { InvalidArgumentError } from '../core/errors.js';
import { DEFAULT_BODY_LEVEL, checkedLevel } from '../workers/body-codec.js';
import type { BodyCoding, CodingDirection } from '../workers/body-codec.js';
import { checkedThreshold, createBodyCoder, isCompressibleType, negotiateCoding } from '../workers/content-coding.js';
import type { ContentCodingOptions, StreamingBodyCoder } from '../workers/content-coding.js';
import { sharedZlibPool, type ZlibPool } from '../workers/zlib-pool.js';
import { NativeBodyCoder } from './native-coding.js';

/**
 * Where bodies are coded: 'native' is Node's zlib (node:zlib streams, on
 * libuv's threadpool), 'pool' the zlib worker pool for bodies declaring at
 * least poolThreshold bytes and pako in-thread for the rest, 'in-thread'
 * pako on the main thread always.
 */
export type CodingEngine = 'native' | 'pool' | 'in-thread';

export interface CompressionOptions {
  /**
   * Responses declaring a shorter content-length are sent as they are
   * (default 1024 bytes: below that, the gzip header and the lost
   * ratio eat most of the gain). A response without content-length is
   * compressed.
   */
  minLength?: number;
  /** Compression level 0..9 (default 6). */
  level?: number;
  /** Where bodies are compressed (default 'native': the benchmark's choice on Node). */
  engine?: CodingEngine;
  /** engine 'pool': the zlib pool (default: the program's shared pool, started on first use). */
  pool?: ZlibPool;
  /** engine 'pool': bodies declaring at least this many bytes go to the pool (default DEFAULT_POOL_THRESHOLD). */
  poolThreshold?: number;
}

export interface DecompressionOptions {
  /** Where bodies are decoded (default 'native'). */
  engine?: CodingEngine;
  /** engine 'pool': the zlib pool (default: the program's shared pool). */
  pool?: ZlibPool;
  /** engine 'pool': bodies declaring at least this many bytes go to the pool (default DEFAULT_POOL_THRESHOLD). */
  poolThreshold?: number;
}

export const DEFAULT_MIN_COMPRESS_LENGTH = 1024;

/** How bodies are coded, checked once. */
export interface ResolvedCoding {
  readonly engine: CodingEngine;
  readonly options: ContentCodingOptions;
}

/** A server's compression settings, checked once. */
export interface ResolvedCompression extends ResolvedCoding {
  readonly minLength: number;
}

function resolveCoding(o: CompressionOptions | DecompressionOptions, level: number | undefined, what: string): ResolvedCoding {
  const engine = o.engine ?? 'native';
  if (engine !== 'native' && engine !== 'pool' && engine !== 'in-thread') {
    throw new InvalidArgumentError(`${what}.engine must be 'native', 'pool' or 'in-thread', got ${String(engine)}`);
  }
  if (o.poolThreshold !== undefined) checkedThreshold(o.poolThreshold, `${what}.poolThreshold`);
  if (level !== undefined) checkedLevel(level);
  const options: ContentCodingOptions = { level, poolThreshold: o.poolThreshold };
  // The shared pool is started only when a body first needs it.
  Object.defineProperty(options, 'pool', {
    enumerable: true,
    get: () => (engine !== 'pool' ? null : (o.pool ?? sharedZlibPool())),
  });
  return { engine, options };
}

export function resolveCompression(option: boolean | CompressionOptions | undefined): ResolvedCompression | null {
  if (option === undefined || option === false) return null;
  const o: CompressionOptions = option === true ? {} : option;
  if (typeof o !== 'object' || o === null) {
    throw new InvalidArgumentError(`compression must be a boolean or an options object, got ${String(option)}`);
  }
  const minLength = checkedThreshold(o.minLength ?? DEFAULT_MIN_COMPRESS_LENGTH, 'compression.minLength');
  return { minLength, ...resolveCoding(o, o.level, 'compression') };
}

export function resolveDecompression(option: boolean | DecompressionOptions | undefined): ResolvedCoding | null {
  if (option === undefined || option === false) return null;
  const o: DecompressionOptions = option === true ? {} : option;
  if (typeof o !== 'object' || o === null) {
    throw new InvalidArgumentError(`decompress must be a boolean or an options object, got ${String(option)}`);
  }
  return resolveCoding(o, undefined, 'decompress');
}

/** A coder for one body, on the engine chosen; `declaredLength` when the body's size is known. */
export function bodyCoderFor(coding: BodyCoding, direction: CodingDirection, resolved: ResolvedCoding, declaredLength: number | undefined): StreamingBodyCoder {
  if (resolved.engine === 'native') return new NativeBodyCoder(coding, direction, resolved.options.level ?? DEFAULT_BODY_LEVEL);
  if (resolved.engine === 'in-thread') return createBodyCoder(coding, direction, { ...resolved.options, pool: null });
  return createBodyCoder(coding, direction, resolved.options, declaredLength);
}

/** What a response will be coded with, and its length as declared. */
export interface CodingChoice {
  coding: BodyCoding;
  /** content-length as the handler declared it, before coding; undefined when it did not. */
  declaredLength: number | undefined;
}

/**
 * Whether a response with `nv` (SPDY/3 names) to a request with
 * `requestNv` is compressed, and with what. Not when the client does not
 * accept gzip or deflate, the response is already coded, its type is
 * already compressed (images, archives, ...), its status has no body, it
 * declares fewer than minLength bytes, or it is a HEAD response.
 */
export function chooseCoding(requestNv: readonly NameValue[], nv: readonly NameValue[], compression: ResolvedCompression): CodingChoice | null {
  const method = valueOf(requestNv, ':method');
  if (method === 'HEAD') return null;
  const coding = negotiateCoding(valueOf(requestNv, 'accept-encoding'));
  if (coding === null) return null;
  if (valueOf(nv, 'content-encoding') !== undefined) return null;
  if (valueOf(nv, 'content-range') !== undefined) return null;
  const status = Number.parseInt(valueOf(nv, ':status') ?? '200', 10);
  if (status < 200 || status === 204 || status === 304) return null;
  if (!isCompressibleType(valueOf(nv, 'content-type'))) return null;
  const lengthText = valueOf(nv, 'content-length');
  const declaredLength = lengthText === undefined ? undefined : Number(lengthText);
  if (declaredLength !== undefined && Number.isFinite(declaredLength) && declaredLength < compression.minLength) return null;
  return { coding, declaredLength: declaredLength !== undefined && Number.isFinite(declaredLength) ? declaredLength : undefined };
}

/**
 * The response headers once coded: content-encoding set, content-length
 * dropped (the coded length is not known in advance), and accept-encoding
 * added to vary, since the same URL now answers differently by it.
 */
export function codedResponseNv(nv: readonly NameValue[], coding: BodyCoding): NameValue[] {
  const out: NameValue[] = [];
  let vary: string | undefined;
  for (const [name, value] of nv) {
    if (name === 'content-length') continue;
    if (name === 'vary') {
      vary = value;
      continue;
    }
    out.push([name, value]);
  }
  out.push(['content-encoding', coding]);
  const varies = vary === undefined ? [] : vary.split(',').map((v) => v.trim().toLowerCase());
  out.push(['vary', varies.includes('accept-encoding') || varies.includes('*') ? vary! : vary === undefined ? 'accept-encoding' : `${vary}, accept-encoding`]);
  return out;
}

/** The coding a client must undo for a response, or null (none, or one we do not know: delivered as it is). */
export function responseCoding(nv: readonly NameValue[]): BodyCoding | null {
  const value = valueOf(nv, 'content-encoding')?.trim().toLowerCase();
  if (value === 'gzip' || value === 'x-gzip') return 'gzip';
  if (value === 'deflate') return 'deflate';
  return null;
}

export function declaredLength(nv: readonly NameValue[]): number | undefined {
  const text = valueOf(nv, 'content-length');
  if (text === undefined) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

function valueOf(nv: readonly NameValue[], name: string): string | undefined {
  for (const [n, v] of nv) if (n === name) return v;
  return undefined;
}
