/**
 * A pool of workers driven through comlink: a fixed number of workers, a
 * bounded queue, transferred buffers, and order kept per caller.
 *
 * - Stateless jobs (`run`) go to the least busy worker. Stateful work (a
 *   session's zlib streams, one body's gzip stream) takes a lane (`lane()`),
 *   pinned to one worker for its life: a worker answers its messages one at
 *   a time, in order, so a lane's results come back in the order it asked.
 * - Each worker takes at most `maxInFlight` jobs at once (a pipelined
 *   window); the rest wait in the pool's queue, which holds at most
 *   `maxQueued` jobs: past that, callers wait for room before their job is
 *   queued at all, so a full pool slows its callers down and never grows.
 * - A worker that dies is replaced. Its stateless jobs run once more on a
 *   worker that lives; its lanes' jobs fail with ERR_WORKER_DIED, and the
 *   lanes with ERR_LANE_LOST from then on, since their state died with it.
 *   Nothing is dropped without its caller hearing.
 * - Workers hold the process open only while they have work (Node), and
 *   close() ends them all, failing what was queued or running with
 *   ERR_POOL_CLOSED.
 *
 * The pool knows nothing of Node or of browsers: a WorkerSpawner (spawn.ts)
 * makes its workers.
 */
import * as Comlink from 'comlink';
import { InvalidArgumentError } from '../core/errors.js';
import { WorkerPoolError } from './errors.js';
import { Fifo } from './fifo.js';
import type { PoolWorker, WorkerSpawner } from './spawn.js';

export interface WorkerPoolOptions {
  /** Number of workers; default the cores minus one, at least one. */
  size?: number;
  /** Jobs one worker is given before it answers (the pipelined window); default 32. */
  maxInFlight?: number;
  /** Jobs waiting for a worker before callers must wait for room; default 1024. */
  maxQueued?: number;
}

// The methods of a worker's API, by name.
type MethodName<Api> = { [K in keyof Api]: Api[K] extends (...args: never[]) => unknown ? K : never }[keyof Api] & string;
type Args<Api, K extends MethodName<Api>> = Api[K] extends (...args: infer A) => unknown ? A : never;
type Result<Api, K extends MethodName<Api>> = Api[K] extends (...args: never[]) => infer R ? Awaited<R> : never;

interface Job {
  readonly method: string;
  readonly args: unknown[];
  readonly transfer: ArrayBuffer[];
  readonly lane: PoolLane<object> | null;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  /** Times this stateless job was re-run after its worker died. */
  retries: number;
}

class Slot {
  readonly inFlight = new Set<Job>();
  /** Lane jobs waiting for this worker, in the order given. */
  readonly laneQueue = new Fifo<Job>();
  /** Lanes pinned here: where the next lane goes. */
  lanes = 0;
  /** Bumped each time the worker is replaced: a lane of an older generation has lost its state. */
  generation = 0;
  /** The current worker has answered at least once. */
  answered = false;

  constructor(
    public worker: PoolWorker,
    public remote: Comlink.Remote<Record<string, (...args: unknown[]) => unknown>>,
  ) {}
}

/** Cores minus one, at least one: the main thread keeps a core for itself. */
export function defaultPoolSize(): number {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  const os = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.('node:os') as
    | { availableParallelism?: () => number; cpus: () => unknown[] }
    | undefined;
  const cores = os !== undefined ? (os.availableParallelism?.() ?? os.cpus().length) : (nav?.hardwareConcurrency ?? 2);
  return Math.max(1, cores - 1);
}

export class WorkerPool<Api extends object> {
  readonly size: number;
  private readonly maxInFlight: number;
  private readonly maxQueued: number;
  private readonly slots: Slot[] = [];
  /** Stateless jobs waiting for any worker. */
  private readonly queue = new Fifo<Job>();
  /** Jobs waiting in `queue` and in the slots' lane queues. */
  private waiting = 0;
  /** Callers waiting for the queues to have room. */
  private readonly roomWaiters = new Fifo<() => void>();
  private closed = false;
  /** Workers that died in a row without answering anything: a module that cannot start. */
  private failedStarts = 0;

  constructor(
    private readonly spawn: WorkerSpawner,
    options: WorkerPoolOptions = {},
  ) {
    this.size = positiveInteger(options.size ?? defaultPoolSize(), 'size');
    this.maxInFlight = positiveInteger(options.maxInFlight ?? 32, 'maxInFlight');
    this.maxQueued = positiveInteger(options.maxQueued ?? 1024, 'maxQueued');
    for (let i = 0; i < this.size; i++) this.slots.push(this.startWorker(null));
  }

  /** Runs a stateless job on the least busy worker. `transfer`: buffers handed over, not copied. */
  async run<K extends MethodName<Api>>(method: K, args: Args<Api, K>, transfer: ArrayBuffer[] = []): Promise<Result<Api, K>> {
    return (await this.enqueue(method, args as unknown[], transfer, null)) as Result<Api, K>;
  }

  /** A lane pinned to one worker for stateful work; its jobs run, and answer, in the order given. */
  lane(): PoolLane<Api> {
    if (this.closed) throw new WorkerPoolError('ERR_POOL_CLOSED', 'the worker pool is closed');
    let best = this.slots[0]!;
    for (const slot of this.slots) if (slot.lanes < best.lanes) best = slot;
    best.lanes++;
    return new PoolLane<Api>(this, best);
  }

  /** Jobs waiting for a worker (not those running). */
  get queued(): number {
    return this.waiting;
  }

  /** Jobs given to workers and not answered yet. */
  get running(): number {
    let n = 0;
    for (const slot of this.slots) n += slot.inFlight.size;
    return n;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Ends every worker. Queued and running jobs fail with ERR_POOL_CLOSED. Calling it again does nothing. */
  async close(): Promise<void> {
    return this.fail(new WorkerPoolError('ERR_POOL_CLOSED', 'the worker pool was closed before the job finished'));
  }

  /** Ends every worker; what was queued or running fails with (a copy of) `reason`. */
  private async fail(reason: WorkerPoolError): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const error = () => new WorkerPoolError(reason.code, reason.message, { cause: reason.cause });
    for (const job of this.queue.drain()) job.reject(error());
    for (const slot of this.slots) for (const job of slot.laneQueue.drain()) job.reject(error());
    this.waiting = 0;
    for (const wake of this.roomWaiters.drain()) wake();
    await Promise.all(
      this.slots.map((slot) => {
        for (const job of slot.inFlight) job.reject(error());
        slot.inFlight.clear();
        return slot.worker.terminate();
      }),
    );
  }

  // ---- internals, shared with PoolLane ----

  /** @internal */
  async enqueue(method: string, args: unknown[], transfer: ArrayBuffer[], lane: PoolLane<object> | null): Promise<unknown> {
    while (!this.closed && this.waiting >= this.maxQueued) {
      await new Promise<void>((wake) => this.roomWaiters.push(wake));
    }
    if (this.closed) throw new WorkerPoolError('ERR_POOL_CLOSED', 'the worker pool is closed');
    return new Promise((resolve, reject) => {
      const job: Job = { method, args, transfer, lane, resolve, reject, retries: 0 };
      if (lane !== null) lane.slot.laneQueue.push(job);
      else this.queue.push(job);
      this.waiting++;
      this.pump();
    });
  }

  /** @internal Lanes pinned to `slot` in its current generation count as live. */
  release(slot: Slot): void {
    slot.lanes = Math.max(0, slot.lanes - 1);
  }

  /**
   * Gives waiting jobs to workers with room: each worker takes its own
   * lanes' jobs first, in order, then stateless ones, least busy worker
   * first.
   */
  private pump(): void {
    for (const slot of this.slots) {
      while (slot.inFlight.size < this.maxInFlight && slot.laneQueue.length > 0) {
        const job = slot.laneQueue.shift()!;
        this.waiting--;
        if (job.lane!.generation !== slot.generation) job.reject(laneLost());
        else this.dispatch(slot, job);
      }
    }
    while (this.queue.length > 0) {
      const slot = this.leastBusy();
      if (slot.inFlight.size >= this.maxInFlight) break;
      this.waiting--;
      this.dispatch(slot, this.queue.shift()!);
    }
    while (this.roomWaiters.length > 0 && this.waiting < this.maxQueued) this.roomWaiters.shift()!();
  }

  private leastBusy(): Slot {
    let best = this.slots[0]!;
    for (const slot of this.slots) if (slot.inFlight.size < best.inFlight.size) best = slot;
    return best;
  }

  private dispatch(slot: Slot, job: Job): void {
    if (slot.inFlight.size === 0) slot.worker.ref();
    slot.inFlight.add(job);
    const call = slot.remote[job.method] as unknown as (...args: unknown[]) => Promise<unknown>;
    const args = job.transfer.length > 0 ? [Comlink.transfer(job.args[0], job.transfer), ...job.args.slice(1)] : job.args;
    // A worker that dies never answers: its jobs are settled by onWorkerExit
    // instead, and whatever comes later for them is ignored here.
    call(...args).then(
      (value) => this.settle(slot, job, () => job.resolve(value)),
      (thrown: unknown) => this.settle(slot, job, () => job.reject(taskError(job.method, thrown))),
    );
  }

  private settle(slot: Slot, job: Job, answer: () => void): void {
    if (!slot.inFlight.delete(job)) return;
    slot.answered = true;
    this.failedStarts = 0;
    if (slot.inFlight.size === 0) slot.worker.unref();
    answer();
    this.pump();
  }

  private startWorker(previous: Slot | null): Slot {
    const worker = this.spawn();
    const remote = Comlink.wrap<Record<string, (...args: unknown[]) => unknown>>(worker.endpoint);
    // After wrap: listening for messages refs a Node worker again.
    worker.unref();
    const slot = previous ?? new Slot(worker, remote);
    slot.worker = worker;
    slot.remote = remote;
    worker.onExit((reason) => this.onWorkerExit(slot, worker, reason));
    return slot;
  }

  private onWorkerExit(slot: Slot, worker: PoolWorker, reason: Error): void {
    if (this.closed || slot.worker !== worker) return;
    const lost = [...slot.inFlight];
    slot.inFlight.clear();
    slot.generation++;
    slot.lanes = 0;
    if (!slot.answered && ++this.failedStarts > 2 * this.size) {
      // Workers that die before answering anything would be replaced
      // forever: the pool gives up, and says why.
      void this.fail(new WorkerPoolError('ERR_WORKER_DIED', `the pool's workers keep dying before they answer: ${reason.message}`, { cause: reason }));
      for (const job of lost) job.reject(new WorkerPoolError('ERR_WORKER_DIED', `the worker running ${job.method} died: ${reason.message}`, { cause: reason }));
      return;
    }
    slot.answered = false;
    this.startWorker(slot);
    const retried: Job[] = [];
    for (const job of lost) {
      if (job.lane === null && job.retries === 0) {
        job.retries++;
        retried.push(job);
      } else {
        job.reject(new WorkerPoolError('ERR_WORKER_DIED', `the worker running ${job.method} died: ${reason.message}`, { cause: reason }));
      }
    }
    this.queue.unshiftAll(retried);
    this.waiting += retried.length;
    // Lane jobs still waiting for the dead worker belong to lost lanes.
    for (const job of slot.laneQueue.drain()) {
      this.waiting--;
      job.reject(laneLost());
    }
    this.pump();
  }
}

/** Stateful work pinned to one worker: jobs run and answer in the order given. */
export class PoolLane<Api extends object> {
  /** @internal */
  readonly generation: number;
  private released = false;

  /** @internal */
  constructor(
    private readonly pool: WorkerPool<Api>,
    /** @internal */ readonly slot: Slot,
  ) {
    this.generation = slot.generation;
  }

  /** False once the lane's worker died: its state is gone, and every call fails with ERR_LANE_LOST. */
  get alive(): boolean {
    return this.generation === this.slot.generation;
  }

  async call<K extends MethodName<Api>>(method: K, args: Args<Api, K>, transfer: ArrayBuffer[] = []): Promise<Result<Api, K>> {
    if (!this.alive) throw laneLost();
    return (await this.pool.enqueue(method, args as unknown[], transfer, this as PoolLane<object>)) as Result<Api, K>;
  }

  /** The lane is no longer used: the next lane may take its place on the worker. */
  release(): void {
    if (this.released) return;
    this.released = true;
    if (this.alive) this.pool.release(this.slot);
  }
}

function laneLost(): WorkerPoolError {
  return new WorkerPoolError('ERR_LANE_LOST', "the lane's worker died, and its state with it");
}

function taskError(method: string, thrown: unknown): WorkerPoolError {
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return new WorkerPoolError('ERR_WORKER_TASK', `${method} failed in the worker: ${message}`, { cause: thrown });
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new InvalidArgumentError(`${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}
