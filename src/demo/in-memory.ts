/**
 * The demo behind `npm run demo` until the Node I/O layer lands: for each
 * protocol version, a client and a server Session wired back to back in
 * memory, a GET and a POST exchanged, and every frame printed as it goes
 * over the wire.
 */
import {
  DataProvider,
  GOAWAY_OK,
  PROTO_SPDY2,
  PROTO_SPDY3,
  PROTO_SPDY3_1,
  READ_EOF,
  SERVER,
  CLIENT,
  SETTINGS_MAX_CONCURRENT_STREAMS,
  Session,
  FLAG_SETTINGS_NONE,
  ID_FLAG_SETTINGS_NONE,
  statusCodeName,
  SYN_REPLY,
  SYN_STREAM,
} from '../core/index.js';
import type { NameValue, ReadCallback, SessionOptions } from '../core/index.js';
import { formatCtrlFrame, formatDataFrame } from '../io/cli/trace.js';

const VERSIONS: Array<[string, number]> = [
  ['spdy/2', PROTO_SPDY2],
  ['spdy/3', PROTO_SPDY3],
  ['spdy/3.1', PROTO_SPDY3_1],
];

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Reads a Uint8Array source to its end, as many frames as the session asks for. */
interface ByteSource {
  data: Uint8Array;
  offset: number;
}

const readBytes: ReadCallback<ByteSource> = (_s, _id, length, ctrl, source) => {
  const chunk = source.data.subarray(source.offset, source.offset + length);
  source.offset += chunk.length;
  if (source.offset >= source.data.length) ctrl.flags = READ_EOF;
  return chunk;
};

function body(text: string): DataProvider<ByteSource> {
  const source: ByteSource = { data: encoder.encode(text), offset: 0 };
  return new DataProvider(source, readBytes);
}

/** Callbacks that print every frame a side sends, under the side's name. */
function tracing(side: string, out: string[]): SessionOptions {
  const indent = ' '.repeat(side.length + 1);
  const print = (lines: string[]) => lines.forEach((line, i) => out.push(`${i === 0 ? side : indent} ${line}`));
  return {
    onCtrlSendCb: (_s, frame) => print(formatCtrlFrame('send', frame)),
    onDataSendCb: (_s, flags, streamId, length) => print([formatDataFrame('send', flags, streamId, length)]),
  };
}

export function runVersion(name: string, version: number): string[] {
  const out: string[] = [`=== ${name} ===`];
  const requestBodies = new Map<number, Uint8Array[]>();
  const responses = new Map<number, { status: string; body: string }>();

  const server: Session = new Session(SERVER, version, {
    ...tracing('server', out),
    onCtrlRecvCb: (_s, frame) => {
      if (frame.frameType === SYN_STREAM) requestBodies.set(frame.streamId, []);
    },
    onDataChunkRecvCb: (_s, _flags, streamId, data) => requestBodies.get(streamId)?.push(data.slice()),
    onRequestRecvCb: (s, streamId) => {
      const received = decoder.decode(Buffer.concat(requestBodies.get(streamId) ?? []));
      const text = received === '' ? 'Hello from spdylay\n' : `echo: ${received}\n`;
      const nv: NameValue[] = [
        [':status', '200 OK'],
        [':version', 'HTTP/1.1'],
        ['content-type', 'text/plain'],
      ];
      s.submitResponse(streamId, nv, body(text));
    },
  });

  const client: Session = new Session(CLIENT, version, {
    ...tracing('client', out),
    onCtrlRecvCb: (_s, frame) => {
      if (frame.frameType === SYN_REPLY) {
        const status = frame.nv.find(([n]) => n === ':status')?.[1] ?? '?';
        responses.set(frame.streamId, { status, body: '' });
      }
    },
    onDataChunkRecvCb: (_s, _flags, streamId, data) => {
      const response = responses.get(streamId);
      if (response) response.body += decoder.decode(data);
    },
    onStreamCloseCb: (_s, streamId, statusCode) => {
      const response = responses.get(streamId);
      out.push(`client: stream ${streamId} closed (${statusCodeName(statusCode)}): ${response?.status} ${JSON.stringify(response?.body)}`);
    },
  });

  const request = (method: string, path: string): NameValue[] => [
    [':method', method],
    [':path', path],
    [':version', 'HTTP/1.1'],
    [':scheme', 'https'],
    [':host', 'localhost'],
  ];
  client.submitSettings(FLAG_SETTINGS_NONE, [[SETTINGS_MAX_CONCURRENT_STREAMS, ID_FLAG_SETTINGS_NONE, 100]]);
  client.submitRequest(3, request('GET', '/'));
  client.submitRequest(3, request('POST', '/echo'), body('ping over SPDY'));
  client.submitPing();

  pump(client, server);
  client.submitGoaway(GOAWAY_OK);
  pump(client, server);
  return out;
}

/** Moves bytes both ways until neither side has anything to send. */
function pump(a: Session, b: Session): void {
  for (let round = 0; round < 1000; round++) {
    const ab = a.memSend();
    if (ab !== null) b.memRecv(ab);
    const ba = b.memSend();
    if (ba !== null) a.memRecv(ba);
    if (ab === null && ba === null) return;
  }
  throw new Error('the sessions did not settle');
}

for (const [name, version] of VERSIONS) console.log(runVersion(name, version).join('\n') + '\n');
