/**
 * The README's examples, run as written (their import lines aside) against
 * real servers on loopback, so the README cannot drift from the API. Each
 * example is a ```ts block whose first line is `// example: NAME`; the free
 * names it uses (url, ca, key, cert, port) are given to it, and what it
 * logs is checked.
 */
import { readFileSync } from 'node:fs';
import * as https from 'node:https';
import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import * as spdylay from '../../src/index.js';
import { listen, patternBytes, testCertificate, within } from '../helpers/loopback.js';
import type { Listening } from '../helpers/loopback.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The body of the example block NAME, its imports split off. */
function example(name: string): { code: string; imports: Record<string, unknown> } {
  const blocks = [...readme.matchAll(/```ts\n\/\/ example: ([\w-]+)\n([\s\S]*?)```/g)];
  const block = blocks.find((m) => m[1] === name);
  if (block === undefined) throw new Error(`README has no example named ${name}`);
  const imports: Record<string, unknown> = {};
  const code = block[2]!.replace(/import \{([^}]*)\} from '([^']+)';\n/g, (_, names: string, from: string) => {
    const module: Record<string, unknown> = from === 'spdylay' ? spdylay : from === 'node:net' ? net : {};
    for (const n of names.split(',').map((s) => s.trim()).filter(Boolean)) {
      if (!(n in module)) throw new Error(`the README imports ${n} from ${from}, which does not export it`);
      imports[n] = module[n];
    }
    return '';
  });
  return { code, imports };
}

/** Runs an example with `given` free names and a console that records; returns its variable `returned`. */
function run(name: string, given: Record<string, unknown>, returned?: string): { log: string[]; result: unknown } {
  const { code, imports } = example(name);
  const log: string[] = [];
  const fakeConsole = { log: (...args: unknown[]) => log.push(args.map(String).join(' ')) };
  const names = [...Object.keys(imports), ...Object.keys(given), 'console'];
  const values = [...Object.values(imports), ...Object.values(given), fakeConsole];
  const result = new Function(...names, `${code}\nreturn ${returned ?? 'undefined'};`)(...values);
  return { log, result };
}

/** run() for an example that awaits at its top level: resolves with its log once it has finished. */
async function runAsync(name: string, given: Record<string, unknown>): Promise<string[]> {
  const { code, imports } = example(name);
  const log: string[] = [];
  const fakeConsole = { log: (...args: unknown[]) => log.push(args.map(String).join(' ')) };
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...values: unknown[]) => Promise<void>;
  const names = [...Object.keys(imports), ...Object.keys(given), 'console'];
  await new AsyncFunction(...names, code)(...Object.values(imports), ...Object.values(given), fakeConsole);
  return log;
}

const until = async (condition: () => boolean, what: string) =>
  within(
    (async () => {
      while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
    })(),
    10_000,
    what,
  );

describe('README examples', () => {
  let up: Listening | undefined;
  afterEach(async () => {
    up?.server.destroyAll();
    await up?.server.close();
    up = undefined;
  });

  it('client: fetches a page over TLS, reads the body, pings, closes', async () => {
    up = await listen({ tls: true, protocol: 'spdy/3.1' }, (req, res) => res.end(`hello ${req.url}`));
    const { cert } = await testCertificate();
    const { log } = run('client', { url: up.url, ca: cert });
    await until(() => log.some((l) => l.startsWith('ping')), 'client example');
    expect(log[0]).toBe('status 200 OK');
    expect(log[1]).toBe('body hello /hello');
    expect(log[2]).toMatch(/^ping [\d.]+ ms$/);
  });

  it('server: answers and pushes over TLS', async () => {
    const { key, cert } = await testCertificate();
    const { log, result } = run('server', { key, cert }, 'server');
    const server = result as spdylay.SpdyServer;
    await until(() => log.length > 0, 'listening');
    const port = server.address().port;
    try {
      const session = spdylay.connect(`https://127.0.0.1:${port}`, { tls: { ca: cert }, protocols: ['spdy/3'] });
      const pushed = new Promise<string>((resolve) => {
        session.once('push', (stream: spdylay.PushedStream) => resolve(String(stream.headers?.[':path'])));
      });
      const res = await within(spdylay.request(`https://127.0.0.1:${port}/`, { session }), 10_000, 'request');
      expect(res.text()).toBe('GET / over spdy/3\n');
      expect(await within(pushed, 10_000, 'push')).toBe('/style.css');
      await session.close();
      expect(log[0]).toBe(`listening on ${port}`);
    } finally {
      await server.close();
    }
  });

  it('sans-io: a Session over a plain socket reads a body far past 64 KiB without stalling', async () => {
    const body = patternBytes(300 * 1024);
    up = await listen({ tls: false, protocol: 'spdy/3.1' }, (_req, res) => res.end(body));
    const { log, result } = run('sans-io', { port: up.port }, 'session');
    const session = result as spdylay.Session;
    await until(() => log.some((l) => l.startsWith('closed')), 'sans-io example');
    await until(() => !session.wantRead() && !session.wantWrite(), 'the session ends');
    const received = log.filter((l) => l.startsWith('data 1 ')).reduce((n, l) => n + Number(l.split(' ')[2]), 0);
    expect(received).toBe(body.length);
    expect(log).toContain(`received ${spdylay.SYN_REPLY}`);
    expect(log.at(-1)).toBe(`closed 1 ${spdylay.OK}`);
    expect(log.some((l) => l.startsWith('socket error'))).toBe(false);
  });
});

describe('README example: Kubernetes', () => {
  it('kube: runs a command with stdin over TLS with a token, then lists two forwarded ports', async () => {
    const { key, cert } = await testCertificate();
    const kube = spdylay.createKubeSpdyHandler({
      token: 'readme-token',
      exec: async (run) => {
        let length = 0;
        for await (const chunk of run.stdin!) length += (chunk as Buffer).length;
        run.stdout!.write(`${length}\n`);
        return run.command.join(' ') === 'sh -c wc -c' ? 0 : 1;
      },
      portForward: { host: '127.0.0.1' },
    });
    const server = https.createServer({ key, cert });
    server.on('upgrade', kube.upgrade);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const apiServer = `https://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
      const log = await within(runAsync('kube', { apiServer, token: 'readme-token', ca: cert }), 20_000, 'kube example');
      expect(log.slice(0, 2)).toEqual(['stdout 6', 'exit code 0']);
      expect(log.slice(2).map((l) => l.replace(/:\d+ /, ':PORT '))).toEqual(['forwarding 127.0.0.1:PORT -> 80', 'forwarding 127.0.0.1:PORT -> 443']);
    } finally {
      await kube.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('README example blocks', () => {
  /** The examples the tests above run. */
  const RUN_HERE = ['client', 'server', 'sans-io', 'kube'];

  it('every ts block is a named example, and each one runs in a test here', () => {
    const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
    const names = blocks.map((block) => /^\/\/ example: ([\w-]+)\n/.exec(block)?.[1] ?? '(a ts block without "// example: NAME")');
    expect(names.sort()).toEqual([...RUN_HERE].sort());
  });
});
