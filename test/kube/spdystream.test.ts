/**
 * Interop with Kubernetes' own SPDY library, spdystream, which has no flow
 * control: our exec and port-forward clients against a kubelet-like Go
 * server, and the Go clients (doing what client-go does) against our
 * server. Bodies go far past 64 KiB both ways (a peer that waits for
 * WINDOW_UPDATE would stall there), stdin EOF is a half-close.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec, portForward } from '../../src/index.js';
import type { ForwardContext } from '../../src/index.js';
import { patternBytes, sha256, within } from '../helpers/loopback.js';
import { roundTrip, startEchoServer } from './echo-servers.js';
import type { EchoServer } from './echo-servers.js';
import { kubepeer, runGoClient, startGoServer } from './go-peer.js';
import type { GoServer } from './go-peer.js';
import { collect, startKubeServer } from './kube-server.js';
import type { KubeServer } from './kube-server.js';

const MiB = 1024 * 1024;

/**
 * Without Go or spdystream every test here fails with the packages to
 * install (a beforeAll that throws would only mark them skipped).
 */
let setupError: unknown = null;
const itGo = (name: string, test: () => Promise<void>) =>
  it(name, async () => {
    if (setupError !== null) throw setupError;
    await test();
  });

beforeAll(async () => {
  await kubepeer().catch((error: unknown) => {
    setupError = error;
  });
}, 240_000);

describe('our clients against the spdystream server (kubepeer serve)', () => {
  let go: GoServer;
  const echoes: EchoServer[] = [];
  beforeAll(async () => {
    if (setupError !== null) return;
    go = await startGoServer();
    for (const tag of ['1', '2']) echoes.push(await startEchoServer(tag));
  });
  afterAll(async () => {
    await go?.stop();
    for (const echo of echoes) await echo.close();
  });

  itGo('exec: 3 MiB through stdin and back, stdin EOF as a half-close, v4 negotiated (the kubelet has no v5)', async () => {
    const body = patternBytes(3 * MiB + 11, 5);
    const proc = await exec(go.podUrl, ['cat'], { stdin: true });
    expect(proc.protocol).toBe('v4.channel.k8s.io');
    const out = collect(proc.stdout!);
    proc.stdin!.end(body);
    expect(sha256(await within(out, 30_000, 'stdout'))).toBe(sha256(body));
    expect(await within(proc.closed, 10_000, 'closed')).toMatchObject({ code: 0, status: { status: 'Success' } });
  });

  itGo('exec: the command sees EOF (sha256 of stdin), and 5 MiB of output in 1 MiB DATA frames arrive whole', async () => {
    const body = patternBytes(200_000, 9);
    const hashing = await exec(go.podUrl, ['sha256'], { stdin: true });
    const out = collect(hashing.stdout!);
    hashing.stdin!.end(body);
    expect((await within(out, 20_000, 'sha256')).toString()).toBe(`${sha256(body)} ${body.length}\n`);
    await hashing.closed;
    const emitting = await exec(go.podUrl, ['emit', String(5 * MiB), '4']);
    expect(sha256(await within(collect(emitting.stdout!), 30_000, 'emit'))).toBe(sha256(patternBytes(5 * MiB, 4)));
    expect((await emitting.closed).code).toBe(0);
  });

  itGo('exec: exit codes, stderr, a command that cannot run, and the older protocols', async () => {
    const exiting = await exec(go.podUrl, ['exit', '3']);
    const out = collect(exiting.stdout!);
    expect(await within(exiting.exit, 10_000, 'exit')).toMatchObject({ code: 3, status: { reason: 'NonZeroExitCode' } });
    expect((await out).toString()).toBe('exiting with 3\n');
    const stderr = await exec(go.podUrl, ['stderr', 'on', 'stderr']);
    expect((await collect(stderr.stderr!)).toString()).toBe('on stderr');
    expect((await stderr.closed).code).toBe(0);
    const failing = await exec(go.podUrl, ['fail', 'container not running']);
    await expect(failing.closed).rejects.toMatchObject({ code: 'ERR_KUBE_EXEC_FAILED', message: expect.stringContaining('container not running') });
    const v2 = await exec(go.podUrl, ['exit', '5'], { protocols: ['v2.channel.k8s.io'] });
    expect(v2.protocol).toBe('v2.channel.k8s.io');
    await expect(v2.closed).rejects.toMatchObject({ code: 'ERR_KUBE_EXEC_FAILED', message: expect.stringContaining('exit status 5') });
    const v1 = await exec(go.podUrl, ['emit', '100000'], { protocols: ['channel.k8s.io'] });
    expect(sha256(await collect(v1.stdout!))).toBe(sha256(patternBytes(100_000)));
    expect((await v1.closed).code).toBe(0);
  });

  itGo('port-forward: two ports, 24 concurrent connections of up to 1 MiB each way on one connection', async () => {
    const forwarder = await portForward(go.podUrl, echoes.map((e) => `0:${e.port}`));
    try {
      const jobs = Array.from({ length: 24 }, (_, i) => {
        const body = patternBytes(i % 6 === 0 ? MiB : 70_000 + i * 1013, i + 7);
        return roundTrip(forwarder.ports[i % 2]!.local, body).then((reply) => ({ i, reply, body }));
      });
      for (const { i, reply, body } of await within(Promise.all(jobs), 60_000, 'round trips')) {
        expect(reply.subarray(0, 1).toString()).toBe(String((i % 2) + 1));
        expect(sha256(reply.subarray(1))).toBe(sha256(body));
      }
    } finally {
      await forwarder.close();
    }
  });

  itGo('port-forward: the server\'s error message fails only its own connection', async () => {
    const gone = await startEchoServer();
    const deadPort = gone.port;
    await gone.close();
    const forwarder = await portForward(go.podUrl, [`0:${deadPort}`, `0:${echoes[0]!.port}`]);
    try {
      const failed = new Promise<[Error, ForwardContext]>((resolve) => forwarder.once('forwardError', (e: Error, c: ForwardContext) => resolve([e, c])));
      await roundTrip(forwarder.ports[0]!.local, Buffer.from('x')).catch(() => null);
      const [error, context] = await within(failed, 10_000, 'forwardError');
      expect(error.message).toContain(`error forwarding port ${deadPort}`);
      expect(context.remote).toBe(deadPort);
      expect((await roundTrip(forwarder.ports[1]!.local, Buffer.from('alive'))).toString()).toBe('1alive');
    } finally {
      await forwarder.close();
    }
  });
});

describe('the spdystream clients (kubepeer exec / forward) against our server', () => {
  let up: KubeServer;
  let echo: EchoServer;
  beforeAll(async () => {
    up = await startKubeServer();
    echo = await startEchoServer();
  });
  afterAll(async () => {
    await up?.close();
    await echo?.close();
  });

  interface ExecResult {
    protocol: string;
    stdoutSha256: string;
    stdoutLength: number;
    stderr: string;
    error: string;
  }

  const url = (query: string) => `${up.podUrl}/exec?${query}`;

  itGo('exec: 3 MiB of stdin echoed back, EOF delivered, a Success Status on the error channel', async () => {
    const size = 3 * MiB + 1;
    const result = await runGoClient<ExecResult>(['exec', url('command=cat&stdin=true&stdout=true&stderr=true&tty=false'), String(size)]);
    expect(result.protocol).toBe('v5.channel.k8s.io');
    expect(result.stdoutLength).toBe(size);
    expect(result.stdoutSha256).toBe(sha256(patternBytes(size, 3)));
    expect(JSON.parse(result.error)).toMatchObject({ kind: 'Status', status: 'Success' });
  });

  itGo('exec: an exit code as client-go reads it, stderr on its own channel, v4 and v2', async () => {
    const exiting = await runGoClient<ExecResult>(['exec', url('command=exit&command=7&stdout=true&stderr=true'), '0', 'v4.channel.k8s.io']);
    expect(exiting.protocol).toBe('v4.channel.k8s.io');
    expect(JSON.parse(exiting.error)).toMatchObject({
      status: 'Failure',
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: '7' }] },
    });
    const stderr = await runGoClient<ExecResult>(['exec', url('command=stderr&command=hello&stdout=1&stderr=1'), '0']);
    expect(stderr.stderr).toBe('hello');
    const v2 = await runGoClient<ExecResult>(['exec', url('command=exit&command=2&stdout=true'), '0', 'v2.channel.k8s.io']);
    expect(v2.error).toContain('non-zero exit code');
  });

  itGo('exec: 2 MiB of output read by spdystream', async () => {
    const result = await runGoClient<ExecResult>(['exec', url(`command=emit&command=${2 * MiB}&command=6&stdout=true`), '0']);
    expect(result.stdoutLength).toBe(2 * MiB);
    expect(result.stdoutSha256).toBe(sha256(patternBytes(2 * MiB, 6)));
  });

  itGo('port-forward: 20 concurrent connections of 300 KiB each way, every one echoed intact', async () => {
    const result = await runGoClient<{ protocol: string; results: Array<{ sent: string; received: string; length: number; error: string }> }>([
      'forward',
      `${up.podUrl}/portforward`,
      String(echo.port),
      '20',
      String(300 * 1024),
    ]);
    expect(result.protocol).toBe('portforward.k8s.io');
    expect(result.results).toHaveLength(20);
    for (const [i, r] of result.results.entries()) {
      expect(r).toMatchObject({ error: '', length: 300 * 1024 + i });
      expect(r.received).toBe(r.sent);
    }
  });
});
