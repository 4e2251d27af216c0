/**
 * Kubernetes' `Status` object (meta/v1): the body of a failed API request,
 * and from exec protocol v4 on, what the error channel carries when the
 * command ends: success, or failure with reason `NonZeroExitCode` and the
 * exit code as an `ExitCode` cause.
 */

export interface KubeStatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface KubeStatus {
  kind?: 'Status';
  apiVersion?: string;
  metadata?: Record<string, unknown>;
  status?: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: { name?: string; group?: string; kind?: string; causes?: KubeStatusCause[] };
  code?: number;
}

export const NON_ZERO_EXIT_CODE = 'NonZeroExitCode';
export const EXIT_CODE_CAUSE = 'ExitCode';

const HEAD = { kind: 'Status', apiVersion: 'v1', metadata: {} } as const;

export function successStatus(): KubeStatus {
  return { ...HEAD, status: 'Success' };
}

/** What the kubelet reports for a command that exited with `code` (1..255). */
export function exitCodeStatus(code: number): KubeStatus {
  return {
    ...HEAD,
    status: 'Failure',
    message: `command terminated with non-zero exit code: exit status ${code}`,
    reason: NON_ZERO_EXIT_CODE,
    details: { causes: [{ reason: EXIT_CODE_CAUSE, message: String(code) }] },
  };
}

/** A failure with an HTTP-style `code` and `reason` (InternalError, NotFound, Unauthorized, ...). */
export function failureStatus(message: string, reason: string, code: number): KubeStatus {
  return { ...HEAD, status: 'Failure', message, reason, code };
}

/** The Status in `text`, when it is one (a JSON object with kind Status or a status field); else null. */
export function parseStatus(text: string): KubeStatus | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const status = value as KubeStatus;
  if (status.kind !== 'Status' && status.status === undefined) return null;
  return status;
}

/** The exit code in a NonZeroExitCode status, or null when it names none (or an invalid one). */
export function exitCodeOf(status: KubeStatus): number | null {
  for (const cause of status.details?.causes ?? []) {
    if (cause.reason !== EXIT_CODE_CAUSE) continue;
    // client-go reads it as an unsigned 8-bit number.
    if (cause.message === undefined || !/^\d{1,3}$/.test(cause.message)) return null;
    const code = Number(cause.message);
    return code <= 255 ? code : null;
  }
  return null;
}
