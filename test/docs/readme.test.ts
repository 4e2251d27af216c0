/**
 * The README's usage example, run as written (its import line aside), so the
 * README cannot drift from the API: a fake socket stands in for a real one,
 * and a server session on the other end answers the request.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as spdylay from '../../src/index.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

function usageExample(): string {
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const example = blocks.find((b) => b.includes("from 'spdylay'"));
  if (example === undefined) throw new Error('README has no ts example importing spdylay');
  return example;
}

describe('README', () => {
  it('the usage example runs against a real server session and gets its reply', () => {
    const code = usageExample();
    const [, names] = /import \{([^}]*)\} from 'spdylay';/.exec(code)!;
    const imported = names!.split(',').map((n) => n.trim()).filter(Boolean);
    const body = code.replace(/import \{[^}]*\} from 'spdylay';/, '');

    const server = new spdylay.Session(spdylay.SERVER, spdylay.PROTO_SPDY3_1, {
      onRequestRecvCb: (s, streamId) => s.submitResponse(streamId, [[':status', '200 OK'], [':version', 'HTTP/1.1']]),
    });
    let onData: ((bytes: Uint8Array) => void) | undefined;
    const socket = {
      write: (bytes: Uint8Array | null) => {
        if (bytes !== null) server.memRecv(bytes);
      },
      on: (_event: string, listener: (bytes: Uint8Array) => void) => {
        onData = listener;
      },
    };
    const log: string[] = [];
    const fakeConsole = { log: (...args: unknown[]) => log.push(args.join(' ')) };

    const run = new Function(...imported, 'socket', 'console', `${body}\nreturn session;`);
    const session = run(...imported.map((n) => (spdylay as Record<string, unknown>)[n]), socket, fakeConsole) as spdylay.Session;

    const reply = server.memSend();
    expect(reply).not.toBeNull();
    onData!(reply!);
    expect(log).toContain(`received ${spdylay.SYN_REPLY}`);
    expect(log).toContain(`closed 1 ${spdylay.OK}`);
    expect(session.wantWrite()).toBe(false);
  });
});
