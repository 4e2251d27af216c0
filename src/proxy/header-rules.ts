/**
 * What a proxy may forward of an HTTP header, either way: the hop-by-hop
 * headers that describe one connection and end at the proxy (RFC 7230
 * §6.1, and the ones shrpx dropped), the names a Connection header adds to
 * them, and the token and value grammar a header must keep to before it is
 * written into an HTTP/1.1 message.
 */

/** Headers about one connection: never forwarded, whichever way. */
export const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'upgrade',
]);

// RFC 7230 §3.2.6 tchar.
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// field-vchar, SP and HTAB; obs-text (0x80-0xFF) is let through, as Node and
// undici do. No CR, LF, NUL or other control byte.
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** True for an HTTP token (a method, a header name). */
export function isToken(text: string): boolean {
  return TOKEN.test(text);
}

/** True for a header value an HTTP/1.1 message can carry as it is. */
export function isFieldValue(text: string): boolean {
  return FIELD_VALUE.test(text);
}

/** The lower-cased names listed in Connection header values ("close, x-trace"). */
export function connectionTokens(values: readonly string[]): Set<string> {
  const tokens = new Set<string>();
  for (const value of values) {
    for (const part of value.split(',')) {
      const token = part.trim().toLowerCase();
      if (token !== '') tokens.add(token);
    }
  }
  return tokens;
}

/**
 * `HTTP/1.0` → "1.0" for a Via entry; anything else (absent, unparsable)
 * is taken as HTTP/1.1, as shrpx does.
 */
export function viaVersion(httpVersion: string | undefined): string {
  const match = httpVersion === undefined ? null : /^HTTP\/(\d)\.(\d)$/i.exec(httpVersion);
  return match === null ? '1.1' : `${match[1]}.${match[2]}`;
}
