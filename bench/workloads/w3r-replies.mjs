// W3r header-heavy replies: 50,000 small GETs (W1's 8 headers), each
// answered by a SYN_REPLY with 20 response headers (about 1.1 KB raw) and
// no body, so the server's compressed direction (level 9) is measured.
// Rate: SYN_REPLYs per second, a reply counting once its stream has closed
// at the client. Also reported: the compressed bytes per reply header
// block, counted from the frame heads on the wire for both libraries.
//
// Servers read :path (the reply is picked by the request number in it),
// clients check :status. Ours ends each stream with FIN on the SYN_REPLY; the peer always sends a
// separate empty DATA+FIN after it (its respond() cannot carry FIN).
import { checkStatus, requestNumber, requestPaths } from '../ours/app.mjs';
import { createPair, pump } from '../ours/pair.mjs';
import { connectPeer, peerRequest } from '../peer/connect.mjs';
import { floorPair, packBlock } from '../floor.mjs';
import { SynReplyTap } from '../frame-tap.mjs';
import { heavyReply, replyNv, requestNv, smallRequest } from './headers.mjs';
import { countFor, elapsedSince, startClock } from './common.mjs';

const FULL_COUNT = 50_000;
const IN_FLIGHT = 100;
const PRI = 3;

function check(done, n, tap) {
  if (done !== n) throw new Error(`W3r: ${done}/${n} replies`);
  if (tap !== undefined && tap.blocks !== n) throw new Error(`W3r: ${tap.blocks} SYN_REPLY frames on the wire for ${n} replies`);
}

function ours(version, scale) {
  const n = countFor(FULL_COUNT, scale);
  const requests = Array.from({ length: n }, (_, i) => requestNv(smallRequest(i)));
  // Each reply is chosen by the request number the server reads from :path.
  const replies = Array.from({ length: n }, (_, i) => replyNv(heavyReply(i)));
  let next = 0;
  let done = 0;
  const tap = new SynReplyTap();
  const paths = requestPaths();
  const pair = createPair(
    version,
    {
      onCtrlRecvCb: checkStatus,
      onStreamCloseCb: (session, _id, statusCode) => {
        if (statusCode !== 0) throw new Error(`W3r: stream closed with status ${statusCode}`);
        done++;
        if (next < n) session.submitRequest(PRI, requests[next++]);
      },
    },
    {
      onCtrlRecvCb: paths.onCtrlRecvCb,
      onRequestRecvCb: (session, streamId) => session.submitResponse(streamId, replies[requestNumber(paths.take(streamId))]),
    },
  );
  const t = startClock();
  while (next < Math.min(IN_FLIGHT, n)) pair.client.submitRequest(PRI, requests[next++]);
  pump(pair, () => done === n, tap);
  const seconds = elapsedSince(t);
  check(done, n, tap);
  return { value: n / seconds, bytesPerBlock: tap.bytesPerBlock };
}

function peer(version, scale) {
  const n = countFor(FULL_COUNT, scale);
  const requests = Array.from({ length: n }, (_, i) => smallRequest(i));
  const replies = Array.from({ length: n }, (_, i) => heavyReply(i));
  const tap = new SynReplyTap();
  const { client, server } = connectPeer(version, {}, tap);
  server.on('stream', (stream) => {
    stream.resume();
    const reply = replies[requestNumber(stream.path)];
    stream.respond(reply.status, reply.headers);
    stream.end();
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
          check(done, n, tap);
          resolve({ value: n / seconds, bytesPerBlock: tap.bytesPerBlock });
        } catch (error) {
          reject(error);
        }
      }
    };
    const launch = () => peerRequest(client, requests[next++], { onClose, onError: reject, status: 200 });
    const t = startClock();
    while (next < Math.min(IN_FLIGHT, n)) launch();
  });
}

function floor(version, scale) {
  const n = countFor(FULL_COUNT, scale);
  const up = Array.from({ length: n }, (_, i) => packBlock(requestNv(smallRequest(i))));
  const down = Array.from({ length: n }, (_, i) => packBlock(replyNv(heavyReply(i))));
  const { up: client, down: server } = floorPair(version);
  let compressed = 0;
  const t = startClock();
  for (let i = 0; i < n; i++) {
    client.run(up[i]);
    compressed += server.run(down[i]);
  }
  const seconds = elapsedSince(t);
  return { value: n / seconds, bytesPerBlock: compressed / n };
}

export const workloads = [
  {
    name: 'W3r',
    unit: 'frames/s',
    kind: 'rate',
    ours,
    peer,
    floor,
    extras: [{ key: 'bytesPerBlock', label: 'W3r block size', unit: 'B/block', kind: 'memory' }],
  },
];
