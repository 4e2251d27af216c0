/**
 * Worker constructors for the pool: Node's `worker_threads` or a browser's
 * (or Deno's) Web Worker, running the same module. The pool only sees a
 * comlink endpoint, a way to hear that the worker died, and ref/unref.
 *
 * Node's built-in is reached through process.getBuiltinModule at run time,
 * so nothing here imports a Node module and a browser bundle can load it.
 */
import type { Endpoint } from 'comlink';

type Listener = Parameters<Endpoint['addEventListener']>[1];

/** One running worker, as the pool sees it. */
export interface PoolWorker {
  readonly endpoint: Endpoint;
  /** `listener` runs once if the worker dies on its own (a crash, an exit); not after terminate(). */
  onExit(listener: (reason: Error) => void): void;
  /** Node: keep the process alive while the worker has work; elsewhere nothing. */
  ref(): void;
  unref(): void;
  terminate(): Promise<void>;
}

export type WorkerSpawner = () => PoolWorker;

/** The parts of Node's Worker and MessagePort used here. */
interface NodeMessagePort {
  postMessage(message: unknown, transfer?: readonly unknown[]): void;
  on(event: 'message', listener: (data: unknown) => void): void;
  off(event: 'message', listener: (data: unknown) => void): void;
}

interface NodeWorker extends NodeMessagePort {
  once(event: 'error' | 'exit', listener: (value: unknown) => void): void;
  ref(): void;
  unref(): void;
  terminate(): Promise<number>;
}

type NodeWorkerConstructor = new (url: URL, options?: object) => NodeWorker;

function builtin<T>(id: string): T | undefined {
  const process = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return process?.getBuiltinModule?.(id) as T | undefined;
}

/** True where Node's worker_threads are available (Node, and Deno and Bun through their Node layers). */
export function hasNodeWorkers(): boolean {
  return builtin<{ Worker?: unknown }>('node:worker_threads')?.Worker !== undefined;
}

/**
 * Node's MessagePort speaks EventEmitter; comlink wants EventTarget's
 * addEventListener with `{ data }` events. Listeners are mapped so that
 * removeEventListener finds what addEventListener added.
 */
export function nodePortEndpoint(port: NodeMessagePort): Endpoint {
  const mapped = new WeakMap<object, (data: unknown) => void>();
  return {
    postMessage: (message: unknown, transfer?: unknown[]) => port.postMessage(message, transfer),
    addEventListener(_type: string, listener: Listener) {
      const handler = (data: unknown) => {
        const event = { data } as MessageEvent;
        if (typeof listener === 'function') listener(event);
        else listener.handleEvent(event);
      };
      mapped.set(listener, handler);
      port.on('message', handler);
    },
    removeEventListener(_type: string, listener: Listener) {
      const handler = mapped.get(listener);
      if (handler === undefined) return;
      mapped.delete(listener);
      port.off('message', handler);
    },
  };
}

function nodeExecArgv(): string[] {
  return (globalThis as { process?: { execArgv?: string[] } }).process?.execArgv ?? [];
}

/** Workers from Node's worker_threads running the module at `url`. */
export function nodeSpawner(url: URL): WorkerSpawner {
  const Worker = builtin<{ Worker: NodeWorkerConstructor }>('node:worker_threads')?.Worker;
  if (Worker === undefined) throw new Error('node:worker_threads is not available here');
  return () => {
    // A worker inherits the process's flags, but --input-type (a program
    // given as text) refuses a file entry: then it gets none. (Passing a
    // filtered list instead would fail on per-process flags such as
    // --expose-gc, which only inheritance accepts.)
    const inheritable = !nodeExecArgv().some((flag) => flag.startsWith('--input-type'));
    const worker = new Worker(url, inheritable ? {} : { execArgv: [] });
    let terminated = false;
    let listener: ((reason: Error) => void) | null = null;
    let reported = false;
    const died = (reason: Error) => {
      if (terminated || reported) return;
      reported = true;
      listener?.(reason);
    };
    worker.once('error', (error) => died(error instanceof Error ? error : new Error(String(error))));
    worker.once('exit', (code) => died(new Error(`the worker exited with code ${String(code)}`)));
    return {
      endpoint: nodePortEndpoint(worker),
      onExit: (l) => void (listener = l),
      ref: () => worker.ref(),
      unref: () => worker.unref(),
      terminate: async () => {
        terminated = true;
        await worker.terminate();
      },
    };
  };
}

interface WebWorker {
  postMessage(message: unknown, transfer?: unknown[]): void;
  addEventListener(type: string, listener: (event: { message?: string; error?: unknown }) => void): void;
  removeEventListener(type: string, listener: unknown): void;
  terminate(): void;
}

/** Web Workers (module type) running the module at `url`: browsers and Deno. */
export function webSpawner(url: URL): WorkerSpawner {
  const Worker = (globalThis as { Worker?: new (url: URL, options?: object) => WebWorker }).Worker;
  if (Worker === undefined) throw new Error('Web Workers are not available here');
  return () => {
    const worker = new Worker(url, { type: 'module' });
    let terminated = false;
    let listener: ((reason: Error) => void) | null = null;
    // A Web Worker has no exit event; an uncaught error is taken as its death
    // (its state can no longer be trusted), and the pool replaces it.
    worker.addEventListener('error', (event) => {
      if (terminated) return;
      terminated = true;
      worker.terminate();
      listener?.(new Error(event.message ?? 'the worker failed'));
    });
    return {
      endpoint: worker as unknown as Endpoint,
      onExit: (l) => void (listener = l),
      ref: () => {},
      unref: () => {},
      terminate: async () => {
        terminated = true;
        worker.terminate();
      },
    };
  };
}

/** Node's workers where they exist, else Web Workers. */
export function defaultSpawner(url: URL): WorkerSpawner {
  return hasNodeWorkers() ? nodeSpawner(url) : webSpawner(url);
}
