/**
 * The errors of the Kubernetes layer. Failures of SPDY itself (a lost
 * connection, a reset stream) stay SpdyErrors; these say what went wrong
 * in Kubernetes' terms, with the HTTP status and the `Status` object the
 * server sent where there was one.
 */
import type { KubeStatus } from './status.js';

export type KubeErrorCode =
  /** The server answered the upgrade with an error (401, 403, 404, ...); `httpStatus` and `status` say which. */
  | 'ERR_KUBE_UPGRADE_REFUSED'
  /** The server said 101 but not `Upgrade: SPDY/3.1`, or chose a protocol we did not offer. */
  | 'ERR_KUBE_BAD_UPGRADE'
  /** No answer to the upgrade, or to a stream, in time. */
  | 'ERR_KUBE_TIMEOUT'
  /** The remote command could not be run, or failed other than by exiting (the error channel says why). */
  | 'ERR_KUBE_EXEC_FAILED'
  /** The error channel held something the negotiated protocol does not allow. */
  | 'ERR_KUBE_PROTOCOL'
  /** Forwarding one connection failed (the error channel's message). */
  | 'ERR_KUBE_FORWARD_FAILED'
  /** A bad argument. */
  | 'ERR_KUBE_INVALID_ARGUMENT';

export class KubeError extends Error {
  override name = 'KubeError';
  readonly code: KubeErrorCode;
  /** The HTTP status of a refused upgrade. */
  readonly httpStatus: number | undefined;
  /** The Status object the server sent, if any. */
  readonly status: KubeStatus | undefined;

  constructor(code: KubeErrorCode, message: string, options: { httpStatus?: number; status?: KubeStatus; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.httpStatus = options.httpStatus;
    this.status = options.status;
  }
}
