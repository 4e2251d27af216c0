/**
 * Which SPDY version a connection speaks: negotiated by TLS ALPN (the
 * client offers, the server picks by its own preference), or fixed by
 * configuration on plain TCP.
 */
import { getNpnProtocols, npnGetVersion } from '../core/index.js';
import { SpdyError } from './errors.js';

/** A SPDY protocol id: `spdy/3.1`, `spdy/3` or `spdy/2`. */
export type SpdyProtocol = 'spdy/3.1' | 'spdy/3' | 'spdy/2';

/** Every id this library speaks, best first. */
export const SPDY_PROTOCOLS: readonly SpdyProtocol[] = getNpnProtocols() as SpdyProtocol[];

/** Checks a list of protocol ids given by the user; returns it, or the default list. */
export function checkedProtocols(protocols: readonly string[] | undefined, option: string): SpdyProtocol[] {
  if (protocols === undefined) return [...SPDY_PROTOCOLS];
  if (!Array.isArray(protocols) || protocols.length === 0) {
    throw new SpdyError('ERR_SPDY_INVALID_ARGUMENT', `${option} must be a non-empty array of ${SPDY_PROTOCOLS.join(', ')}`);
  }
  for (const p of protocols) {
    if (npnGetVersion(p) === 0) {
      throw new SpdyError('ERR_SPDY_INVALID_ARGUMENT', `${option}: "${String(p)}" is not a SPDY protocol (${SPDY_PROTOCOLS.join(', ')})`);
    }
  }
  return [...protocols] as SpdyProtocol[];
}

/**
 * The server's pick: its first preference the client offers (Node's
 * ALPNCallback; returning undefined makes TLS refuse the handshake with
 * no_application_protocol, as RFC 7301 asks).
 */
export function pickProtocol(serverPreference: readonly string[], offered: readonly string[]): string | undefined {
  return serverPreference.find((p) => offered.includes(p));
}

/** The version a negotiated protocol id stands for; a clear error when it is none of ours. */
export function versionOfNegotiated(negotiated: string | false | null | undefined, offered: readonly string[]): number {
  const version = npnGetVersion(typeof negotiated === 'string' ? negotiated : null);
  if (version !== 0) return version;
  const got = typeof negotiated === 'string' ? `"${negotiated}"` : 'no protocol';
  throw new SpdyError(
    'ERR_SPDY_NO_PROTOCOL',
    `TLS negotiated ${got}, not SPDY (offered ${offered.join(', ')})`,
  );
}

/** The version for a protocol id given for plain TCP. */
export function versionOfProtocol(protocol: SpdyProtocol): number {
  return npnGetVersion(protocol);
}

/** The protocol id for a version constant (PROTO_SPDY3_1 → `spdy/3.1`). */
export function protocolOfVersion(version: number): SpdyProtocol {
  const protocol = SPDY_PROTOCOLS.find((p) => npnGetVersion(p) === version);
  if (protocol === undefined) throw new SpdyError('ERR_SPDY_INVALID_ARGUMENT', `no SPDY protocol has version ${version}`);
  return protocol;
}
