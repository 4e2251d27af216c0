// W1 request/response: 20,000 GETs, at most 100 in flight, 8 request
// headers each, answered by a SYN_REPLY with 5 headers and a 1 KiB body.
// Rate: completed requests per second (a request completes when the client
// has its whole body and the stream has closed). Servers read :path,
// clients check :status (ours/app.mjs).
import { DataProvider, READ_EOF } from '../../dist/index.js';
import { checkStatus, requestPaths } from '../ours/app.mjs';
import { createPair, pump } from '../ours/pair.mjs';
import { connectPeer, peerRequest } from '../peer/connect.mjs';
import { floorPair, packBlock } from '../floor.mjs';
import { SMALL_REPLY, replyNv, requestNv, smallRequest } from './headers.mjs';
import { countFor, elapsedSince, startClock } from './common.mjs';

const FULL_COUNT = 20_000;
const IN_FLIGHT = 100;
const PRI = 3;
const BODY = new Uint8Array(1024).fill(0x61);

function check(done, bytes, n) {
  if (done !== n || bytes !== n * BODY.length) throw new Error(`W1: ${done}/${n} requests, ${bytes} body bytes`);
}

const readBody = (_session, _streamId, _length, ctrl) => {
  ctrl.flags = READ_EOF;
  return BODY;
};

function ours(version, scale) {
  const n = countFor(FULL_COUNT, scale);
  const requests = Array.from({ length: n }, (_, i) => requestNv(smallRequest(i)));
  const reply = replyNv(SMALL_REPLY);
  let next = 0;
  let done = 0;
  let bytes = 0;
  const paths = requestPaths();
  const pair = createPair(
    version,
    {
      onCtrlRecvCb: checkStatus,
      onDataChunkRecvCb: (_s, _flags, _id, data) => {
        bytes += data.length;
      },
      onStreamCloseCb: (session, _id, statusCode) => {
        if (statusCode !== 0) throw new Error(`W1: stream closed with status ${statusCode}`);
        done++;
        if (next < n) session.submitRequest(PRI, requests[next++]);
      },
    },
    {
      onCtrlRecvCb: paths.onCtrlRecvCb,
      onRequestRecvCb: (session, streamId) => {
        paths.take(streamId);
        session.submitResponse(streamId, reply, new DataProvider(null, readBody));
      },
    },
  );
  const t = startClock();
  while (next < Math.min(IN_FLIGHT, n)) pair.client.submitRequest(PRI, requests[next++]);
  pump(pair, () => done === n);
  const seconds = elapsedSince(t);
  check(done, bytes, n);
  return { value: n / seconds };
}

function peer(version, scale) {
  const n = countFor(FULL_COUNT, scale);
  const requests = Array.from({ length: n }, (_, i) => smallRequest(i));
  const body = Buffer.from(BODY);
  const { client, server } = connectPeer(version);
  server.on('stream', (stream) => {
    if (stream.path === undefined) throw new Error('W1: peer request without :path');
    stream.resume();
    stream.respond(SMALL_REPLY.status, { ...SMALL_REPLY.headers });
    stream.end(body);
  });
  return new Promise((resolve, reject) => {
    let next = 0;
    let done = 0;
    let bytes = 0;
    const onData = (chunk) => {
      bytes += chunk.length;
    };
    const onClose = () => {
      done++;
      if (next < n) launch();
      else if (done === n) {
        const seconds = elapsedSince(t);
        try {
          check(done, bytes, n);
          resolve({ value: n / seconds });
        } catch (error) {
          reject(error);
        }
      }
    };
    const launch = () => peerRequest(client, requests[next++], { onClose, onError: reject, onData, status: 200 });
    const t = startClock();
    while (next < Math.min(IN_FLIGHT, n)) launch();
  });
}

function floor(version, scale) {
  const n = countFor(FULL_COUNT, scale);
  const up = Array.from({ length: n }, (_, i) => packBlock(requestNv(smallRequest(i))));
  const down = packBlock(replyNv(SMALL_REPLY));
  const { up: client, down: server } = floorPair(version);
  const t = startClock();
  for (let i = 0; i < n; i++) {
    client.run(up[i]);
    server.run(down);
  }
  return { value: n / elapsedSince(t) };
}

export const workloads = [{ name: 'W1', unit: 'req/s', kind: 'rate', ours, peer, floor }];
