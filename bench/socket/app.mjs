// The one application every stack serves and every client asks of it, so
// the three stacks differ only in their protocol code. The server side is a
// Node-style `(req, res)` handler, the API each stack offers its users
// (ours `createServer`, `spdy.createServer`, `http2.createSecureServer` /
// `http2.createServer`, the last two through their compatibility layer):
//
// - `/index-<i>.html`: W1's reply, status 200, content-type, content-length
//   and server headers, a 1 KiB body;
// - `/bulk/<bytes>`: that many bytes, piped from a Readable that hands out
//   64 KiB views of one preallocated buffer (what `fs.createReadStream` hands
//   out), so the write side honours each stack's backpressure the same way.
//
// Each stack adds what it adds by default (ours and node:http2 a `date`
// header; spdy none).
import { Readable } from 'node:stream';
import { SMALL_REPLY } from '../workloads/headers.mjs';

export const SMALL_BODY = Buffer.alloc(1024, 0x61);
const BULK_CHUNK = 64 * 1024;
const BULK_SOURCE = Buffer.alloc(BULK_CHUNK, 0x62);
const BULK_PREFIX = '/bulk/';

/** The request's path for small request `i` (W1's). */
export function smallPath(i) {
  return `/index-${i}.html`;
}

export function bulkPath(bytes) {
  return `${BULK_PREFIX}${bytes}`;
}

/** `bytes` bytes as a Readable of 64 KiB views of one buffer. */
function bulkBody(bytes) {
  let left = bytes;
  return new Readable({
    highWaterMark: BULK_CHUNK,
    read() {
      if (left === 0) {
        this.push(null);
        return;
      }
      const n = Math.min(left, BULK_CHUNK);
      left -= n;
      this.push(n === BULK_CHUNK ? BULK_SOURCE : BULK_SOURCE.subarray(0, n));
    },
  });
}

/** The `(req, res)` handler every server runs. */
export function handle(req, res) {
  const path = req.url;
  if (path.startsWith(BULK_PREFIX)) {
    const bytes = Number(path.slice(BULK_PREFIX.length));
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(bytes) });
    bulkBody(bytes).pipe(res);
    return;
  }
  if (!path.startsWith('/index-')) {
    res.writeHead(404);
    res.end();
    return;
  }
  res.writeHead(SMALL_REPLY.status, SMALL_REPLY.headers);
  res.end(SMALL_BODY);
}
