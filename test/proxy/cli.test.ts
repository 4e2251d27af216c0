/**
 * spdyproxy as a process, as its users run it: it prints `listening on
 * HOST:PORT` with the real port, proxies, writes shrpx's access log to
 * stderr, and on SIGTERM drains (the request in flight finishes) and exits
 * 0. Runs the built bin (dist/); CI builds first, and a missing build is
 * made here.
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connect, request } from '../../src/index.js';
import { readAll, testCertificate, within } from '../helpers/loopback.js';
import { startBackend } from '../helpers/proxy-rig.js';
import type { Backend } from '../helpers/proxy-rig.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'dist', 'bin', 'spdyproxy.js');

let child: ChildProcessWithoutNullStreams | undefined;
let backend: Backend | undefined;
let dir: string | undefined;

beforeAll(async () => {
  if (!existsSync(bin)) {
    await promisify(execFile)(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: root });
  }
}, 120_000);

afterEach(async () => {
  if (child !== undefined && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await new Promise((resolve) => child!.once('exit', resolve));
  }
  await backend?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  child = backend = dir = undefined;
});

/** Starts the bin; resolves with its port once it says where it listens. */
async function run(args: string[]): Promise<{ port: number; stderr: () => string; exited: Promise<number | null> }> {
  const proc = spawn(process.execPath, [bin, ...args], { cwd: root });
  child = proc;
  let out = '';
  let err = '';
  proc.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const port = await within(
    new Promise<number>((resolve, reject) => {
      proc.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /^listening on 127\.0\.0\.1:(\d+)$/m.exec(out);
        if (match !== null) resolve(Number(match[1]));
      });
      proc.once('exit', (code) => reject(new Error(`spdyproxy exited with ${code}: ${err}`)));
    }),
    15_000,
    'listening line',
  );
  return { port, stderr: () => err, exited };
}

describe('the spdyproxy command', () => {
  it('serves TLS with the given key and certificate, and writes the access log', async () => {
    backend = await startBackend((req, res) => res.end(`backend ${req.url}`));
    const cert = await testCertificate();
    dir = mkdtempSync(join(tmpdir(), 'spdyproxy-'));
    writeFileSync(join(dir, 'key.pem'), cert.key);
    writeFileSync(join(dir, 'cert.pem'), cert.cert);
    const proxy = await run(['-b', `127.0.0.1,${backend.port}`, '-f', '127.0.0.1,0', '--accesslog', join(dir, 'key.pem'), join(dir, 'cert.pem')]);
    const url = `https://127.0.0.1:${proxy.port}`;
    const session = connect(url, { tls: { ca: cert.cert } });
    try {
      const res = await within(request(`${url}/cli`, { session }), 10_000, 'GET');
      expect(res.text()).toBe('backend /cli');
      expect(res.protocol).toBe('spdy/3.1');
    } finally {
      await session.close();
    }
    await within(
      new Promise<void>((resolve) => {
        const poll = setInterval(() => /"GET \/cli HTTP\/1\.1"/.test(proxy.stderr()) && (clearInterval(poll), resolve()), 10);
      }),
      5000,
      'access log line',
    );
    const date = '[A-Z][a-z]{2} [A-Z][a-z]{2} [ \\d]\\d \\d{2}:\\d{2}:\\d{2} \\d{4}';
    expect(proxy.stderr()).toMatch(new RegExp(`^127\\.0\\.0\\.1 \\[${date}\\] ACCEPT$`, 'm'));
    expect(proxy.stderr()).toMatch(new RegExp(`^127\\.0\\.0\\.1 \\[${date}\\] 200 1 "GET /cli HTTP/1\\.1"$`, 'm'));
  });

  it('drains on SIGTERM: the request in flight finishes, then it exits 0', async () => {
    let answer: (() => void) | undefined;
    backend = await startBackend((_req, res) => {
      answer = () => res.end('finished after SIGTERM');
    });
    const proxy = await run(['-b', `127.0.0.1,${backend.port}`, '-f', '127.0.0.1,0', '--frontend-spdy-no-tls', '--frontend-spdy-proto', 'spdy/3']);
    const url = `http://127.0.0.1:${proxy.port}`;
    const session = connect(url, { protocol: 'spdy/3' });
    try {
      const body = readAll(session.request({ ':path': '/slow' }));
      await within(
        new Promise<void>((resolve) => {
          const poll = setInterval(() => answer !== undefined && (clearInterval(poll), resolve()), 5);
        }),
        10_000,
        'request at the backend',
      );
      const goaway = new Promise((resolve) => session.once('goaway', resolve));
      child!.kill('SIGTERM');
      await within(goaway, 10_000, 'GOAWAY');
      answer!();
      expect((await within(body, 10_000, 'body')).toString()).toBe('finished after SIGTERM');
      expect(await within(proxy.exited, 10_000, 'exit')).toBe(0);
    } finally {
      session.destroy();
    }
  });
});
