/**
 * The zlib pool in tests: its workers run the built worker module
 * (dist/workers, made by `npm run build`, which CI runs before the tests),
 * since a worker thread cannot load the TypeScript sources.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createZlibPool } from '../../src/workers/zlib-pool.js';
import type { ZlibPool, ZlibPoolOptions } from '../../src/workers/zlib-pool.js';

export const BUILT_WORKER_URL = new URL('../../dist/workers/zlib.worker.js', import.meta.url);

/** A pool of built workers; throws a clear error when the build is missing. */
export function testZlibPool(options: ZlibPoolOptions = {}): ZlibPool {
  if (!existsSync(fileURLToPath(BUILT_WORKER_URL))) {
    throw new Error(`${fileURLToPath(BUILT_WORKER_URL)} is missing: run \`npm run build\` before these tests (CI does)`);
  }
  return createZlibPool({ workerUrl: BUILT_WORKER_URL, ...options });
}
