// The load generator, in a process of its own so that its CPU is nobody
// else's: `node load.mjs spdy|h1 URL REQUESTS CONCURRENCY`. spdy: one
// session of ours (SPDY/3.1 over plain TCP) with CONCURRENCY streams in
// flight; h1: undici with CONCURRENCY keep-alive connections, one request
// in flight on each. Closed loop: each slot sends its next request when the
// last one's body has ended. Prints one JSON line: { seconds, requests,
// errors, firstError, p50Ms, p99Ms }.
import { connect } from '../../dist/index.js';
import { Pool } from 'undici';
import { percentile } from './percentile.mjs';

const [mode, url, requestsArg, concurrencyArg] = process.argv.slice(2);
const total = Number(requestsArg);
const concurrency = Number(concurrencyArg);

function spdyClient() {
  const session = connect(url, { protocol: 'spdy/3.1' });
  return {
    one: () =>
      new Promise((resolve, reject) => {
        const stream = session.request({ ':path': '/' });
        stream.once('response', () => {
          if (stream.statusCode !== 200) reject(new Error(`status ${stream.statusCode}`));
        });
        stream.on('data', () => {});
        stream.once('end', resolve);
        stream.once('error', reject);
      }),
    close: () => session.close(),
  };
}

function h1Client() {
  const pool = new Pool(url, { connections: concurrency, pipelining: 1 });
  return {
    one: () =>
      new Promise((resolve, reject) => {
        pool.dispatch(
          { method: 'GET', path: '/' },
          {
            onConnect() {},
            onHeaders(status) {
              if (status !== 200) reject(new Error(`status ${status}`));
              return true;
            },
            onData() {
              return true;
            },
            onComplete: resolve,
            onError: reject,
          },
        );
      }),
    close: () => pool.close(),
  };
}

const client = mode === 'spdy' ? spdyClient() : h1Client();
const latencies = new Float64Array(total);
let next = 0;
let errors = 0;
let firstError = null;
const started = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < total) {
      const i = next++;
      const t = performance.now();
      try {
        await client.one();
      } catch (error) {
        errors++;
        firstError ??= String(error?.message ?? error);
      }
      latencies[i] = performance.now() - t;
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
await client.close();
process.stdout.write(JSON.stringify({ seconds, requests: total, errors, firstError, p50Ms: percentile(latencies, 0.5), p99Ms: percentile(latencies, 0.99) }) + '\n');
process.exit(0);
