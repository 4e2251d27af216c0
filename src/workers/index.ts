/**
 * The zlib worker pool: content coding of bodies in-thread or in workers,
 * and a header codec whose zlib streams live in a worker.
 */
export { WorkerPool, PoolLane, defaultPoolSize } from './pool.js';
export type { WorkerPoolOptions } from './pool.js';
export { WorkerPoolError } from './errors.js';
export type { WorkerPoolErrorCode } from './errors.js';
export { defaultSpawner, nodeSpawner, webSpawner } from './spawn.js';
export type { PoolWorker, WorkerSpawner } from './spawn.js';
export { createZlibPool, sharedZlibPool, defaultZlibWorkerUrl } from './zlib-pool.js';
export type { ZlibPool, ZlibPoolOptions } from './zlib-pool.js';
export { BodyCoder, BodyCodingError, DEFAULT_BODY_LEVEL } from './body-codec.js';
export type { BodyCoding, CodingDirection } from './body-codec.js';
export {
  DEFAULT_POOL_THRESHOLD,
  createBodyCoder,
  isCompressibleType,
  negotiateCoding,
} from './content-coding.js';
export type { ContentCodingOptions, StreamingBodyCoder } from './content-coding.js';
export { PooledHeaderCodec, createPooledHeaderCodec } from './pooled-codec.js';
