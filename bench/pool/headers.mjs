// H: W3r-style header-heavy replies with the server's header codec in-thread
// or in the zlib pool. `sessions` client/server pairs of SessionMachines,
// back to back in memory, each with one request in flight at a time: the
// client sends a small GET (W1's 8 headers), the server answers with a
// SYN_REPLY of 20 headers (about 1.1 KB raw) at level 9 and FIN. A request
// counts once its stream has closed at the client; its latency runs from
// submit to then. Every request goes through the event loop (setImmediate),
// in both modes, so sessions take turns as on a real server.
import { CLIENT, SERVER, SessionMachine } from '../../dist/index.js';
import { createPooledHeaderCodec } from '../../dist/workers/pooled-codec.js';
import { heavyReply, replyNv, requestNv, smallRequest } from '../workloads/headers.mjs';

const PRI = 3;

export async function headerReplies({ version, sessions, requests, pool }) {
  const requestLists = Array.from({ length: 256 }, (_, i) => requestNv(smallRequest(i)));
  const replyLists = Array.from({ length: 256 }, (_, i) => replyNv(heavyReply(i)));
  const latencies = new Float64Array(requests);
  let started = 0;
  let done = 0;
  let finish;
  const finished = new Promise((resolve, reject) => (finish = { resolve, reject }));

  class Pair {
    constructor(index) {
      this.index = index;
      this.submittedAt = 0;
      this.scheduled = false;
      this.codec = pool === null ? null : createPooledHeaderCodec(pool, { version, side: SERVER });
      this.client = new SessionMachine(CLIENT, version, (event) => this.onClientEvent(event));
      this.server = new SessionMachine(
        SERVER,
        version,
        (event) => {
          if (event.type === 'request-recv') this.server.submitResponse(event.streamId, replyLists[(this.index + event.streamId) & 255]);
        },
        this.codec === null ? undefined : { headerCodec: this.codec },
      );
      if (this.codec !== null) {
        this.codec.onAnswer = () => {
          this.server.resumeHeaderBlocks();
          this.schedule();
        };
        this.codec.onError = (error) => finish.reject(error);
      }
    }

    onClientEvent(event) {
      if (event.type === 'stream-close') {
        if (event.statusCode !== 0) finish.reject(new Error(`H: stream closed with ${event.statusCode}`));
        latencies[done++] = performance.now() - this.submittedAt;
        if (done === requests) finish.resolve();
        else setImmediate(() => this.next());
      }
    }

    next() {
      if (started >= requests) return;
      started++;
      this.submittedAt = performance.now();
      this.client.submitRequest(PRI, requestLists[(this.index + started) & 255]);
      this.pump();
    }

    schedule() {
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.pump();
      });
    }

    pump() {
      for (let moved = true; moved; ) {
        moved = false;
        for (let b = this.client.memSend(); b !== null; b = this.client.memSend()) {
          this.server.memRecv(b);
          moved = true;
        }
        for (let b = this.server.memSend(); b !== null; b = this.server.memSend()) {
          this.client.memRecv(b);
          moved = true;
        }
      }
    }

    close() {
      this.codec?.close();
    }
  }

  const pairs = Array.from({ length: sessions }, (_, i) => new Pair(i));
  const t0 = performance.now();
  for (const pair of pairs) pair.next();
  await finished;
  const seconds = (performance.now() - t0) / 1000;
  for (const pair of pairs) pair.close();
  return { seconds, latencies };
}
