// W3 header-heavy requests: 50,000 SYN_STREAMs with FIN, 20 headers each
// (about 1.1 KB raw: cookie, authorization, user-agent, per-request ids),
// at most 100 in flight, each answered by RST_STREAM CANCEL. Rate:
// SYN_STREAMs per second, a request counting once the client has seen its
// stream reset.
//
// The peer's client answers each CANCEL with a CANCEL of its own (its
// abort()); that extra frame is its cost, not part of the workload.
import { CANCEL } from '../../dist/index.js';
import { requestPaths } from '../ours/app.mjs';
import { createPair, pump } from '../ours/pair.mjs';
import { connectPeer, peerRequest } from '../peer/connect.mjs';
import { floorPair, packBlock } from '../floor.mjs';
import { heavyRequest, requestNv } from './headers.mjs';
import { countFor, elapsedSince, startClock } from './common.mjs';

const FULL_COUNT = 50_000;
const IN_FLIGHT = 100;
const PRI = 3;

function check(done, n) {
  if (done !== n) throw new Error(`W3: ${done}/${n} streams reset`);
}

function ours(version, scale) {
  const n = countFor(FULL_COUNT, scale);
  const requests = Array.from({ length: n }, (_, i) => requestNv(heavyRequest(i)));
  let next = 0;
  let done = 0;
  const paths = requestPaths();
  const pair = createPair(
    version,
    {
      onStreamCloseCb: (session, _id, statusCode) => {
        if (statusCode !== CANCEL) throw new Error(`W3: stream closed with status ${statusCode}`);
        done++;
        if (next < n) session.submitRequest(PRI, requests[next++]);
      },
    },
    {
      onCtrlRecvCb: paths.onCtrlRecvCb,
      onRequestRecvCb: (session, streamId) => {
        paths.take(streamId);
        session.submitRstStream(streamId, CANCEL);
      },
    },
  );
  const t = startClock();
  while (next < Math.min(IN_FLIGHT, n)) pair.client.submitRequest(PRI, requests[next++]);
  pump(pair, () => done === n);
  const seconds = elapsedSince(t);
  check(done, n);
  return { value: n / seconds };
}

function peer(version, scale) {
  const n = countFor(FULL_COUNT, scale);
  const requests = Array.from({ length: n }, (_, i) => heavyRequest(i));
  const { client, server } = connectPeer(version);
  server.on('stream', (stream) => {
    if (stream.path === undefined) throw new Error('W3: peer request without :path');
    stream.abort();
  });
  return new Promise((resolve, reject) => {
    let next = 0;
    let done = 0;
    const onClose = () => {
      done++;
      if (next < n) launch();
      else if (done === n) {
        const seconds = elapsedSince(t);
        try {
          check(done, n);
          resolve({ value: n / seconds });
        } catch (error) {
          reject(error);
        }
      }
    };
    const launch = () => peerRequest(client, requests[next++], { onClose, onError: reject });
    const t = startClock();
    while (next < Math.min(IN_FLIGHT, n)) launch();
  });
}

function floor(version, scale) {
  const n = countFor(FULL_COUNT, scale);
  const blocks = Array.from({ length: n }, (_, i) => packBlock(requestNv(heavyRequest(i))));
  const { up } = floorPair(version);
  const t = startClock();
  for (let i = 0; i < n; i++) up.run(blocks[i]);
  return { value: n / elapsedSince(t) };
}

export const workloads = [{ name: 'W3', unit: 'frames/s', kind: 'rate', ours, peer, floor }];
