// M memory: 10,000 client+server session pairs, one W1 exchange each (a GET
// with 8 headers, a 5-header SYN_REPLY, 1 KiB body), all kept alive.
// Result: resident bytes per session (pairs x 2) after GC, the growth of
// the process's RSS. RSS, because the peer's header compression is Node's
// native zlib, whose state (about 100 KB a connection) process.memoryUsage()
// does not count in heapUsed or external; heap+external is reported beside
// it (heapPerSession), the number to watch for our side alone.
//
// Needs --expose-gc; measure.mjs runs every measurement in its own child
// process started with it, so each heap starts clean, and skips the JIT
// warm-up here (its garbage would only blur the baseline).
import { DataProvider, READ_EOF } from '../../dist/index.js';
import { createPair, pump } from '../ours/pair.mjs';
import { connectPeer, peerRequest } from '../peer/connect.mjs';
import { SMALL_REPLY, replyNv, requestNv, smallRequest } from './headers.mjs';
import { countFor } from './common.mjs';

const FULL_PAIRS = 10_000;
/** Peer exchanges run this many at a time (each on its own connection pair). */
const PEER_PARALLEL = 100;
const BODY = new Uint8Array(1024).fill(0x61);

function settle() {
  if (typeof globalThis.gc !== 'function') throw new Error('M needs node --expose-gc');
  for (let i = 0; i < 4; i++) globalThis.gc();
}

function used() {
  const m = process.memoryUsage();
  return { total: m.heapUsed + m.external, rss: m.rss };
}

function result(before, after, pairs, keep) {
  const sessions = 2 * pairs;
  if (keep.length !== pairs) throw new Error(`M: ${keep.length} of ${pairs} pairs kept`);
  return {
    value: (after.rss - before.rss) / sessions,
    heapPerSession: (after.total - before.total) / sessions,
  };
}

const readBody = (_session, _streamId, _length, ctrl) => {
  ctrl.flags = READ_EOF;
  return BODY;
};

function ours(version, scale) {
  const n = countFor(FULL_PAIRS, scale);
  const reply = replyNv(SMALL_REPLY);
  settle();
  const before = used();
  const keep = [];
  for (let i = 0; i < n; i++) {
    let closed = false;
    let bytes = 0;
    const pair = createPair(
      version,
      {
        onDataChunkRecvCb: (_s, _flags, _id, data) => {
          bytes += data.length;
        },
        onStreamCloseCb: () => {
          closed = true;
        },
      },
      { onRequestRecvCb: (session, streamId) => session.submitResponse(streamId, reply, new DataProvider(null, readBody)) },
    );
    pair.client.submitRequest(3, requestNv(smallRequest(i)));
    pump(pair, () => closed);
    if (bytes !== BODY.length) throw new Error(`M: pair ${i} received ${bytes} bytes`);
    keep.push(pair);
  }
  settle();
  return result(before, used(), n, keep);
}

async function peer(version, scale) {
  const n = countFor(FULL_PAIRS, scale);
  const body = Buffer.from(BODY);
  settle();
  const before = used();
  const keep = [];
  let started = 0;
  await new Promise((resolve, reject) => {
    let done = 0;
    const launch = () => {
      const i = started++;
      const pair = connectPeer(version);
      pair.server.on('stream', (stream) => {
        stream.resume();
        stream.respond(SMALL_REPLY.status, { ...SMALL_REPLY.headers });
        stream.end(body);
      });
      let bytes = 0;
      peerRequest(pair.client, smallRequest(i), {
        onClose: () => {
          if (bytes !== BODY.length) return reject(new Error(`M: peer pair ${i} received ${bytes} bytes`));
          done++;
          if (started < n) launch();
          else if (done === n) resolve();
        },
        onError: reject,
        onData: (chunk) => {
          bytes += chunk.length;
        },
      });
      keep.push(pair);
    };
    while (started < Math.min(PEER_PARALLEL, n)) launch();
  });
  // Let the last frames, callbacks and zlib completions run before measuring.
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
  settle();
  return result(before, used(), n, keep);
}

export const workloads = [
  {
    name: 'M',
    unit: 'B/session',
    kind: 'memory',
    ours,
    peer,
    floor: null,
    // Memory, not speed: the baseline is taken inside the run, after a GC.
    warmUp: false,
    extras: [{ key: 'heapPerSession', label: 'M heap+ext', unit: 'B/session', kind: 'memory' }],
  },
];
