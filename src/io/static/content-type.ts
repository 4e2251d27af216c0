/**
 * The content-type of a served file, from its extension. A short table of
 * the types a test or demo document root holds, rather than the whole IANA
 * registry through a dependency: anything else is served as bytes, which is
 * what a browser would be told by a server that does not know the type.
 */
import { extname } from 'node:path';

/** What an unknown extension is served as. */
export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

// Textual types name UTF-8, the encoding of nearly every such file today;
// without it browsers guess (windows-1252 for HTML), which mangles non-ASCII.
const TYPES: ReadonlyMap<string, string> = new Map([
  ['.html', 'text/html; charset=utf-8'],
  ['.htm', 'text/html; charset=utf-8'],
  ['.css', 'text/css; charset=utf-8'],
  ['.js', 'text/javascript; charset=utf-8'],
  ['.mjs', 'text/javascript; charset=utf-8'],
  ['.json', 'application/json; charset=utf-8'],
  ['.map', 'application/json; charset=utf-8'],
  ['.txt', 'text/plain; charset=utf-8'],
  ['.md', 'text/markdown; charset=utf-8'],
  ['.csv', 'text/csv; charset=utf-8'],
  ['.xml', 'application/xml; charset=utf-8'],
  ['.svg', 'image/svg+xml'],
  ['.png', 'image/png'],
  ['.jpg', 'image/jpeg'],
  ['.jpeg', 'image/jpeg'],
  ['.gif', 'image/gif'],
  ['.webp', 'image/webp'],
  ['.avif', 'image/avif'],
  ['.ico', 'image/vnd.microsoft.icon'],
  ['.woff', 'font/woff'],
  ['.woff2', 'font/woff2'],
  ['.ttf', 'font/ttf'],
  ['.otf', 'font/otf'],
  ['.wasm', 'application/wasm'],
  ['.pdf', 'application/pdf'],
  ['.zip', 'application/zip'],
  ['.gz', 'application/gzip'],
  ['.tar', 'application/x-tar'],
  ['.mp3', 'audio/mpeg'],
  ['.ogg', 'audio/ogg'],
  ['.wav', 'audio/wav'],
  ['.mp4', 'video/mp4'],
  ['.webm', 'video/webm'],
]);

/** The content-type for a file name; the extension's case does not matter. */
export function contentTypeFor(fileName: string): string {
  return TYPES.get(extname(fileName).toLowerCase()) ?? DEFAULT_CONTENT_TYPE;
}
