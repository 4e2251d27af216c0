// Our client and server sessions back to back in memory: each side's
// memSendv() views go straight into the other's memRecv(), in a tight loop,
// with no copy and no event loop in between.
import { CLIENT, SERVER, Session } from '../../dist/index.js';

/** A client and a server Session of `version` with the given options each. */
export function createPair(version, clientOptions, serverOptions) {
  return {
    client: new Session(CLIENT, version, clientOptions),
    server: new Session(SERVER, version, serverOptions),
  };
}

/** Delivers everything `from` has to send to `to`; returns the bytes moved. */
function transfer(from, to) {
  const chunks = from.memSendv();
  if (chunks === null) return 0;
  let n = 0;
  for (let i = 0; i < chunks.length; i++) {
    to.memRecv(chunks[i]);
    n += chunks[i].length;
  }
  return n;
}

/**
 * Moves bytes both ways until done() is true. Throws if both sides go
 * quiet first: a stalled workload must fail, not report a rate.
 */
export function pump({ client, server }, done, tap) {
  while (!done()) {
    const up = transfer(client, server);
    const down = tap === undefined ? transfer(server, client) : transferTapped(server, client, tap);
    if (up === 0 && down === 0 && !done()) throw new Error('our sessions stalled before the workload finished');
  }
}

/** transfer() that also shows every server-to-client chunk to `tap` (a frame counter). */
function transferTapped(from, to, tap) {
  const chunks = from.memSendv();
  if (chunks === null) return 0;
  let n = 0;
  for (let i = 0; i < chunks.length; i++) {
    tap.push(chunks[i]);
    to.memRecv(chunks[i]);
    n += chunks[i].length;
  }
  return n;
}
