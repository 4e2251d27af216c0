/**
 * One in-memory SPDY exchange over the built core, run as-is by Deno, Bun
 * and a headless browser to show that `spdylay/core` needs nothing beyond
 * the web platform: no Node built-ins, no bundler, no polyfills. Only web
 * APIs appear here and in bodies.mjs (WebCrypto's `crypto.subtle`,
 * `navigator.userAgent`), so the same files load unchanged in all three.
 *
 * For each protocol version a client and a server Session are joined back
 * to back: the client GETs a 1 MiB body and POSTs another 1 MiB body, which
 * the server echoes. The verdict records what each side saw (statuses, byte
 * counts, SHA-256 of every body) and judges nothing: the tests compare it
 * with hashes Node computes from the same bodies.
 */
import {
  CLIENT,
  DataProvider,
  GOAWAY_OK,
  PROTO_SPDY2,
  PROTO_SPDY3,
  PROTO_SPDY3_1,
  READ_EOF,
  SERVER,
  SYN_REPLY,
  SYN_STREAM,
  Session,
} from '../../dist/core/index.js';
import { BODY_LENGTH, GET_BODY_SEED, POST_BODY_SEED, patternBody, sha256Hex } from './bodies.mjs';

const VERSIONS = [
  ['spdy/2', PROTO_SPDY2],
  ['spdy/3', PROTO_SPDY3],
  ['spdy/3.1', PROTO_SPDY3_1],
];

/** Far more than 3 MiB in 4 KiB DATA frames needs; a stuck exchange fails instead of spinning. */
const MAX_PUMP_ROUNDS = 100_000;

/** A DataProvider that hands out `bytes` in the chunks the session asks for. */
function bodyProvider(bytes) {
  const source = { bytes, offset: 0 };
  return new DataProvider(source, (_session, _streamId, length, ctrl, src) => {
    const chunk = src.bytes.subarray(src.offset, src.offset + length);
    src.offset += chunk.length;
    if (src.offset >= src.bytes.length) ctrl.flags = READ_EOF;
    return chunk;
  });
}

/** Collects DATA chunks per stream; the session's views are only valid during the callback, so each is copied. */
class Bodies {
  chunks = new Map();

  add(streamId, data) {
    const list = this.chunks.get(streamId) ?? [];
    list.push(data.slice());
    this.chunks.set(streamId, list);
  }

  take(streamId) {
    const list = this.chunks.get(streamId) ?? [];
    this.chunks.delete(streamId);
    const whole = new Uint8Array(list.reduce((sum, chunk) => sum + chunk.length, 0));
    let offset = 0;
    for (const chunk of list) {
      whole.set(chunk, offset);
      offset += chunk.length;
    }
    return whole;
  }
}

function header(nv, name) {
  return nv.find(([n]) => n === name)?.[1] ?? null;
}

/** Moves bytes both ways until neither side has anything to send; returns the bytes moved. */
function pump(client, server) {
  let moved = 0;
  for (let round = 0; round < MAX_PUMP_ROUNDS; round++) {
    const toServer = client.memSend();
    if (toServer !== null) {
      server.memRecv(toServer);
      moved += toServer.length;
    }
    const toClient = server.memSend();
    if (toClient !== null) {
      client.memRecv(toClient);
      moved += toClient.length;
    }
    if (toServer === null && toClient === null) return moved;
  }
  throw new Error(`the sessions did not settle in ${MAX_PUMP_ROUNDS} rounds`);
}

async function exchangeOver(protocol, version, getBody, postBody) {
  const serverBodies = new Bodies();
  const clientBodies = new Bodies();
  const requests = new Map();
  const responses = new Map();
  const closed = {};
  const received = [];

  const server = new Session(SERVER, version, {
    onCtrlRecvCb: (_s, frame) => {
      if (frame.frameType === SYN_STREAM) {
        requests.set(frame.streamId, { method: header(frame.nv, ':method'), path: header(frame.nv, ':path') });
      }
    },
    onDataChunkRecvCb: (_s, _flags, streamId, data) => serverBodies.add(streamId, data),
    onRequestRecvCb: (s, streamId) => {
      const request = requests.get(streamId);
      const body = serverBodies.take(streamId);
      received.push({ streamId, ...request, body });
      const nv = [
        [':status', '200 OK'],
        [':version', 'HTTP/1.1'],
        ['content-type', 'application/octet-stream'],
      ];
      if (request?.method === 'GET' && request.path === '/blob') s.submitResponse(streamId, nv, bodyProvider(getBody));
      else if (request?.method === 'POST' && request.path === '/echo') s.submitResponse(streamId, nv, bodyProvider(body));
      else s.submitResponse(streamId, [[':status', '404 Not Found'], [':version', 'HTTP/1.1']]);
    },
  });

  const client = new Session(CLIENT, version, {
    onCtrlRecvCb: (_s, frame) => {
      if (frame.frameType === SYN_REPLY) responses.set(frame.streamId, { status: header(frame.nv, ':status') });
    },
    onDataChunkRecvCb: (_s, _flags, streamId, data) => clientBodies.add(streamId, data),
    onStreamCloseCb: (_s, streamId, statusCode) => {
      closed[streamId] = statusCode;
      const response = responses.get(streamId);
      if (response) response.body = clientBodies.take(streamId);
    },
  });

  const request = (method, path) => [
    [':method', method],
    [':path', path],
    [':version', 'HTTP/1.1'],
    [':scheme', 'https'],
    [':host', 'localhost'],
  ];
  // Stream ids are assigned in send order: the GET is 1, the POST 3.
  client.submitRequest(3, request('GET', '/blob'));
  client.submitRequest(3, request('POST', '/echo'), bodyProvider(postBody));
  let wireBytes = pump(client, server);
  client.submitGoaway(GOAWAY_OK);
  wireBytes += pump(client, server);

  const bodyFacts = async (body) => (body ? { bytes: body.length, sha256: await sha256Hex(body) } : null);
  const requestFacts = async (method) => {
    const seen = received.find((r) => r.method === method);
    return seen ? { streamId: seen.streamId, path: seen.path, ...(await bodyFacts(seen.body)) } : null;
  };
  const responseFacts = async (streamId) => {
    const response = responses.get(streamId);
    return response ? { status: response.status, ...(await bodyFacts(response.body)) } : null;
  };

  return {
    protocol,
    wireBytes,
    closed,
    get: { serverReceived: await requestFacts('GET'), response: await responseFacts(1) },
    post: { serverReceived: await requestFacts('POST'), response: await responseFacts(3) },
    client: { wantRead: client.wantRead(), wantWrite: client.wantWrite() },
  };
}

/** Runs the exchange over every version; never throws, so each runtime reports a failure the same way. */
export async function exchange() {
  const runtime = typeof navigator === 'object' ? navigator.userAgent : 'unknown';
  try {
    const getBody = patternBody(GET_BODY_SEED, BODY_LENGTH);
    const postBody = patternBody(POST_BODY_SEED, BODY_LENGTH);
    const sent = { get: await sha256Hex(getBody), post: await sha256Hex(postBody) };
    const versions = [];
    for (const [protocol, version] of VERSIONS) versions.push(await exchangeOver(protocol, version, getBody, postBody));
    return { ok: true, runtime, bodyLength: BODY_LENGTH, sent, versions };
  } catch (error) {
    return { ok: false, runtime, error: error instanceof Error ? `${error.name}: ${error.message}\n${error.stack}` : String(error) };
  }
}
