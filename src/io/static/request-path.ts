/**
 * From a request's `:path` to the names under the document root it asks
 * for, by spdyd's rules: the query is dropped, the rest percent-decoded (so
 * %2f separates like '/'), and a path that is not absolute, holds a '.' or
 * '..' segment or a backslash is refused. Refusing NUL as well keeps a name
 * from being cut short where the OS reads it as a C string.
 */

export interface RequestPath {
  /** The non-empty, decoded segments, none of them '.' or '..'. */
  readonly segments: readonly string[];
  /** The path ended in '/': only a directory may answer it. */
  readonly wantsDirectory: boolean;
}

/** The decoded request path, or null when spdyd would answer 404 without looking. */
export function parseRequestPath(rawPath: string): RequestPath | null {
  const queryAt = rawPath.indexOf('?');
  const decoded = percentDecode(queryAt === -1 ? rawPath : rawPath.slice(0, queryAt));
  if (decoded === null || !decoded.startsWith('/') || /[\\\0]/.test(decoded)) return null;
  const parts = decoded.split('/');
  if (parts.some((part) => part === '.' || part === '..')) return null;
  return {
    segments: parts.filter((part) => part !== ''),
    wantsDirectory: decoded.endsWith('/'),
  };
}

/** The URL path (absolute, percent-encoded) naming these segments. */
export function encodePath(segments: readonly string[], trailingSlash: boolean): string {
  const path = '/' + segments.map(encodeURIComponent).join('/');
  return trailingSlash && segments.length > 0 ? path + '/' : path;
}

const ESCAPE = /%([0-9A-Fa-f]{2})/g;
const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * %XX becomes the byte XX and a '%' not followed by two hex digits stays as
 * it is, as spdylay's util::percentDecode does; the bytes are then read as
 * UTF-8 (file names are text here), and null means they are not UTF-8.
 */
function percentDecode(text: string): string | null {
  if (!text.includes('%')) return text;
  const bytes: number[] = [];
  const copy = (literal: string): void => {
    for (const byte of utf8.encode(literal)) bytes.push(byte);
  };
  let copiedTo = 0;
  for (const match of text.matchAll(ESCAPE)) {
    copy(text.slice(copiedTo, match.index));
    bytes.push(parseInt(match[1]!, 16));
    copiedTo = match.index! + match[0].length;
  }
  copy(text.slice(copiedTo));
  try {
    return strictUtf8.decode(new Uint8Array(bytes));
  } catch {
    return null;
  }
}
