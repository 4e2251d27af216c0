// The floor of P's backend side: undici alone, as the proxy uses it, with
// no proxy around it. `node undici-floor.mjs BACKEND_URL WARMUP REQUESTS
// CONCURRENCY`: a Pool as src/proxy/backends.ts makes it (8 connections,
// no pipelining, the same timeouts), the same GETs with the headers
// spdyproxy sends (host, x-forwarded-proto, via) through the same
// dispatch() with a handler object, CONCURRENCY in flight in a closed loop
// (each completion dispatches the next; no promises). Prints one JSON line:
// { seconds, requests, errors, firstError, cpuUsPerReq, userUsPerReq,
// systemUsPerReq }, the CPU of this whole process over the measured
// requests alone (after WARMUP more on two pools of their own, so the JIT
// has seen connections open and close).
import { Pool } from 'undici';

const [url, warmUpArg, requestsArg, concurrencyArg] = process.argv.slice(2);
const host = new URL(url).host;
const HEADERS = ['host', host, 'x-forwarded-proto', 'http', 'via', '1.1 spdyproxy'];
// src/proxy/options.ts's defaults.
const POOL_OPTIONS = {
  connections: 8,
  pipelining: 1,
  keepAliveTimeout: 60_000,
  keepAliveMaxTimeout: 60_000,
  headersTimeout: 900_000,
  bodyTimeout: 900_000,
  connectTimeout: 60_000,
};

/** Runs `total` GETs, `concurrency` at a time, on a new pool; resolves with the counts once all are done. */
function load(total, concurrency) {
  const pool = new Pool(url, POOL_OPTIONS);
  return new Promise((resolve) => {
    let started = 0;
    let finished = 0;
    let errors = 0;
    let firstError = null;
    const done = () => {
      if (++finished === total) resolve({ pool, errors, firstError });
      else if (started < total) next();
    };
    const handler = {
      onConnect() {},
      onHeaders(status) {
        if (status !== 200) {
          errors++;
          firstError ??= `status ${status}`;
        }
        return true;
      },
      onData() {
        return true;
      },
      onComplete: done,
      onError(error) {
        errors++;
        firstError ??= String(error?.message ?? error);
        done();
      },
    };
    const next = () => {
      started++;
      pool.dispatch({ method: 'GET', path: '/', headers: HEADERS }, handler);
    };
    for (let i = 0; i < Math.min(concurrency, total); i++) next();
  });
}

const concurrency = Number(concurrencyArg);
const total = Number(requestsArg);
// The warm-up on two pools of their own, as P warms the proxies up on two connections.
let warmErrors = 0;
let warmFirstError = null;
for (let i = 0; i < 2; i++) {
  const warm = await load(Math.ceil(Number(warmUpArg) / 2), concurrency);
  warmErrors += warm.errors;
  warmFirstError ??= warm.firstError;
  await warm.pool.close();
}
const cpuBefore = process.cpuUsage();
const startedAt = performance.now();
const measured = await load(total, concurrency);
const seconds = (performance.now() - startedAt) / 1000;
const cpu = process.cpuUsage(cpuBefore);
await measured.pool.close();
const perRequest = (us) => us / total;
process.stdout.write(
  JSON.stringify({
    seconds,
    requests: total,
    errors: warmErrors + measured.errors,
    firstError: warmFirstError ?? measured.firstError,
    cpuUsPerReq: perRequest(cpu.user + cpu.system),
    userUsPerReq: perRequest(cpu.user),
    systemUsPerReq: perRequest(cpu.system),
  }) + '\n',
);
