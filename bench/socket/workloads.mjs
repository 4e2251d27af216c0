// The socket workloads: what the client process asks of the server process.
// Each entry: { name, unit (the rate), costUnit (server CPU per what),
// connections, quickScale (the scale under --quick), run(clients, scale)
// -> the amount done in the rate's numerator (requests, or MB of body) }.
// `scale` is 1 in full mode.
import { bulkPath, SMALL_BODY, smallPath } from './app.mjs';
import { countFor } from '../workloads/common.mjs';

/** S1: W1's requests, as many as W1 sends, spread over the connections. */
const S1_COUNT = 20_000;
const S1_CONNECTIONS = 4;
/** Streams each connection keeps in flight (our server's MAX_CONCURRENT_STREAMS is 100, as spdyd's). */
const S1_IN_FLIGHT = 100;
/** S2: one download of 1 GiB on one connection. */
const S2_BYTES = 1 << 30;
const MB = 1e6;

/** The first result of a request counts; a stream's late error after its end does not. */
function once(fn) {
  let called = false;
  return (...args) => {
    if (called) return;
    called = true;
    fn(...args);
  };
}

/** `n` GETs of W1's pages, `inFlight` at a time on each client. Resolves when all bodies have ended. */
function smallRequests(clients, n, inFlight) {
  return new Promise((resolve, reject) => {
    let next = 0;
    let done = 0;
    let failed = false;
    const launch = (client) => {
      const i = next++;
      client.get(
        smallPath(i),
        once((error, bytes) => {
          if (failed) return;
          if (error === null && bytes !== SMALL_BODY.length) error = new Error(`S1: ${smallPath(i)}: ${bytes} body bytes`);
          if (error !== null) {
            failed = true;
            reject(error);
            return;
          }
          done++;
          if (next < n) launch(client);
          else if (done === n) resolve();
        }),
      );
    };
    for (let k = 0; k < inFlight; k++) for (const client of clients) if (next < n) launch(client);
  });
}

function download(client, bytes) {
  return new Promise((resolve, reject) => {
    client.get(
      bulkPath(bytes),
      once((error, got) => {
        if (error === null && got !== bytes) error = new Error(`S2: ${got} of ${bytes} body bytes`);
        if (error !== null) reject(error);
        else resolve();
      }),
    );
  });
}

export const SOCKET_WORKLOADS = [
  {
    name: 'S1',
    title: 'small requests',
    unit: 'req/s',
    costUnit: 'µs/req',
    connections: S1_CONNECTIONS,
    quickScale: 1 / 20,
    async run(clients, scale) {
      const n = countFor(S1_COUNT, scale);
      await smallRequests(clients, n, S1_IN_FLIGHT);
      return n;
    },
  },
  {
    name: 'S2',
    title: '1 GiB download',
    unit: 'MB/s',
    costUnit: 'µs/MB',
    connections: 1,
    // 16 MiB: enough to cross every window many times, quick enough for CI.
    quickScale: 1 / 64,
    async run(clients, scale) {
      // Whole 64 KiB chunks, so every size sends the same writes.
      const bytes = Math.max(1, Math.round((S2_BYTES * scale) / 65536)) * 65536;
      await download(clients[0], bytes);
      return bytes / MB;
    },
  },
];
