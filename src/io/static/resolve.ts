/**
 * What spdyd answers to a request for a file under its document root, worked
 * out without touching the connection: the reply's SPDY/3 headers and a
 * description of its body, which the caller streams.
 *
 * spdyd's rules (SpdyServer.cc, prepare_response): 400 unless :method,
 * :path, :scheme, :version and :host are all present; the query is ignored
 * and the path percent-decoded; 404 for a path with '.', '..' or a backslash,
 * and for anything that cannot be opened; a path ending in '/' means its
 * index.html; 304 when if-modified-since is not older than the file's mtime
 * (whole seconds); any method is served like GET, since spdyd never looks at
 * it; error replies carry a small gzipped HTML page.
 *
 * Where this goes beyond spdyd: HEAD gets GET's headers and no body; real
 * paths are compared so no symlink leads out of the root; a directory named
 * without the trailing '/' is served like one with it (spdyd would fail the
 * read); a directory without index.html gets a listing; only regular files
 * are served (a FIFO would block); a 304 carries date, cache-control and
 * last-modified as RFC 7232 asks; a body of bytes has its content-length;
 * files get a content-type; an unexpected file-system failure is a 500.
 */
import { stat } from 'node:fs/promises';
import type { BigIntStats } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { contentTypeFor } from './content-type.js';
import { isUnreachable, realDocumentRoot, realPathWithin } from './document-root.js';
import { httpDate, parseHttpDate } from './http-date.js';
import { errorPage, statusLine } from './http-status.js';
import { listingPage, readListingEntries } from './listing.js';
import { parseRequestPath } from './request-path.js';
import type { RequestPath } from './request-path.js';

export interface StaticRequest {
  /** The :method value, or '' when the request has none. */
  readonly method: string;
  /** The :path value, or '' when the request has none. */
  readonly path: string;
  /** The request's whole header list, SPDY/3 names in lower case. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
}

/**
 * A file to stream: open it with openFileBody, which checks it is still the
 * file these fields were taken from (one stat gave them all).
 */
export interface StaticFileBody {
  readonly kind: 'file';
  /** Its real path, every symlink followed. */
  readonly path: string;
  /** Its length in bytes, as sent in content-length. */
  readonly size: number;
  readonly mtimeNs: bigint;
  readonly dev: bigint;
  readonly ino: bigint;
}

/** A body made here: an error page or a directory listing. */
export interface StaticBytesBody {
  readonly kind: 'bytes';
  readonly bytes: Uint8Array;
}

export type StaticBody = StaticFileBody | StaticBytesBody;

export interface StaticResponse {
  /** The status code, e.g. 404; the :status header holds "404 Not Found". */
  status: number;
  /** SPDY/3 response headers, in spdyd's order. */
  headers: Array<[string, string]>;
  /** Null for HEAD and 304. */
  body: StaticBody | null;
}

export interface StaticOptions {
  /** The clock for the date header (tests fix it). */
  now?: () => Date;
  /** The server header and the error pages' signature; spdyd sends "spdyd spdylay/<version>". */
  serverName?: string;
  /** The listening port, named in the error pages' signature as spdyd does. */
  port?: number;
}

export const DEFAULT_SERVER_NAME = 'spdyd spdylay';

/** The file a request for a directory serves. */
export const INDEX_FILE = 'index.html';

const MANDATORY_HEADERS = [':method', ':path', ':scheme', ':version', ':host'];
const FILE_CACHE_CONTROL = 'max-age=3600';
const ERROR_CONTENT_TYPE = 'text/html; charset=UTF-8';
const LISTING_CONTENT_TYPE = 'text/html; charset=utf-8';

/**
 * spdyd's reply to `request` from the document root `root`. Throws
 * InvalidArgumentError when `root` is not a readable directory; whatever the
 * request holds, it resolves to a reply.
 */
export async function resolveStatic(
  root: string,
  request: StaticRequest,
  options: StaticOptions = {},
): Promise<StaticResponse> {
  const realRoot = await realDocumentRoot(root);
  const reply = new ReplyBuilder(request, options);
  if (!MANDATORY_HEADERS.every((name) => request.headers.some(([n]) => n === name))) return reply.error(400);
  const requested = parseRequestPath(request.path);
  if (requested === null) return reply.error(404);
  try {
    const target = await locate(realRoot, requested);
    if (target === null) return reply.error(404);
    if (target.kind === 'directory') {
      const entries = await readListingEntries(realRoot, target.path);
      return reply.listing(listingPage(requested.segments, entries, reply.address));
    }
    const ifModifiedSince = firstHeader(request.headers, 'if-modified-since');
    const since = ifModifiedSince === undefined ? null : parseHttpDate(ifModifiedSince, reply.now);
    const modified = lastModified(target.stat);
    if (since !== null && modified !== null && modified.getTime() <= since.getTime()) {
      return reply.notModified(modified);
    }
    return reply.file(target.path, target.stat, target.name, modified);
  } catch (error) {
    if (isUnreachable(error)) return reply.error(404);
    if (typeof (error as NodeJS.ErrnoException | null)?.code === 'string') return reply.error(500);
    throw error;
  }
}

/**
 * True when the request's query asks spdyd not to answer at all
 * (`spdyd_do_not_respond_to_req=yes`), which spdycat's tests use to see
 * their timeouts fire. The server then sends nothing on that stream.
 */
export function asksForNoResponse(path: string): boolean {
  const queryAt = path.indexOf('?');
  return queryAt !== -1 && path.includes('spdyd_do_not_respond_to_req=yes', queryAt);
}

type Target =
  | { readonly kind: 'file'; readonly path: string; readonly stat: BigIntStats; readonly name: string }
  | { readonly kind: 'directory'; readonly path: string };

/** What the path names inside the root: a file to send, a directory to list, or nothing. */
async function locate(realRoot: string, requested: RequestPath): Promise<Target | null> {
  const real = await realPathWithin(realRoot, join(realRoot, ...requested.segments));
  if (real === null) return null;
  const info = await stat(real, { bigint: true });
  if (info.isDirectory()) {
    const index = await realPathWithin(realRoot, join(real, INDEX_FILE));
    if (index !== null) {
      const indexInfo = await stat(index, { bigint: true });
      if (indexInfo.isFile()) return { kind: 'file', path: index, stat: indexInfo, name: INDEX_FILE };
    }
    return { kind: 'directory', path: real };
  }
  if (info.isFile() && !requested.wantsDirectory) {
    return { kind: 'file', path: real, stat: info, name: requested.segments.at(-1)! };
  }
  return null;
}

/** The mtime in the whole seconds HTTP dates carry, or null if it has no HTTP date (year past 9999). */
function lastModified(info: BigIntStats): Date | null {
  const nsPerSecond = 1_000_000_000n;
  const remainder = ((info.mtimeNs % nsPerSecond) + nsPerSecond) % nsPerSecond;
  const date = new Date(Number((info.mtimeNs - remainder) / nsPerSecond) * 1000);
  const year = date.getUTCFullYear();
  return Number.isNaN(date.getTime()) || year < 0 || year > 9999 ? null : date;
}

function firstHeader(headers: StaticRequest['headers'], name: string): string | undefined {
  return headers.find(([n]) => n === name)?.[1];
}

/** Builds each kind of reply with the headers spdyd puts first. */
class ReplyBuilder {
  readonly now: Date;
  readonly address: string;
  private readonly serverName: string;
  private readonly isHead: boolean;

  constructor(request: StaticRequest, options: StaticOptions) {
    this.now = options.now?.() ?? new Date();
    this.serverName = options.serverName ?? DEFAULT_SERVER_NAME;
    this.address = options.port === undefined ? this.serverName : `${this.serverName} at port ${options.port}`;
    this.isHead = request.method === 'HEAD';
  }

  file(path: string, info: BigIntStats, name: string, modified: Date | null): StaticResponse {
    const headers = this.start(200);
    headers.push(['content-length', String(info.size)], ['cache-control', FILE_CACHE_CONTROL], ['date', this.date()]);
    if (modified !== null) headers.push(['last-modified', httpDate(modified)]);
    headers.push(['content-type', contentTypeFor(name)]);
    const body: StaticFileBody = {
      kind: 'file',
      path,
      size: Number(info.size),
      mtimeNs: info.mtimeNs,
      dev: info.dev,
      ino: info.ino,
    };
    return { status: 200, headers, body: this.isHead ? null : body };
  }

  notModified(modified: Date): StaticResponse {
    const headers = this.start(304);
    headers.push(['date', this.date()], ['cache-control', FILE_CACHE_CONTROL], ['last-modified', httpDate(modified)]);
    return { status: 304, headers, body: null };
  }

  listing(html: string): StaticResponse {
    const bytes = new TextEncoder().encode(html);
    const headers = this.start(200);
    headers.push(
      ['content-length', String(bytes.length)],
      ['cache-control', 'no-cache'],
      ['date', this.date()],
      ['content-type', LISTING_CONTENT_TYPE],
    );
    return { status: 200, headers, body: this.isHead ? null : { kind: 'bytes', bytes } };
  }

  /** spdyd gzips its error pages regardless of accept-encoding, as SPDY lets a server do. */
  error(status: number): StaticResponse {
    const bytes = new Uint8Array(gzipSync(errorPage(status, undefined, this.address)));
    const headers = this.start(status);
    headers.push(
      ['date', this.date()],
      ['content-encoding', 'gzip'],
      ['content-type', ERROR_CONTENT_TYPE],
      ['content-length', String(bytes.length)],
    );
    return { status, headers, body: this.isHead ? null : { kind: 'bytes', bytes } };
  }

  private start(status: number): Array<[string, string]> {
    return [
      [':status', statusLine(status)],
      [':version', 'HTTP/1.1'],
      ['server', this.serverName],
    ];
  }

  private date(): string {
    return httpDate(this.now);
  }
}
