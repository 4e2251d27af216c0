/**
 * Valid byte streams to corrupt: a client and a server of one version run a
 * small scripted exchange (requests with bodies, SETTINGS, PING,
 * WINDOW_UPDATE, RST_STREAM, GOAWAY) and every byte each side sent is kept.
 * `prime` replays the target side's own part of the script on a fresh
 * session, so that the recorded peer stream is valid input for it until
 * the first corrupted byte.
 */
import {
  CANCEL,
  CLIENT,
  GOAWAY_OK,
  PROTO_SPDY3_1,
  READ_EOF,
  SERVER,
  SETTINGS_INITIAL_WINDOW_SIZE,
  SETTINGS_MAX_CONCURRENT_STREAMS,
} from '../../src/core/constants.js';
import { DataProvider } from '../../src/core/api/data-provider.js';
import { Session } from '../../src/core/api/session.js';
import type { SessionOptions } from '../../src/core/api/session.js';
import type { ReadControl } from '../../src/core/session/outbound.js';

export interface Script {
  version: number;
  /** Request body sizes (null: no body). */
  requests: Array<number | null>;
  responseSize: number;
  clientWindow: number | null;
  serverWindow: number | null;
  ping: boolean;
  /** Client cancels its first stream after the exchange. */
  cancelFirst: boolean;
  goaway: 'client' | 'server' | null;
}

export const REQUEST_NV: Array<[string, string]> = [
  [':method', 'POST'],
  [':path', '/upload'],
  [':version', 'HTTP/1.1'],
  [':host', 'example.org'],
  [':scheme', 'https'],
  ['user-agent', 'garbage-test'],
];
export const RESPONSE_NV: Array<[string, string]> = [
  [':status', '200 OK'],
  [':version', 'HTTP/1.1'],
  ['content-type', 'text/plain'],
];

/** A provider of `size` bytes (k mod 251), all read calls answered at once. */
export function fixedBody(size: number): DataProvider<null> {
  let offset = 0;
  return new DataProvider(null, (_s, _id, length: number, ctrl: ReadControl) => {
    const n = Math.min(length, size - offset);
    const chunk = Uint8Array.from({ length: n }, (_, k) => (offset + k) % 251);
    offset += n;
    if (offset === size) ctrl.flags = READ_EOF;
    return chunk;
  });
}

/** The server's part: answer every complete request. */
export function serverCallbacks(responseSize: number): SessionOptions {
  return {
    onRequestRecvCb: (s, streamId) => s.submitResponse(streamId, RESPONSE_NV, responseSize > 0 ? fixedBody(responseSize) : null),
  };
}

/** Submits `side`'s opening frames of the script (before any input). */
export function prime(session: Session, side: 'client' | 'server', script: Script): void {
  const window = side === 'client' ? script.clientWindow : script.serverWindow;
  if (window !== null) session.submitSettings(0, [[SETTINGS_INITIAL_WINDOW_SIZE, 0, window]]);
  if (side === 'server') session.submitSettings(0, [[SETTINGS_MAX_CONCURRENT_STREAMS, 0, 100]]);
  if (side === 'client') {
    for (const size of script.requests) session.submitRequest(3, REQUEST_NV, size === null ? null : fixedBody(size));
  }
  if (script.ping) session.submitPing();
}

/** Runs the script between two fresh sessions; returns each side's output as one stream. */
export function recordExchange(script: Script): { client: Uint8Array; server: Uint8Array } {
  const client = new Session(CLIENT, script.version);
  const server = new Session(SERVER, script.version, serverCallbacks(script.responseSize));
  prime(client, 'client', script);
  prime(server, 'server', script);
  const wrote = { client: [] as Uint8Array[], server: [] as Uint8Array[] };
  const pump = () => {
    for (let round = 0; round < 1000; round++) {
      let moved = false;
      for (const [name, from, to] of [['client', client, server], ['server', server, client]] as const) {
        for (let out = from.memSend(); out !== null; out = from.memSend()) {
          wrote[name].push(out);
          to.memRecv(out);
          moved = true;
        }
      }
      if (!moved) return;
    }
    throw new Error('the recording never settled');
  };
  pump();
  if (script.cancelFirst && script.requests.length > 0) client.submitRstStream(1, CANCEL);
  if (script.version === PROTO_SPDY3_1) client.submitWindowUpdate(0, 1000);
  if (script.goaway !== null) (script.goaway === 'client' ? client : server).submitGoaway(GOAWAY_OK);
  pump();
  return { client: join(wrote.client), server: join(wrote.server) };
}

function join(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
