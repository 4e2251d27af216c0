/**
 * What Kubernetes' streaming endpoints put on the wire around SPDY: the
 * HTTP/1.1 upgrade headers, the X-Stream-Protocol-Version negotiation, and
 * the names of the streams (channels) opened inside the session. Values
 * are the ones kubectl, the API server and the kubelet use
 * (k8s.io/apimachinery httpstream, k8s.io/api/core/v1).
 */

/** The Upgrade token. The frames that follow carry version 3: this is SPDY/3.1. */
export const UPGRADE_TOKEN = 'SPDY/3.1';
export const HEADER_PROTOCOL_VERSION = 'X-Stream-Protocol-Version';
export const HEADER_ACCEPTED_PROTOCOL_VERSIONS = 'X-Accepted-Stream-Protocol-Versions';

/** exec and attach: every version, best first (v5 adds nothing over SPDY; it matters for WebSockets). */
export const EXEC_PROTOCOLS = [
  'v5.channel.k8s.io',
  'v4.channel.k8s.io',
  'v3.channel.k8s.io',
  'v2.channel.k8s.io',
  'channel.k8s.io',
] as const;
export type ExecProtocol = (typeof EXEC_PROTOCOLS)[number];

export const PORT_FORWARD_PROTOCOL = 'portforward.k8s.io';

/** Header names inside SPDY (lower case on the wire; Go canonicalises them on its side). */
export const STREAM_TYPE = 'streamtype';
export const PORT = 'port';
export const REQUEST_ID = 'requestid';

/** The channels. */
export const StreamType = {
  error: 'error',
  stdin: 'stdin',
  stdout: 'stdout',
  stderr: 'stderr',
  resize: 'resize',
  data: 'data',
} as const;

/** How long a side waits for the other to answer a stream or to open all of them (client-go and the kubelet use 30 s). */
export const STREAM_TIMEOUT = 30_000;
/** How often kubectl PINGs, to keep idle connections through load balancers. */
export const PING_INTERVAL = 5_000;

/**
 * The protocols a header offers: one value per header line, each possibly
 * a comma-separated list (as httpstream reads them), blanks dropped.
 */
export function offeredProtocols(header: string | readonly string[] | undefined): string[] {
  if (header === undefined) return [];
  const lines = typeof header === 'string' ? [header] : header;
  return lines.flatMap((line) => line.split(',').map((p) => p.trim()).filter((p) => p.length > 0));
}

/** The first protocol the client offers that the server accepts (the client's preference wins), or null. */
export function negotiateProtocol(offered: readonly string[], accepted: readonly string[]): string | null {
  return offered.find((p) => accepted.includes(p)) ?? null;
}

/**
 * The exec protocol version 1..5 of a negotiated name. No name at all is
 * version 1: a server that does not negotiate speaks the first protocol,
 * as client-go assumes.
 */
export function execProtocolVersion(protocol: string | null): 1 | 2 | 3 | 4 | 5 {
  switch (protocol) {
    case 'v5.channel.k8s.io':
      return 5;
    case 'v4.channel.k8s.io':
      return 4;
    case 'v3.channel.k8s.io':
      return 3;
    case 'v2.channel.k8s.io':
      return 2;
    default:
      return 1;
  }
}

/** True for the query values Kubernetes reads as true (the API server sends `true`, the kubelet gets `1`). */
export function queryFlag(value: string | null): boolean {
  return value !== null && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}
