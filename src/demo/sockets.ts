/**
 * `npm run demo`: the real thing on loopback. Starts spdyd as its own
 * process (TLS, a fresh self-signed certificate, a temporary document
 * root), fetches files from it with the client over spdy/3.1, spdy/3 and
 * spdy/2, and prints what happened: the protocol ALPN negotiated, each
 * response's status, headers, size and SHA-256 checked against the file,
 * the flow control it took (WINDOW_UPDATEs per stream and, in 3.1, for the
 * session), and timings. Exits 0 when everything checked out.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { connect } from '../io/client.js';
import type { ClientSession } from '../io/client.js';
import type { SpdyProtocol } from '../io/alpn.js';
import { WINDOW_UPDATE } from '../core/index.js';
import type { SessionEvent } from '../core/index.js';

interface DemoFile {
  path: string;
  bytes: Buffer;
  note: string;
}

const SPDYD = fileURLToPath(new URL('../bin/spdyd.js', import.meta.url));
const PROTOCOLS: SpdyProtocol[] = ['spdy/3.1', 'spdy/3', 'spdy/2'];
/** Small enough that the demo stays quick, large enough to need many WINDOW_UPDATEs. */
const LARGE = 24 * 1024 * 1024;

async function main(): Promise<number> {
  const root = await mkdtemp(join(tmpdir(), 'spdylay-demo-'));
  const files = await writeFiles(root);
  const spdyd = await startSpdyd(root);
  let failures = 0;
  try {
    console.log(`spdyd (pid ${spdyd.pid}) serves ${root} on https://127.0.0.1:${spdyd.port}/ with a self-signed certificate\n`);
    for (const protocol of PROTOCOLS) failures += await fetchOver(protocol, spdyd.port, files);
  } finally {
    const status = await spdyd.stop();
    console.log(`spdyd stopped by SIGTERM (graceful GOAWAY), exit status ${status}`);
    if (status !== 0) failures++;
    await rm(root, { recursive: true, force: true });
  }
  console.log(failures === 0 ? '\nall checks passed: real bytes crossed a real socket in every version' : `\n${failures} check(s) failed`);
  return failures === 0 ? 0 : 1;
}

async function writeFiles(root: string): Promise<DemoFile[]> {
  const large = Buffer.allocUnsafe(LARGE);
  let x = 2463534242;
  for (let i = 0; i < large.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    large[i] = x & 0xff;
  }
  const files: DemoFile[] = [
    { path: '/index.html', bytes: Buffer.from('<!doctype html><title>spdylay</title><p>Hello over SPDY.</p>\n'), note: 'small page' },
    { path: '/data/info.json', bytes: Buffer.from(`${JSON.stringify({ library: 'spdylay', versions: PROTOCOLS }, null, 2)}\n`), note: 'JSON' },
    { path: '/large.bin', bytes: large, note: `${LARGE >> 20} MiB: stream windows of 1 MiB and a 16 MiB session window (3.1) must be topped up` },
  ];
  for (const file of files) {
    const path = join(root, file.path);
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, file.bytes);
  }
  return files;
}

/** Spawns spdyd on 127.0.0.1 and a free port; resolves once it prints where it listens. */
async function startSpdyd(root: string): Promise<{ pid: number; port: number; stop(): Promise<number> }> {
  const child = spawn(process.execPath, [SPDYD, '--host', '127.0.0.1', '-d', root, '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal === null ? 1 : 128))));
  child.stderr.on('data', (chunk: Buffer) => process.stderr.write(`  spdyd: ${chunk.toString().replace(/^spdyd: /, '')}`));
  const lines = createInterface({ input: child.stdout });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('spdyd did not start within 10 s')), 10_000);
    lines.on('line', (line) => {
      const match = /^listening on .*:(\d+)$/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    void exited.then((code) => reject(new Error(`spdyd exited with status ${code} before listening`)));
  });
  return {
    pid: child.pid!,
    port,
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Counts what flow control cost, from the frames the client saw. */
class FrameCounter {
  windowUpdatesSent = 0;
  sessionWindowUpdatesSent = 0;
  dataFramesReceived = 0;

  readonly trace = (event: SessionEvent): void => {
    if (event.type === 'ctrl-send' && event.frame.type === WINDOW_UPDATE) {
      if (event.frame.streamId === 0) this.sessionWindowUpdatesSent++;
      else this.windowUpdatesSent++;
    } else if (event.type === 'data-recv') {
      this.dataFramesReceived++;
    }
  };
}

async function fetchOver(protocol: SpdyProtocol, port: number, files: DemoFile[]): Promise<number> {
  const counter = new FrameCounter();
  const started = performance.now();
  // The demo trusts spdyd's fresh certificate without knowing it in advance, as `spdycat -k` does.
  const session: ClientSession = connect(`https://127.0.0.1:${port}`, {
    protocols: [protocol],
    tls: { rejectUnauthorized: false },
    trace: counter.trace,
  });
  await new Promise<void>((resolve, reject) => {
    session.once('connect', () => resolve());
    session.once('close', () => reject(session.error ?? new Error('the session closed before connecting')));
  });
  const connectedMs = performance.now() - started;
  console.log(`== ${protocol}: TLS handshake done in ${connectedMs.toFixed(1)} ms, ALPN negotiated "${session.protocol}"`);
  let failures = 0;
  const results = await Promise.all(files.map((file) => fetchOne(session, file)));
  for (const { file, status, headers, body, ms, error } of results) {
    if (error !== undefined) {
      console.log(`   ${file.path}: FAILED: ${error}`);
      failures++;
      continue;
    }
    const hash = sha256(body);
    const ok = status === '200 OK' && hash === sha256(file.bytes) && body.length === file.bytes.length;
    if (!ok) failures++;
    const rate = body.length > 1 << 20 ? `, ${(body.length / 1e6 / (ms / 1000)).toFixed(0)} MB/s` : '';
    console.log(`   GET ${file.path} (${file.note})`);
    console.log(`      ${status}; ${headers}`);
    console.log(`      ${body.length} bytes in ${ms.toFixed(1)} ms${rate}; sha256 ${hash.slice(0, 16)}… ${ok ? 'matches the file' : 'DOES NOT MATCH'}`);
  }
  await session.close();
  const sessionNote = protocol === 'spdy/3.1' ? `, ${counter.sessionWindowUpdatesSent} for the session window` : '';
  const flow =
    protocol === 'spdy/2'
      ? 'no flow control in SPDY/2 (the largest window was announced, so no peer stalls)'
      : `${counter.windowUpdatesSent} stream WINDOW_UPDATEs sent${sessionNote}`;
  console.log(`   ${counter.dataFramesReceived} DATA frames received; ${flow}; session closed with GOAWAY\n`);
  return failures;
}

async function fetchOne(session: ClientSession, file: DemoFile) {
  const t0 = performance.now();
  try {
    const stream = session.request({ ':path': file.path });
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    const h = stream.headers ?? {};
    const headers = ['content-type', 'content-length', 'last-modified', 'server']
      .filter((name) => h[name] !== undefined)
      .map((name) => `${name}: ${String(h[name])}`)
      .join('; ');
    return { file, status: String(h[':status']), headers, body: Buffer.concat(chunks), ms: performance.now() - t0 };
  } catch (error) {
    return { file, status: '', headers: '', body: Buffer.alloc(0), ms: 0, error: (error as Error).message };
  }
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

process.exitCode = await main();
