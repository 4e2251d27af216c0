// W2 bulk: one stream, 256 MiB from server to client, the client sending
// WINDOW_UPDATE automatically; once with the default 64 KiB window and once
// with a 1 MiB window (SETTINGS INITIAL_WINDOW_SIZE, and in SPDY/3.1 the
// session window raised by a WINDOW_UPDATE on stream 0, as the peer does).
//
// Both sides send DATA frames of at most 16 KiB: ours through
// config.dataChunkSize, the peer through its maxChunk option (its default
// is 8 KiB). The body is views of one preallocated 1 MiB buffer, so neither
// side is charged for producing it. Rate: MB/s (10^6 bytes) of body received.
import { DataProvider, PROTO_SPDY3_1, READ_EOF, SETTINGS_INITIAL_WINDOW_SIZE } from '../../dist/index.js';
import { checkStatus } from '../ours/app.mjs';
import { createPair, pump } from '../ours/pair.mjs';
import { connectPeer, peerRequest } from '../peer/connect.mjs';
import { smallRequest, requestNv } from './headers.mjs';
import { countFor, elapsedSince, startClock } from './common.mjs';

const FULL_BYTES = 256 * 1024 * 1024;
const FRAME_MAX = 16 * 1024;
const DEFAULT_WINDOW = 64 * 1024;
const SOURCE = new Uint8Array(1024 * 1024).fill(0x62);
const REPLY = { status: 200, headers: { 'content-type': 'application/octet-stream' } };
const REPLY_NV = [
  [':status', '200 OK'],
  [':version', 'HTTP/1.1'],
  ['content-type', 'application/octet-stream'],
];

function check(received, total) {
  if (received !== total) throw new Error(`W2: received ${received} of ${total} bytes`);
}

/** Reads `remaining` bytes as views of SOURCE, as many as the session asks for. */
const readBulk = (_session, _streamId, length, ctrl, source) => {
  const offset = source.sent % SOURCE.length;
  const n = Math.min(length, source.total - source.sent, SOURCE.length - offset);
  source.sent += n;
  if (source.sent === source.total) ctrl.flags = READ_EOF;
  return SOURCE.subarray(offset, offset + n);
};

function ours(version, scale, window) {
  const total = countFor(FULL_BYTES, scale);
  let received = 0;
  let closed = false;
  const pair = createPair(
    version,
    {
      onCtrlRecvCb: checkStatus,
      onDataChunkRecvCb: (_s, _flags, _id, data) => {
        received += data.length;
      },
      onStreamCloseCb: (_s, _id, statusCode) => {
        if (statusCode !== 0) throw new Error(`W2: stream closed with status ${statusCode}`);
        closed = true;
      },
    },
    {
      config: { dataChunkSize: FRAME_MAX },
      onRequestRecvCb: (session, streamId) =>
        session.submitResponse(streamId, REPLY_NV, new DataProvider({ sent: 0, total }, readBulk)),
    },
  );
  const t = startClock();
  if (window !== DEFAULT_WINDOW) {
    pair.client.submitSettings(0, [[SETTINGS_INITIAL_WINDOW_SIZE, 0, window]]);
    if (version === PROTO_SPDY3_1) pair.client.submitWindowUpdate(0, window - DEFAULT_WINDOW);
  }
  pair.client.submitRequest(3, requestNv(smallRequest(0)));
  pump(pair, () => closed);
  const seconds = elapsedSince(t);
  check(received, total);
  return { value: total / seconds / 1e6 };
}

function peer(version, scale, window) {
  const total = countFor(FULL_BYTES, scale);
  const source = Buffer.from(SOURCE.buffer, SOURCE.byteOffset, SOURCE.length);
  const { client, server } = connectPeer(version, { windowSize: window, maxChunk: FRAME_MAX });
  server.on('stream', (stream) => {
    stream.resume();
    stream.respond(REPLY.status, { ...REPLY.headers });
    let sent = 0;
    const write = () => {
      while (sent < total) {
        const n = Math.min(source.length, total - sent);
        sent += n;
        if (!stream.write(source.subarray(0, n))) {
          stream.once('drain', write);
          return;
        }
      }
      stream.end();
    };
    write();
  });
  // Done when the last body byte arrives. The peer talking to itself can
  // reset a stream it has just finished: a late WINDOW_UPDATE reaches the
  // server after it dropped the stream, it answers RST INVALID_STREAM, and
  // that RST overtakes its own queued empty DATA+FIN. A reset after the
  // whole body has arrived is that race, not a failed transfer.
  return new Promise((resolve, reject) => {
    let received = 0;
    let finished = false;
    const t = startClock();
    peerRequest(client, smallRequest(0), {
      onClose: () => {
        if (!finished) reject(new Error(`W2: peer stream closed after ${received} of ${total} bytes`));
      },
      onError: (error) => {
        if (!finished) reject(error);
      },
      onData: (chunk) => {
        received += chunk.length;
        if (received < total || finished) return;
        finished = true;
        const seconds = elapsedSince(t);
        try {
          check(received, total);
          resolve({ value: total / seconds / 1e6 });
        } catch (error) {
          reject(error);
        }
      },
      status: 200,
    });
  });
}

function variant(name, window) {
  return {
    name,
    unit: 'MB/s',
    kind: 'rate',
    ours: (version, scale) => ours(version, scale, window),
    peer: (version, scale) => peer(version, scale, window),
    floor: null,
  };
}

export const workloads = [variant('W2 64K', DEFAULT_WINDOW), variant('W2 1M', 1024 * 1024)];
