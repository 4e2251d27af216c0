/**
 * The spdykube command: its arguments, exec with stdin passed through and
 * the remote exit status as its own, port-forward's "Forwarding from"
 * lines and several ports, the failures as one line on stderr; and the
 * built bin run as a process (SIGTERM ends a port-forward cleanly).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parseSpdykubeArgs, spdykube } from '../../src/kube/cli/index.js';
import { CliUsageError } from '../../src/io/cli/argv.js';
import { patternBytes, sha256, within } from '../helpers/loopback.js';
import { roundTrip, startEchoServer } from './echo-servers.js';
import type { EchoServer } from './echo-servers.js';
import { startKubeServer } from './kube-server.js';
import type { KubeServer } from './kube-server.js';

/** In-memory standard streams; `stop()` plays the user's Ctrl-C. */
function memoryIo(input?: Buffer) {
  const stdin = new PassThrough();
  if (input !== undefined) stdin.end(input);
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  let stop!: () => void;
  const interrupted = new Promise<void>((resolve) => (stop = resolve));
  return {
    io: { stdin, stdout, stderr, interrupted: () => interrupted },
    out: () => Buffer.concat(out),
    err: () => Buffer.concat(err).toString(),
    stop,
  };
}

describe('spdykube arguments', () => {
  it('reads exec, attach and port-forward as kubectl spells them', () => {
    expect(parseSpdykubeArgs(['exec', '-it', '-c', 'web', '--token', 'T', 'https://h:6443/api/v1/namespaces/n/pods/p', '--', 'sh', '-c', 'ls -l'])).toMatchObject({
      command: 'exec',
      stdin: true,
      tty: true,
      container: 'web',
      token: 'T',
      argv: ['sh', '-c', 'ls -l'],
    });
    expect(parseSpdykubeArgs(['port-forward', '-k', 'http://h/api/v1/namespaces/n/pods/p', '8080:80', ':5432', '9000'])).toMatchObject({
      command: 'port-forward',
      insecure: true,
      ports: [
        { local: 8080, remote: 80 },
        { local: 0, remote: 5432 },
        { local: 9000, remote: 9000 },
      ],
    });
    expect(parseSpdykubeArgs(['--help'])).toMatchObject({ command: 'help' });
  });

  it.each([
    [['logs', 'http://h/p'], /unknown command 'logs'/],
    [['exec', 'http://h/p'], /exec needs a command/],
    [['exec', '--cert', 'c', 'http://h/p', '--', 'ls'], /--cert and --key go together/],
    [['port-forward', 'http://h/p'], /at least one/],
    [['port-forward', 'http://h/p', '80:99999'], /remote port must be 1\.\.65535/],
    [['exec', 'ftp://h/p', '--', 'ls'], /must be https: or http:/],
    [['exec', '-x', 'http://h/p', '--', 'ls'], /unknown option '-x'/],
  ])('%j is a usage error', (argv, message) => {
    expect(() => parseSpdykubeArgs(argv)).toThrow(CliUsageError);
    expect(() => parseSpdykubeArgs(argv)).toThrow(message);
  });
});

describe('spdykube against our server', () => {
  let up: KubeServer | undefined;
  let echo: EchoServer | undefined;
  afterEach(async () => {
    await up?.close();
    await echo?.close();
    up = echo = undefined;
  });

  it('exec -i passes stdin through (its EOF included) and returns the remote status', async () => {
    up = await startKubeServer({ token: 'tok' });
    const body = patternBytes(400_000, 2);
    const hashing = memoryIo(body);
    expect(await spdykube(['exec', '-i', '--token', 'tok', up.podUrl, '--', 'sha256'], hashing.io)).toBe(0);
    expect(hashing.out().toString()).toBe(`${sha256(body)} ${body.length}\n`);
    const exiting = memoryIo();
    expect(await spdykube(['exec', '--token', 'tok', up.podUrl, '--', 'exit', '42'], exiting.io)).toBe(42);
    expect(exiting.out().toString()).toBe('exiting with 42\n');
    const denied = memoryIo();
    expect(await spdykube(['exec', up.podUrl, '--', 'ls'], denied.io)).toBe(1);
    expect(denied.err()).toMatch(/^spdykube: unable to upgrade connection: 401 Unauthorized\n$/);
  });

  it('port-forward prints a line per port (the real one for 0), forwards both, stops on interrupt', async () => {
    up = await startKubeServer();
    echo = await startEchoServer('e');
    const run = memoryIo();
    const exited = spdykube(['port-forward', up.podUrl, `0:${echo.port}`, `:${echo.port}`], run.io);
    await within(
      (async () => {
        while (run.out().toString().split('\n').length < 3) await new Promise((r) => setTimeout(r, 5));
      })(),
      10_000,
      'Forwarding lines',
    );
    const lines = run.out().toString().trim().split('\n');
    const ports = lines.map((line) => {
      const match = /^Forwarding from 127\.0\.0\.1:(\d+) -> (\d+)$/.exec(line);
      expect(match).not.toBeNull();
      expect(Number(match![2])).toBe(echo!.port);
      return Number(match![1]);
    });
    expect(ports[0]).not.toBe(ports[1]);
    for (const port of ports) expect((await roundTrip(port, Buffer.from('hi'))).toString()).toBe('ehi');
    run.stop();
    const code = await within(exited, 10_000, 'exit');
    await new Promise((resolve) => setImmediate(resolve));
    expect({ code, err: run.err() }).toEqual({ code: 0, err: '' });
    expect(up.handler.sessions.size).toBe(0);
  });
});

describe('the built spdykube bin', () => {
  const bin = fileURLToPath(new URL('../../dist/bin/spdykube.js', import.meta.url));
  let up: KubeServer | undefined;
  afterEach(async () => {
    await up?.close();
    up = undefined;
  });

  const start = (args: string[]) => {
    if (!existsSync(bin)) throw new Error('dist/bin/spdykube.js is missing: run `npm run build` before these tests (CI does)');
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    return { child, exited, out: () => stdout, err: () => stderr };
  };

  it('exits with the remote command status; SIGTERM ends port-forward with 0', async () => {
    up = await startKubeServer();
    const exec = start(['exec', '-i', up.podUrl, '--', 'cat']);
    exec.child.stdin.end('through a real process\n');
    expect(await within(exec.exited, 20_000, 'exec')).toBe(0);
    expect(exec.out()).toBe('through a real process\n');
    const failing = start(['exec', up.podUrl, '--', 'exit', '9']);
    failing.child.stdin.end();
    expect(await within(failing.exited, 20_000, 'exec')).toBe(9);
    const forward = start(['port-forward', up.podUrl, '0:1']);
    await within(
      (async () => {
        while (!forward.out().includes('Forwarding from')) await new Promise((r) => setTimeout(r, 10));
      })(),
      20_000,
      'Forwarding line',
    );
    forward.child.kill('SIGTERM');
    expect(await within(forward.exited, 20_000, 'port-forward')).toBe(0);
    expect(forward.err()).toBe('');
  });
});
