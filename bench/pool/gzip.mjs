// G: gzip of bodies, `concurrency` at a time, each coded in 64 KiB chunks as
// a server streams a file: in-thread (pako on the main thread), in the zlib
// pool (pako in a worker, a pinned lane per body), or with Node's zlib
// (NativeBodyCoder: node:zlib streams, native zlib on libuv's threadpool),
// each through the library's own coder. Between chunks
// every body yields to the event loop (setImmediate), so bodies take turns
// in every mode. Latency: from a body's first chunk to its last output.
import { NativeBodyCoder } from '../../dist/io/native-coding.js';
import { createBodyCoder } from '../../dist/workers/content-coding.js';

const CHUNK = 64 * 1024;
const yieldTurn = () => new Promise((resolve) => setImmediate(resolve));

/** Text that gzips about 3:1, as pages and JSON do; the same in every run. */
export function bodyText(size) {
  const out = Buffer.alloc(size);
  let at = 0;
  let x = 12345;
  const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
  while (at < size) {
    next();
    const kind = (x >>> 24) % 4;
    // Numbers and made-up words keep it from compressing to nothing.
    let w;
    if (kind === 0) w = `<td data-id="${x % 1000003}">`;
    else if (kind === 1) w = `${(x >>> 3) % 99991} `;
    else {
      w = '';
      const n = 3 + ((x >>> 5) % 7);
      for (let i = 0; i < n; i++) w += String.fromCharCode(97 + (next() >>> 27) % 26);
      w += ' ';
    }
    at += out.write(w, at);
  }
  return out;
}

/** One body, in 64 KiB chunks, through the coder `mode` names: the library's own coders, as a server uses them. */
async function codeOne(body, mode, pool) {
  const coder = mode === 'node:zlib' ? new NativeBodyCoder('gzip', 'encode', 6) : createBodyCoder('gzip', 'encode', { pool, poolThreshold: 0 }, body.length);
  let out = 0;
  for (let at = 0; at < body.length; at += CHUNK) {
    const last = at + CHUNK >= body.length;
    out += (await coder.push(body.subarray(at, at + CHUNK), last)).length;
    if (!last) await yieldTurn();
  }
  return out;
}

export async function gzipBodies({ mode, concurrency, bodies, size, pool }) {
  const body = bodyText(size);
  const latencies = new Float64Array(bodies);
  let next = 0;
  let done = 0;
  let coded = 0;
  const worker = async () => {
    while (next < bodies) {
      next++;
      const t = performance.now();
      const length = await codeOne(body, mode, mode === 'pool' ? pool : null);
      coded += length;
      latencies[done++] = performance.now() - t;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - t0) / 1000;
  if (coded === 0) throw new Error('G: nothing coded');
  return { seconds, latencies, ratio: (bodies * size) / coded };
}
