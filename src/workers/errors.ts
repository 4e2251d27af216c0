/**
 * The worker pool's errors. Like SpdyError in the Node API they carry a
 * stable string `code`, and an explicit `name` that survives minification
 * and the structured clone across a worker boundary.
 */

export type WorkerPoolErrorCode =
  /** The worker running the job died (crashed, was killed, exited) before answering. */
  | 'ERR_WORKER_DIED'
  /** The job threw inside the worker; `cause` holds what it threw, `message` its message. */
  | 'ERR_WORKER_TASK'
  /** The pool was closed before the job could run or finish. */
  | 'ERR_POOL_CLOSED'
  /** A pinned lane's worker state was lost with its worker: the lane cannot go on. */
  | 'ERR_LANE_LOST';

export class WorkerPoolError extends Error {
  override name = 'WorkerPoolError';
  readonly code: WorkerPoolErrorCode;

  constructor(code: WorkerPoolErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
