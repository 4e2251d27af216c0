/**
 * Names what a peer sent when its first bytes are not SPDY, so the error a
 * user sees says what is on the other end ("an HTTP/2 connection preface",
 * "a TLS handshake", the first line of HTTP/1.x text) instead of a frame
 * type the bytes only happen to parse as.
 */

const HTTP2_PREFACE = 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n';
/** A TLS record: handshake (22) or alert (21), major version 3. */
const TLS_RECORD_TYPES = new Set([21, 22]);
const MAX_QUOTED = 60;
const MAX_HEX = 16;

/** What the peer's first bytes `opening` are, as a phrase ("an HTTP/2 connection preface"). */
export function describeForeignBytes(opening: Uint8Array, wireVersion: number): string {
  if (opening.length === 0) return 'nothing';
  if (startsWithText(opening, HTTP2_PREFACE, 3)) return 'an HTTP/2 connection preface';
  if (TLS_RECORD_TYPES.has(opening[0]!) && opening.length >= 2 && opening[1] === 3) {
    return 'a TLS record (this side speaks SPDY without TLS)';
  }
  if (isHttp2Settings(opening)) return "an HTTP/2 SETTINGS frame (an HTTP/2 server's preface)";
  const line = firstTextLine(opening);
  if (line !== null) return `"${line}"`;
  if ((opening[0]! & 0x80) !== 0 && opening.length >= 2) {
    const version = ((opening[0]! & 0x7f) << 8) | opening[1]!;
    const what = version === 2 || version === 3 ? `a SPDY/${version} control frame` : `a control frame of version ${version}`;
    return `${what} (this session speaks SPDY/${wireVersion})`;
  }
  return `bytes that are no SPDY control frame: ${hex(opening)}`;
}

/** True when `bytes` begin with `text`, or are a prefix of it at least `minimum` long. */
function startsWithText(bytes: Uint8Array, text: string, minimum: number): boolean {
  const n = Math.min(bytes.length, text.length);
  if (n < minimum) return false;
  for (let i = 0; i < n; i++) if (bytes[i] !== text.charCodeAt(i)) return false;
  return true;
}

/**
 * An HTTP/2 frame head of type SETTINGS on stream 0 with a whole number of
 * 6-byte entries: what an HTTP/2 server sends first.
 */
function isHttp2Settings(bytes: Uint8Array): boolean {
  if (bytes.length < 9 || bytes[3] !== 4 || (bytes[4]! & 0xfe) !== 0) return false;
  const length = (bytes[0]! << 16) | (bytes[1]! << 8) | bytes[2]!;
  return length % 6 === 0 && bytes[5] === 0 && bytes[6] === 0 && bytes[7] === 0 && bytes[8] === 0;
}

/** The first line when the bytes start with printable ASCII text (an HTTP/1.x request or response). */
function firstTextLine(bytes: Uint8Array): string | null {
  let end = 0;
  while (end < bytes.length && bytes[end] !== 0x0d && bytes[end] !== 0x0a) {
    const b = bytes[end]!;
    if (b < 0x20 || b > 0x7e) return null;
    end++;
  }
  // Two letters are not yet text: a SPDY/2 or /3 head never starts with them, but random bytes might.
  if (end < 3) return null;
  const line = String.fromCharCode(...bytes.subarray(0, Math.min(end, MAX_QUOTED)));
  return end > MAX_QUOTED ? `${line}...` : line;
}

function hex(bytes: Uint8Array): string {
  const shown = [...bytes.subarray(0, MAX_HEX)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  return bytes.length > MAX_HEX ? `${shown} ...` : shown;
}
