// The zlib pool in a browser: Web Workers (the web spawner) running the
// built dist/workers/zlib.worker.js, the module Node's worker_threads run.
// A body is gzipped in the pool, streaming through a lane, and read back
// with the browser's own DecompressionStream; a server session whose
// header codec lives in the pool answers an in-thread client, and the
// client checks the reply's headers. The verdict goes to the console as
// one JSON line prefixed "POOL-VERDICT ".
import { CLIENT, SERVER, PROTO_SPDY3_1, SessionMachine } from '/dist/core/index.js';
import { createZlibPool } from '/dist/workers/zlib-pool.js';
import { createBodyCoder } from '/dist/workers/content-coding.js';
import { PooledHeaderCodec } from '/dist/workers/pooled-codec.js';

async function gunzipInBrowser(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function run() {
  const hasNodeWorkers = typeof globalThis.process !== 'undefined';
  const pool = createZlibPool({ size: 2 });
  try {
    // A body through a pooled coder, in 64 KiB chunks.
    const body = new TextEncoder().encode('the zlib pool in a browser worker\n'.repeat(20_000));
    const coder = createBodyCoder('gzip', 'encode', { pool, poolThreshold: 0 }, body.length);
    const pieces = [];
    for (let at = 0; at < body.length; at += 65536) pieces.push(await coder.push(body.subarray(at, at + 65536), at + 65536 >= body.length));
    const gz = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of pieces) {
      gz.set(p, at);
      at += p.length;
    }
    const back = await gunzipInBrowser(gz);
    const bodyOk = back.length === body.length && back.every((b, i) => b === body[i]);

    // A request answered by a server whose header codec is in the pool.
    const codec = new PooledHeaderCodec(pool, { version: PROTO_SPDY3_1, side: SERVER });
    let replyNv = null;
    const client = new SessionMachine(CLIENT, PROTO_SPDY3_1, (event) => {
      if (event.type === 'ctrl-recv' && event.frame.type === 2) replyNv = event.frame.nv;
    });
    const server = new SessionMachine(
      SERVER,
      PROTO_SPDY3_1,
      (event) => {
        if (event.type === 'request-recv') server.submitResponse(event.streamId, [[':status', '200 OK'], [':version', 'HTTP/1.1'], ['x-from', 'a pooled codec']]);
      },
      { headerCodec: codec },
    );
    const pump = () => {
      for (let moved = true; moved; ) {
        moved = false;
        for (let b = client.memSend(); b !== null; b = client.memSend()) (server.memRecv(b), (moved = true));
        for (let b = server.memSend(); b !== null; b = server.memSend()) (client.memRecv(b), (moved = true));
      }
    };
    const replied = new Promise((resolve) => {
      codec.onAnswer = () => {
        server.resumeHeaderBlocks();
        pump();
        if (replyNv !== null) resolve();
      };
    });
    client.submitRequest(3, [[':method', 'GET'], [':path', '/'], [':version', 'HTTP/1.1'], [':scheme', 'https'], [':host', 'example.org']]);
    pump();
    await Promise.race([replied, new Promise((_, reject) => setTimeout(() => reject(new Error('no reply within 20 s')), 20_000))]);
    codec.close();
    return { ok: true, hasNodeWorkers, bodyOk, gzLength: gz.length, bodyLength: body.length, reply: replyNv, userAgent: navigator.userAgent };
  } finally {
    await pool.close();
  }
}

run().then(
  (verdict) => console.log('POOL-VERDICT ' + JSON.stringify(verdict)),
  (error) => console.log('POOL-VERDICT ' + JSON.stringify({ ok: false, error: String(error && error.stack ? error.stack : error) })),
);
