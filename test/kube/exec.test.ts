/**
 * exec and attach, our client against our server: the channels, stdin EOF
 * as a half-close, exit codes and failures on the error channel in every
 * protocol version, bodies far past 64 KiB both ways (no flow control),
 * the upgrade's failures, and a server that dies mid-command.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { attach, exec, KubeError } from '../../src/index.js';
import type { RemoteProcess } from '../../src/index.js';
import { patternBytes, sha256, within } from '../helpers/loopback.js';
import { collect, startKubeServer } from './kube-server.js';
import type { KubeServer } from './kube-server.js';

const big = patternBytes(5 * 1024 * 1024 + 3, 7);

describe('exec: our client against our server', () => {
  let up: KubeServer | undefined;
  let proc: RemoteProcess | undefined;
  afterEach(async () => {
    await proc?.close();
    await up?.close();
    up = proc = undefined;
  });

  it('runs a command, streams megabytes through stdin and back, ends stdin with a half-close', async () => {
    up = await startKubeServer();
    proc = await exec(up.podUrl, ['cat'], { stdin: true });
    expect(proc.protocol).toBe('v5.channel.k8s.io');
    const out = collect(proc.stdout!);
    proc.stdin!.end(big);
    expect(sha256(await within(out, 20_000, 'stdout'))).toBe(sha256(big));
    await expect(within(proc.closed, 10_000, 'closed')).resolves.toEqual({ code: 0, message: '', status: expect.objectContaining({ status: 'Success' }) });
  });

  it('reports a non-zero exit code with the output before it', async () => {
    up = await startKubeServer();
    proc = await exec(up.podUrl, ['exit', '3']);
    const [out, err] = [collect(proc.stdout!), collect(proc.stderr!)];
    const status = await within(proc.exit, 10_000, 'exit');
    expect(status.code).toBe(3);
    expect(status.message).toContain('non-zero exit code');
    expect((await out).toString()).toBe('exiting with 3\n');
    expect((await err).toString()).toBe('');
  });

  it.each([
    ['v4.channel.k8s.io', 4],
    ['v3.channel.k8s.io', 3],
    ['v2.channel.k8s.io', 2],
    ['channel.k8s.io', 1],
  ] as const)('speaks %s when offered only that', async (protocol, version) => {
    up = await startKubeServer();
    proc = await exec(up.podUrl, ['emit', '200000'], { protocols: [protocol] });
    expect(proc.protocol).toBe(protocol);
    expect(proc.protocolVersion).toBe(version);
    expect(sha256(await collect(proc.stdout!))).toBe(sha256(patternBytes(200000)));
    expect((await within(proc.exit, 10_000, 'exit')).code).toBe(0);
  });

  it('a non-zero exit in v1-v3 is the error text (the protocol carries no code)', async () => {
    up = await startKubeServer();
    proc = await exec(up.podUrl, ['exit', '4'], { protocols: ['v3.channel.k8s.io'] });
    await expect(within(proc.exit, 10_000, 'exit')).rejects.toMatchObject({ code: 'ERR_KUBE_EXEC_FAILED', message: expect.stringContaining('non-zero exit code') });
  });

  it('a command that cannot run is ERR_KUBE_EXEC_FAILED with the Status', async () => {
    up = await startKubeServer();
    proc = await exec(up.podUrl, ['fail', 'no such container']);
    const error = await within(proc.exit, 10_000, 'exit').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeError);
    expect(error).toMatchObject({ code: 'ERR_KUBE_EXEC_FAILED', status: { reason: 'InternalError' } });
    expect((error as Error).message).toContain('no such container');
    await expect(proc.closed).rejects.toBe(error);
  });

  it('stderr is its own channel; with a tty there is none, and resizes arrive in order', async () => {
    up = await startKubeServer();
    proc = await exec(up.podUrl, ['stderr', 'to', 'stderr']);
    const err = collect(proc.stderr!);
    expect((await err).toString()).toBe('to stderr');
    await proc.close();
    proc = await exec(up.podUrl, ['resize', '3'], { tty: true, terminalSize: { width: 80, height: 24 } });
    expect(proc.stderr).toBeNull();
    expect(proc.resize(100, 40)).toBe(true);
    expect(proc.resize(120, 50)).toBe(true);
    expect((await within(collect(proc.stdout!), 10_000, 'sizes')).toString()).toBe('80x24,100x40,120x50');
    expect(() => proc!.resize(-1, 5)).toThrow(KubeError);
  });

  it('attach wires the same channels', async () => {
    up = await startKubeServer();
    proc = await attach(up.podUrl, { stdin: true, stderr: false });
    const out = collect(proc.stdout!);
    proc.stdin!.end('attached');
    expect((await out).toString()).toBe('attached');
    expect((await proc.exit).code).toBe(0);
  });
});

describe('exec: failures are clear errors, nothing hangs', () => {
  let up: KubeServer | undefined;
  afterEach(async () => {
    await up?.close();
    up = undefined;
  });

  it('401 with a Status body when the token is wrong', async () => {
    up = await startKubeServer({ token: 'right' });
    const error = await exec(up.podUrl, ['cat'], { token: 'wrong' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_KUBE_UPGRADE_REFUSED', httpStatus: 401, status: { reason: 'Unauthorized' } });
    const proc = await exec(up.podUrl, ['emit', '10'], { token: 'right' });
    expect((await collect(proc.stdout!)).length).toBe(10);
    await proc.closed;
  });

  it('403 naming the accepted protocols when none matches', async () => {
    up = await startKubeServer({ execProtocols: ['v4.channel.k8s.io'] });
    const error = await exec(up.podUrl, ['cat'], { protocols: ['v2.channel.k8s.io'] }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_KUBE_UPGRADE_REFUSED', httpStatus: 403 });
    expect((error as Error).message).toContain('the server accepts v4.channel.k8s.io');
  });

  it('404 with a Status for a path that is not a streaming endpoint', async () => {
    up = await startKubeServer();
    const error = await exec(up.podUrl.replace('/pods/test-pod', '/services/x'), ['cat']).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_KUBE_UPGRADE_REFUSED', httpStatus: 404, status: { reason: 'NotFound' } });
  });

  it('a server that dies mid-command fails exit and closed with the lost connection', async () => {
    up = await startKubeServer({ exec: () => new Promise<number>(() => {}) });
    const proc = await exec(up.podUrl, ['hang'], { stdin: true });
    for (const session of up.handler.sessions) session.destroy();
    await expect(within(proc.exit, 10_000, 'exit')).rejects.toMatchObject({ code: 'ERR_SPDY_CONNECTION_LOST' });
    await expect(within(proc.closed, 10_000, 'closed')).rejects.toMatchObject({ code: 'ERR_SPDY_CONNECTION_LOST' });
  });
});
