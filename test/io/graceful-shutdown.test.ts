/**
 * Graceful shutdown of the server: `server.close()` sends GOAWAY (status
 * OK), the streams in flight finish, streams opened after it are refused,
 * and once the last stream is done the connection ends and nothing is left
 * pending.
 *
 * A SYN_STREAM that crosses our GOAWAY on the wire is ignored, as spdylay
 * ignores every SYN_STREAM once a GOAWAY is sent (no reply, no RST_STREAM,
 * no callback): the client learns from the GOAWAY's last-good-stream-id
 * that its stream was never processed and closes it with REFUSED_STREAM
 * (docs/behaviour.md, "Departures from spdylay"). To hold that crossing
 * still, the client here is a core session on a raw socket whose input the
 * test withholds until the crossing SYN_STREAM is out.
 */
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { CLIENT, GOAWAY, GOAWAY_OK, OK, PING, REFUSED_STREAM } from '../../src/core/constants.js';
import { Session } from '../../src/core/api/session.js';
import { connect } from '../../src/index.js';
import type { ServerResponse, SpdyProtocol, SpdyServer } from '../../src/index.js';
import { versionOfProtocol } from '../../src/io/alpn.js';
import { FrameSplitter } from '../helpers/frame-splitter.js';
import type { RawFrame } from '../helpers/frame-splitter.js';
import { listen, readAll, within } from '../helpers/loopback.js';
import type { Listening } from '../helpers/loopback.js';
import { rawClient } from '../helpers/raw-peer.js';
import { requireBuiltTools } from '../helpers/tool-process.js';

const TRANSPORTS: Array<{ name: string; protocol: SpdyProtocol; tls: boolean }> = [
  { name: 'TCP spdy/3.1', protocol: 'spdy/3.1', tls: false },
  { name: 'TCP spdy/3', protocol: 'spdy/3', tls: false },
  { name: 'TCP spdy/2', protocol: 'spdy/2', tls: false },
  { name: 'TLS spdy/3.1', protocol: 'spdy/3.1', tls: true },
];

const BODY = Buffer.alloc(200_000, 'x');

function requestNv(path: string): Array<[string, string]> {
  return [
    [':method', 'GET'],
    [':path', path],
    [':version', 'HTTP/1.1'],
    [':host', '127.0.0.1'],
    [':scheme', 'http'],
  ];
}

/** GOAWAY's last-good-stream-id and status (SPDY/2 has no status: 0). */
function goawayFields(frame: RawFrame): { lastGood: number; status: number } {
  const p = frame.payload;
  const word = (at: number) => ((p[at]! << 24) | (p[at + 1]! << 16) | (p[at + 2]! << 8) | p[at + 3]!) >>> 0;
  return { lastGood: word(0) & 0x7fffffff, status: p.length >= 8 ? word(4) : 0 };
}

let server: SpdyServer | undefined;
afterEach(async () => {
  server?.destroyAll();
  await server?.close();
  server = undefined;
});

/**
 * A server whose first request starts `server.close()` and waits for the
 * test to answer it: `slow` resolves with that response.
 */
async function closingServer(transport: { tls: boolean; protocol: SpdyProtocol }) {
  const urls: string[] = [];
  let serverClosed: Promise<void> | undefined;
  let gotSlow: (res: ServerResponse) => void = () => {};
  const slow = new Promise<ServerResponse>((resolve) => (gotSlow = resolve));
  const up: Listening = await listen(transport, (req, res) => {
    urls.push(req.url);
    serverClosed ??= up.server.close();
    gotSlow(res);
  });
  server = up.server;
  return { up, urls, slow, closed: () => serverClosed! };
}

describe.each(TRANSPORTS)('graceful shutdown ($name)', (transport) => {
  it('GOAWAY lets the stream in flight finish; a SYN_STREAM crossing it is ignored and closes REFUSED_STREAM at the client; then the connection ends', async () => {
    const { up, urls, slow, closed } = await closingServer(transport);

    // The client: a core session whose input the test holds back.
    const closes = new Map<number, number>();
    const bodies = new Map<number, Buffer[]>();
    const client = new Session(CLIENT, versionOfProtocol(transport.protocol), {
      onDataChunkRecvCb: (_s, _flags, streamId, data) => {
        const list = bodies.get(streamId) ?? [];
        list.push(Buffer.from(data));
        bodies.set(streamId, list);
      },
      onStreamCloseCb: (_s, streamId, status) => closes.set(streamId, status),
    });
    const conversation = await rawClient(transport, up.port);
    const socket = conversation.socket;
    const flush = () => {
      for (let out = client.memSend(); out !== null; out = client.memSend()) socket.write(out);
    };
    const splitter = new FrameSplitter();
    const frames: RawFrame[] = [];
    const held: Buffer[] = [];
    let holding = true;
    const waiters: Array<() => void> = [];
    socket.on('data', (chunk: Buffer) => {
      frames.push(...splitter.push(chunk));
      if (holding) held.push(chunk);
      else {
        client.memRecv(chunk);
        flush();
      }
      for (const wake of waiters.splice(0)) wake();
    });
    /** Resolves once the server has sent a frame that passes `test`. */
    const frameSeen = (test: (f: RawFrame) => boolean, what: string) =>
      within(
        new Promise<void>((resolve) => {
          const check = () => (frames.some(test) ? resolve() : waiters.push(check));
          check();
        }),
        10_000,
        what,
      );

    client.submitRequest(3, requestNv('/slow'), null);
    flush();
    const response = await within(slow, 10_000, 'the first request');
    await frameSeen((f) => f.control && f.type === GOAWAY, 'the GOAWAY');

    // The crossing: the client has not read the GOAWAY and opens stream 3.
    // Its PING comes back only once the server has read the SYN_STREAM too.
    client.submitRequest(3, requestNv('/late'), null);
    client.submitPing();
    flush();
    await frameSeen((f) => f.control && f.type === PING, 'the PING echo');
    response.end(BODY);

    holding = false;
    for (const chunk of held.splice(0)) client.memRecv(chunk);
    flush();
    await within(conversation.received, 10_000, 'the connection to end');
    await within(closed(), 10_000, 'server.close()');

    expect(urls).toEqual(['/slow']);
    const goaway = goawayFields(frames.find((f) => f.control && f.type === GOAWAY)!);
    expect(goaway).toEqual({ lastGood: 1, status: GOAWAY_OK });
    // Nothing for stream 3: no reply, no reset, no DATA.
    expect(frames.filter((f) => f.streamId === 3)).toEqual([]);
    expect(closes.get(1)).toBe(OK);
    expect(Buffer.concat(bodies.get(1) ?? [])).toEqual(BODY);
    expect(closes.get(3)).toBe(REFUSED_STREAM);
    expect(up.server.sessions.size).toBe(0);
  });

  it('our client: after the GOAWAY no stream opens (ERR_SPDY_SESSION_CLOSED), the one in flight arrives whole, both ends close', async () => {
    const { up, slow, closed } = await closingServer(transport);
    const session = connect(up.url, up.connectOptions);
    try {
      const goaway = new Promise<number>((resolve) => session.once('goaway', (statusCode: number) => resolve(statusCode)));
      const sessionClosed = new Promise<void>((resolve) => session.once('close', resolve));
      const stream = session.request({ ':path': '/slow' });
      const body = readAll(stream);
      const response = await within(slow, 10_000, 'the request');
      expect(await within(goaway, 10_000, 'the GOAWAY')).toBe(GOAWAY_OK);
      expect(() => session.request({ ':path': '/late' })).toThrow(expect.objectContaining({ code: 'ERR_SPDY_SESSION_CLOSED' }));
      response.end(BODY);
      expect(await within(body, 10_000, 'the body')).toEqual(BODY);
      await within(closed(), 10_000, 'server.close()');
      await within(sessionClosed, 10_000, "the client's close");
      expect(session.error).toBe(null);
    } finally {
      session.destroy();
    }
  });
});

/**
 * What a process does with the built package: a server and a client in one
 * Node process; the request makes the server close(), the response goes
 * out after that. Nothing calls process.exit: the process ends by itself
 * only if close() left no socket, server or timer behind.
 */
const CHILD = (index: string) => `
import { connect, createServer } from ${JSON.stringify(index)};
const server = createServer({ protocol: 'spdy/3.1' }, (req, res) => {
  server.close().then(() => console.log('server closed'));
  setTimeout(() => res.end('x'.repeat(100000)), 50);
});
server.listen(0, '127.0.0.1', async () => {
  const session = connect('http://127.0.0.1:' + server.address().port, { protocol: 'spdy/3.1' });
  session.on('close', () => console.log('client closed'));
  let length = 0;
  for await (const chunk of session.request({ ':path': '/' })) length += chunk.length;
  console.log('body ' + length);
});
`;

describe('graceful shutdown, a whole process', () => {
  it('a process whose server closes with a stream in flight finishes it and exits by itself', async () => {
    requireBuiltTools();
    const index = new URL('../../dist/index.js', import.meta.url).href;
    const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD(index)], { stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('close', (code, signal) => resolve({ code, signal })),
    );
    clearTimeout(killer);
    expect({ ...exit, stderr }).toEqual({ code: 0, signal: null, stderr: '' });
    expect(stdout.split('\n').filter(Boolean).sort()).toEqual(['body 100000', 'client closed', 'server closed']);
  });
});
