/**
 * Protocol ids for TLS ALPN (Node has no NPN; the names are python-spdylay's).
 */
import { PROTO_SPDY2, PROTO_SPDY3, PROTO_SPDY3_1 } from '../constants.js';

const PROTOCOLS: ReadonlyArray<readonly [string, number]> = [
  ['spdy/3.1', PROTO_SPDY3_1],
  ['spdy/3', PROTO_SPDY3],
  ['spdy/2', PROTO_SPDY2],
];

/** The protocol ids this library speaks, best first: pass them to `ALPNProtocols`. */
export function getNpnProtocols(): string[] {
  return PROTOCOLS.map(([id]) => id);
}

/** The version constant for a negotiated protocol id, 0 when it is not one we speak. */
export function npnGetVersion(proto: string | null | undefined): number {
  if (typeof proto !== 'string') return 0;
  for (const [id, version] of PROTOCOLS) if (id === proto) return version;
  return 0;
}
