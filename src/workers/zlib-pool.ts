/**
 * The pool of zlib workers (zlib.worker.ts): where large bodies are coded
 * and where a pooled header codec keeps its streams.
 */
import { WorkerPool, type WorkerPoolOptions } from './pool.js';
import { defaultSpawner, type WorkerSpawner } from './spawn.js';
import type { ZlibWorkerApi } from './zlib.worker.js';

export type ZlibPool = WorkerPool<ZlibWorkerApi>;

export interface ZlibPoolOptions extends WorkerPoolOptions {
  /**
   * Where the worker module is: by default zlib.worker.js beside this
   * module (the built package). Tests running the sources point it at the
   * build.
   */
  workerUrl?: URL;
  /** Makes the workers; default Node's worker_threads where they exist, else Web Workers. */
  spawner?: WorkerSpawner;
}

export function defaultZlibWorkerUrl(): URL {
  return new URL('./zlib.worker.js', import.meta.url);
}

export function createZlibPool(options: ZlibPoolOptions = {}): ZlibPool {
  const spawner = options.spawner ?? defaultSpawner(options.workerUrl ?? defaultZlibWorkerUrl());
  return new WorkerPool<ZlibWorkerApi>(spawner, options);
}

let shared: ZlibPool | null = null;

/**
 * One pool for the whole program, made on first use: what servers and
 * clients use unless given a pool of their own. Its idle workers do not
 * keep the process alive.
 */
export function sharedZlibPool(): ZlibPool {
  if (shared === null || shared.isClosed) shared = createZlibPool();
  return shared;
}

/** Ids of worker-side state (body coders, header codecs), unique in this thread. */
let nextStateId = 1;
export function newWorkerStateId(): number {
  return nextStateId++;
}
