/**
 * spdycat and spdyd end to end, as processes: spdyd serves a temporary
 * directory on a free loopback port (TLS with its self-signed certificate,
 * and plain TCP per version), spdycat fetches from it over spdy/3.1, spdy/3
 * and spdy/2, and what comes out is compared byte for byte with the files.
 * Its options are checked by their output (-v in spdylay's frame format,
 * -s, -O, -d, -n, -H, -t), exit statuses as spdylay's spdycat sets them
 * (an HTTP error status is still a completed request: 0; a connection that
 * fails: 1, with a one-line reason), and spdyd's SIGTERM shutdown. One smoke
 * test each against the npm peers: spdycat against the `spdy` server,
 * spdyd against the `spdy-transport` client. Every process is bounded.
 */
import { createRequire } from 'node:module';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT, PROTO_SPDY3_1, SERVER, SYN_REPLY } from '../../src/core/constants.js';
import type { SpdyProtocol } from '../../src/index.js';
import { FrameFactory } from '../helpers/frame-factory.js';
import { FrameReader, framesOfType } from '../helpers/frame-reader.js';
import { PROTOCOLS, patternBytes, readAll, testCertificate, within } from '../helpers/loopback.js';
import { rawClient } from '../helpers/raw-peer.js';
import { collect, installObufPatch } from '../helpers/spdy-transport-peer.js';
import type { PeerConnection } from '../helpers/spdy-transport-peer.js';
import { requireBuiltTools, runSpdycat, startSpdyd, stopSpdyd } from '../helpers/tool-process.js';
import type { RunningSpdyd } from '../helpers/tool-process.js';

const VERSION_FLAG: Record<SpdyProtocol, string> = { 'spdy/3.1': '--spdy3-1', 'spdy/3': '-3', 'spdy/2': '-2' };

const INDEX = Buffer.from('<!doctype html>\n<title>spdyd under test</title>\n<p>hello</p>\n');
const SMALL = Buffer.from('a small text file\n');
const BIG = patternBytes(3 * 512 * 1024 + 123, 42);
const POSTED = patternBytes(200 * 1024 + 7, 5);
const TEXT = Buffer.from(Array.from({ length: 6000 }, (_, i) => `line ${i}: the quick brown fox, ${(i * 7919) % 10007}\n`).join(''));

let site: string;
let scratch: string;
let tlsServer: RunningSpdyd;
const plainServers = new Map<SpdyProtocol, RunningSpdyd>();

beforeAll(async () => {
  requireBuiltTools();
  site = await mkdtemp(join(tmpdir(), 'spdyd-site-'));
  scratch = await mkdtemp(join(tmpdir(), 'spdycat-out-'));
  await writeFile(join(site, 'index.html'), INDEX);
  await writeFile(join(site, 'small.txt'), SMALL);
  await writeFile(join(site, 'big.bin'), BIG);
  await writeFile(join(site, 'text.txt'), TEXT);
  await writeFile(join(scratch, 'posted.bin'), POSTED);
  const [tls, ...plain] = await Promise.all([
    startSpdyd(['--host', '127.0.0.1', '-d', site, '0']),
    ...PROTOCOLS.map((protocol) => startSpdyd(['--host', '127.0.0.1', '-d', site, '--no-tls', VERSION_FLAG[protocol], '0'])),
  ]);
  tlsServer = tls!;
  PROTOCOLS.forEach((protocol, i) => plainServers.set(protocol, plain[i]!));
}, 30_000);

afterAll(async () => {
  const servers = [tlsServer, ...plainServers.values()].filter((s) => s !== undefined);
  const exits = await Promise.all(servers.map((server) => stopSpdyd(server)));
  await rm(site, { recursive: true, force: true });
  await rm(scratch, { recursive: true, force: true });
  // Each shut down gracefully on SIGTERM.
  for (const exit of exits) expect(exit).toEqual({ code: 0, signal: null });
}, 30_000);

interface Target {
  name: string;
  protocol: SpdyProtocol;
  tls: boolean;
}

const TARGETS: Target[] = PROTOCOLS.flatMap((protocol) => [
  { name: `TLS ${protocol}`, protocol, tls: true },
  { name: `TCP ${protocol}`, protocol, tls: false },
]);

/** spdycat's options and the origin for `target`. */
function reach(target: Target): { flags: string[]; origin: string } {
  if (target.tls) return { flags: ['-k', VERSION_FLAG[target.protocol]], origin: `https://127.0.0.1:${tlsServer.port}` };
  const port = plainServers.get(target.protocol)!.port;
  return { flags: ['--no-tls', VERSION_FLAG[target.protocol]], origin: `http://127.0.0.1:${port}` };
}

const plain31: Target = { name: 'TCP spdy/3.1', protocol: 'spdy/3.1', tls: false };
const tls31: Target = { name: 'TLS spdy/3.1', protocol: 'spdy/3.1', tls: true };

/** The non-empty lines of `text`. */
const lines = (text: string) => text.split('\n').filter((l) => l !== '');

describe.concurrent.each(TARGETS)('spdycat against spdyd ($name)', (target) => {
  it('writes a file over 1 MiB to stdout byte for byte', async () => {
    const { flags, origin } = reach(target);
    const result = await runSpdycat([...flags, `${origin}/big.bin`]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.length).toBe(BIG.length);
    expect(result.stdout.equals(BIG)).toBe(true);
  });

  it('-O saves each body under its name (/ as index.html); -s prints the statistics block', async () => {
    const { flags, origin } = reach(target);
    const out = await mkdtemp(join(scratch, 'O-'));
    const uris = [`${origin}/`, `${origin}/small.txt`, `${origin}/big.bin`];
    const result = await runSpdycat([...flags, '-O', '-s', ...uris], { cwd: out });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect((await readFile(join(out, 'index.html'))).equals(INDEX)).toBe(true);
    expect((await readFile(join(out, 'small.txt'))).equals(SMALL)).toBe(true);
    expect((await readFile(join(out, 'big.bin'))).equals(BIG)).toBe(true);

    const text = result.stdout.toString();
    expect(lines(text)[0]).toBe('***** Statistics *****');
    uris.forEach((uri, i) => {
      const entry = new RegExp(
        `^#${i + 1}: ${uri.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\n` +
          '    Status: 200 OK\\n' +
          '    Delta \\(ms\\) from SSL/TLS handshake\\(SYN_STREAM\\):\\n' +
          '        SYN_REPLY: \\d+\\(\\d+\\)\\n' +
          '        Completed: \\d+\\(\\d+\\)\\n\\n',
        'm',
      );
      expect(text).toMatch(entry);
    });
  });
});

describe('spdycat -z against spdyd, which compresses', () => {
  it('gets a text file gzipped and prints it decoded, byte for byte', async () => {
    const { flags, origin } = reach(tls31);
    const result = await runSpdycat([...flags, '-z', `${origin}/text.txt`]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.equals(TEXT)).toBe(true);
    // The frames show that it travelled coded, and smaller.
    const traced = await runSpdycat([...flags, '-z', '-v', '-n', `${origin}/text.txt`]);
    const trace = traced.stdout.toString();
    expect(trace).toMatch(/content-encoding: gzip/);
    expect(trace).not.toMatch(/content-length: /);
    const dataBytes = [...trace.matchAll(/DATA frame .*length=(\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
    expect(dataBytes).toBeGreaterThan(0);
    expect(dataBytes).toBeLessThan(TEXT.length / 2);
  });

  it('without -z the same file comes as it is, with its length', async () => {
    const { flags, origin } = reach(plain31);
    const traced = await runSpdycat([...flags, '-v', '-n', `${origin}/text.txt`]);
    expect(traced.stdout.toString()).toMatch(new RegExp(`content-length: ${TEXT.length}`));
    expect(traced.stdout.toString()).not.toMatch(/content-encoding/);
  });
});

describe('spdycat -v', () => {
  it("prints every frame in spdylay's format (SPDY/3.1 over TLS)", async () => {
    const { flags, origin } = reach(tls31);
    const result = await runSpdycat([...flags, '-v', '-n', `${origin}/index.html`]);
    expect(result.code).toBe(0);
    const text = result.stdout.toString();
    const t = '\\[ *\\d+\\.\\d{3}\\]';
    expect(text).toMatch(new RegExp(`^${t} Handshake complete`, 'm'));
    expect(text).toMatch(new RegExp(`^${t} send SYN_STREAM frame <version=3, flags=1, length=\\d+>\\n {10}\\(stream_id=1, assoc_stream_id=0, pri=3\\)\\n`, 'm'));
    expect(text).toMatch(/^ {10}:method: GET$/m);
    expect(text).toMatch(/^ {10}:path: \/index\.html$/m);
    expect(text).toMatch(/^ {10}:scheme: https$/m);
    // spdyd's SETTINGS: MAX_CONCURRENT_STREAMS 100, as spdylay's spdyd.
    expect(text).toMatch(new RegExp(`^${t} recv SETTINGS frame <version=3, flags=0, length=\\d+>\\n {10}\\(niv=\\d+\\)\\n(?: {10}\\[\\d+\\(\\d+\\):\\d+\\]\\n)*? {10}\\[4\\(0\\):100\\]$`, 'm'));
    expect(text).toMatch(new RegExp(`^${t} recv SYN_REPLY frame <version=3, flags=0, length=\\d+>\\n {10}\\(stream_id=1\\)\\n {10}:status: 200 OK$`, 'm'));
    expect(text).toMatch(new RegExp(`^ {10}content-length: ${INDEX.length}$`, 'm'));
    expect(text).toMatch(new RegExp(`^${t} recv DATA frame \\(stream_id=1, flags=1, length=\\d+\\)$`, 'm'));
    const received = [...text.matchAll(/recv DATA frame \(stream_id=1, flags=\d, length=(\d+)\)/g)].reduce((n, m) => n + Number(m[1]), 0);
    expect(received).toBe(INDEX.length);
    expect(text).toMatch(new RegExp(`^${t} send GOAWAY frame <version=3, flags=0, length=8>\\n {10}\\(last_good_stream_id=0\\)$`, 'm'));
    // No colour when stdout is not a terminal.
    expect(text).not.toContain('\x1b[');
  });

  it('prints version=2 frames over SPDY/2', async () => {
    const { flags, origin } = reach({ name: 'TCP spdy/2', protocol: 'spdy/2', tls: false });
    const result = await runSpdycat([...flags, '-v', '-n', `${origin}/small.txt`]);
    expect(result.code).toBe(0);
    const text = result.stdout.toString();
    expect(text).toMatch(/send SYN_STREAM frame <version=2, flags=1, length=\d+>/);
    expect(text).toMatch(/recv SYN_REPLY frame <version=2, flags=0, length=\d+>/);
    expect(text).toMatch(/send GOAWAY frame <version=2, flags=0, length=4>/);
  });
});

describe('spdycat options', () => {
  it('-d FILE POSTs the file (content-length, DATA ending in FIN) and writes the reply', async () => {
    const { flags, origin } = reach(plain31);
    const result = await runSpdycat([...flags, '-v', '-d', join(scratch, 'posted.bin'), `${origin}/small.txt`]);
    expect(result.code).toBe(0);
    const text = result.stdout.toString();
    expect(text).toMatch(/send SYN_STREAM frame <version=3, flags=0, length=\d+>/);
    expect(text).toMatch(/^ {10}:method: POST$/m);
    expect(text).toMatch(new RegExp(`^ {10}content-length: ${POSTED.length}$`, 'm'));
    const sent = [...text.matchAll(/send DATA frame \(stream_id=1, flags=(\d), length=(\d+)\)/g)];
    expect(sent.reduce((n, m) => n + Number(m[2]), 0)).toBe(POSTED.length);
    expect(sent.at(-1)![1]).toBe('1');
    expect(sent.slice(0, -1).every((m) => m[1] === '0')).toBe(true);
    // spdyd answers any method with the file.
    expect(text).toContain(SMALL.toString());
  });

  it('-d - POSTs standard input', async () => {
    const { flags, origin } = reach(plain31);
    const result = await runSpdycat([...flags, '-v', '-n', '-d', '-', `${origin}/small.txt`], { stdin: POSTED });
    expect(result.code).toBe(0);
    const text = result.stdout.toString();
    expect(text).toMatch(new RegExp(`^ {10}content-length: ${POSTED.length}$`, 'm'));
    const sent = [...text.matchAll(/send DATA frame \(stream_id=1, flags=\d, length=(\d+)\)/g)];
    expect(sent.reduce((n, m) => n + Number(m[1]), 0)).toBe(POSTED.length);
  });

  it('-n throws the bodies away', async () => {
    const { flags, origin } = reach(plain31);
    const result = await runSpdycat([...flags, '-n', `${origin}/big.bin`, `${origin}/small.txt`]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout.length).toBe(0);
  });

  it('a 404 is a completed request: exit status 0 (as spdylay), the error page on stdout', async () => {
    const { flags, origin } = reach(plain31);
    const result = await runSpdycat([...flags, '-s', `${origin}/missing.html`]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const text = result.stdout.toString();
    expect(text).toContain('404');
    expect(text).toMatch(/^ {4}Status: 404 Not Found$/m);
  });

  it('a connection that fails: exit status 1 and a one-line reason', async () => {
    const port = await closedPort();
    const result = await runSpdycat(['--no-tls', '--spdy3-1', `http://127.0.0.1:${port}/`]);
    expect(result.code).toBe(1);
    expect(result.stdout.length).toBe(0);
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(new RegExp(`^spdycat: .*127\\.0\\.0\\.1:${port}.*ECONNREFUSED`));
  });

  it('-t gives up on a request spdyd never answers: exit status 1 and a one-line reason', async () => {
    const { flags, origin } = reach(plain31);
    const result = await runSpdycat([...flags, '-t', '1', `${origin}/small.txt?spdyd_do_not_respond_to_req=yes`], { timeoutMs: 10_000 });
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(/^spdycat: .*timed out after 1000 ms/);
    // spdyd outlives the client that left with its request open, and serves on.
    const next = await runSpdycat([...flags, `${origin}/small.txt`]);
    expect(next.code).toBe(0);
    expect(next.stdout.equals(SMALL)).toBe(true);
    expect(plainServers.get('spdy/3.1')!.child.exitCode).toBeNull();
  });

  it('a TLS server whose certificate is not trusted: exit status 1 without -k', async () => {
    const result = await runSpdycat([`https://127.0.0.1:${tlsServer.port}/`]);
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(/^spdycat: .*(self[- ]signed|certificate)/i);
  });
});

describe("spdyd's answers through spdycat -H", () => {
  it('304 when if-modified-since is not older than the file, with no body', async () => {
    const { flags, origin } = reach(plain31);
    const mtime = (await stat(join(site, 'small.txt'))).mtime;
    const result = await runSpdycat([...flags, '-v', '-H', `if-modified-since: ${mtime.toUTCString()}`, `${origin}/small.txt`]);
    expect(result.code).toBe(0);
    const text = result.stdout.toString();
    expect(text).toMatch(new RegExp(`^ {10}if-modified-since: ${mtime.toUTCString()}$`, 'm'));
    expect(text).toMatch(/recv SYN_REPLY frame <version=3, flags=1, length=\d+>\n {10}\(stream_id=1\)\n {10}:status: 304 Not Modified$/m);
    expect(text).not.toMatch(/recv DATA frame/);
    expect(text).not.toContain(SMALL.toString());
  });

  it('200 when if-modified-since is older than the file', async () => {
    const { flags, origin } = reach(plain31);
    const result = await runSpdycat([...flags, '-H', 'if-modified-since: Thu, 01 Jan 1970 00:00:01 GMT', `${origin}/small.txt`]);
    expect(result.code).toBe(0);
    expect(result.stdout.equals(SMALL)).toBe(true);
  });

  it('404 for a :path that leaves the document root', async () => {
    const { flags, origin } = reach(plain31);
    for (const path of ['/../index.html', '/%2e%2e/index.html', `/..%2f${site.split('/').at(-1)}/index.html`]) {
      const result = await runSpdycat([...flags, '-v', '-n', '-H', `:path: ${path}`, `${origin}/index.html`]);
      expect(result.code).toBe(0);
      const text = result.stdout.toString();
      expect(text).toMatch(new RegExp(`^ {10}:path: ${path.replace(/[.]/g, '\\.')}$`, 'm'));
      expect(text).toMatch(/^ {10}:status: 404 Not Found$/m);
    }
  });

  it('400 for a request without :version (sent as raw frames: spdycat always sends all five mandatory headers)', async () => {
    const port = plainServers.get('spdy/3.1')!.port;
    const raw = await rawClient({ tls: false, protocol: 'spdy/3.1' }, port);
    const factory = new FrameFactory(PROTO_SPDY3_1, CLIENT);
    const reader = new FrameReader(PROTO_SPDY3_1, SERVER);
    const replies: Array<[string, string][]> = [];
    const replied = new Promise<void>((resolve) =>
      raw.socket.on('data', (chunk: Buffer) => {
        for (const reply of framesOfType(reader.read(chunk), SYN_REPLY)) replies.push(reply.nv);
        if (replies.length > 0) resolve();
      }),
    );
    raw.socket.write(
      factory.synStream({ streamId: 1, flags: 1, nv: [[':method', 'GET'], [':path', '/index.html'], [':scheme', 'http'], [':host', `127.0.0.1:${port}`]] }),
    );
    await within(replied, 10_000, 'the SYN_REPLY');
    raw.socket.destroy();
    expect(replies[0]).toContainEqual([':status', '400 Bad Request']);
  });
});

describe('spdyd shutdown', () => {
  it('SIGTERM with no connection: exits 0 at once', async () => {
    const spdyd = await startSpdyd(['--host', '127.0.0.1', '-d', site, '--no-tls', '--spdy3-1', '0']);
    const exit = await within(stopSpdyd(spdyd), 10_000, 'spdyd exiting');
    expect(exit).toEqual({ code: 0, signal: null });
    expect(spdyd.stderr()).toBe('');
  });

  it('SIGTERM sends GOAWAY to open sessions, which can still finish their streams; spdyd exits 0', async () => {
    const spdyd = await startSpdyd(['--host', '127.0.0.1', '-d', site, '--no-tls', '--spdy3-1', '-v', '0']);
    const origin = `http://127.0.0.1:${spdyd.port}`;
    // A request spdyd never answers holds the session open across the signal.
    const fetching = runSpdycat(['--no-tls', '--spdy3-1', '-v', `${origin}/small.txt?spdyd_do_not_respond_to_req=yes`]);
    await waitUntil(() => spdyd.stdout().includes('recv SYN_STREAM'), 'spdyd receiving the request');
    const exit = await within(stopSpdyd(spdyd, 15_000), 15_000, 'spdyd exiting');
    expect(exit).toEqual({ code: 0, signal: null });
    const result = await within(fetching, 15_000, 'spdycat ending');
    const text = result.stdout.toString();
    // GOAWAY naming stream 1 as processed: the stream may still finish.
    expect(text).toMatch(/recv GOAWAY frame <version=3, flags=0, length=8>\n {10}\(last_good_stream_id=1\)$/m);
    // spdyd cut it off after its grace period: the request failed, with one line saying so.
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(/^spdycat: .*small\.txt.*: /);
  }, 30_000);
});

describe('against the npm peers (smoke)', () => {
  it('spdycat fetches from the `spdy` server over TLS', async () => {
    const require = createRequire(import.meta.url);
    const spdy = require('spdy') as {
      createServer(options: object, handler: (req: unknown, res: { writeHead(s: number, h: object): void; end(b: Buffer): void }) => void): net.Server;
    };
    const cert = await testCertificate();
    const server = spdy.createServer({ key: cert.key, cert: cert.cert, spdy: { protocols: ['spdy/3.1', 'spdy/3', 'spdy/2'] } }, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(BIG);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as net.AddressInfo).port;
      const result = await runSpdycat(['-k', `https://127.0.0.1:${port}/big.bin`]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout.equals(BIG)).toBe(true);
    } finally {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as net.Server & { closeAllConnections?: () => void }).closeAllConnections?.();
      });
    }
  });

  it('spdyd serves the `spdy-transport` client (plain TCP, spdy/3.1)', async () => {
    await installObufPatch();
    const require = createRequire(import.meta.url);
    const transport = require('spdy-transport') as {
      connection: { create(socket: net.Socket, options: object): PeerConnection };
    };
    const port = plainServers.get('spdy/3.1')!.port;
    const socket = net.connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const connection = transport.connection.create(socket, { protocol: 'spdy', isServer: false });
    connection.on('error', () => {});
    connection.start(3.1);
    try {
      const stream = connection.request({ method: 'GET', path: '/big.bin', host: `127.0.0.1:${port}`, headers: {} });
      const got = collect(stream);
      const body = await within(readAll(stream), 20_000, 'the body');
      expect(got.status).toBe(200);
      expect(body.equals(BIG)).toBe(true);
    } finally {
      socket.destroy();
    }
  });
});

/** A loopback port nothing listens on (one that was just free). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Polls `check` every 50 ms; rejects after `timeoutMs`. */
async function waitUntil(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
