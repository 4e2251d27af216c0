/**
 * What the adapters offer protocols over SPDY that are not HTTP, as
 * Kubernetes' channels are: sessions without flow control (bulk both ways,
 * no WINDOW_UPDATE or INITIAL_WINDOW_SIZE on the wire, a slow reader pauses
 * the connection), streams that carry exactly the headers given, and a
 * peer's RST_STREAM CANCEL taken as the end of a stream.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { connect, createServer } from '../../src/index.js';
import type { ClientSession, ServerStream, SessionEvent, SpdyServer } from '../../src/index.js';
import type { Readable } from 'node:stream';
import { patternBytes, sha256, within } from '../helpers/loopback.js';

const big = patternBytes(3 * 1024 * 1024 + 5);
const WINDOW_UPDATE = 9;

/** Reads a stream to its end without destroying it (for-await would, and a destroyed stream resets). */
function readAll(stream: Readable): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
  });
}
const SETTINGS = 4;

describe('sessions and streams for non-HTTP protocols', () => {
  let server: SpdyServer | undefined;
  let session: ClientSession | undefined;
  afterEach(async () => {
    session?.destroy();
    server?.destroyAll();
    await server?.close();
    server = session = undefined;
  });

  /** A plain SPDY/3.1 server and a client, both without flow control; every frame type sent by either is recorded. */
  const start = async (onStream: (stream: ServerStream) => void) => {
    const sent: number[] = [];
    const settingsIds: number[] = [];
    const trace = (event: SessionEvent) => {
      if (event.type !== 'ctrl-send') return;
      sent.push(event.frame.type);
      if (event.frame.type === SETTINGS) settingsIds.push(...event.frame.iv.map(([id]) => id));
    };
    server = createServer({ protocol: 'spdy/3.1', flowControl: false, trace });
    server.on('stream', onStream);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    session = connect(`http://127.0.0.1:${server.address().port}`, { protocol: 'spdy/3.1', flowControl: false, trace });
    return { sent, settingsIds };
  };

  it('moves megabytes both ways with no WINDOW_UPDATE and no INITIAL_WINDOW_SIZE sent', async () => {
    const seen: Array<Record<string, string | string[]>> = [];
    const { sent, settingsIds } = await start((stream) => {
      seen.push({ ...stream.headers });
      stream.respond({}, { http: false });
      void readAll(stream).then((body) => stream.end(Buffer.concat([Buffer.from(sha256(body)), big])));
    });
    const stream = session!.request({ streamtype: 'data', port: '80' }, { http: false });
    stream.end(big);
    const reply = await within(readAll(stream), 20_000, 'echo');
    expect(reply.subarray(0, 64).toString()).toBe(sha256(big));
    expect(sha256(reply.subarray(64))).toBe(sha256(big));
    expect(seen).toEqual([{ streamtype: 'data', port: '80' }]);
    expect(stream.headers).toEqual({});
    expect(stream.statusCode).toBeUndefined();
    expect(sent).not.toContain(WINDOW_UPDATE);
    // The server still announces MAX_CONCURRENT_STREAMS, which is not flow control.
    expect(sent.filter((type) => type === SETTINGS)).toHaveLength(1);
    expect(settingsIds).toEqual([4 /* MAX_CONCURRENT_STREAMS */]);
    expect(session!.flowControlled).toBe(false);
  });

  it('pauses the connection while a reader is behind, then delivers everything', async () => {
    await start((stream) => {
      stream.respond({}, { http: false });
      stream.end(big);
    });
    const stream = session!.request({ streamtype: 'stdout' }, { http: false, endStream: true });
    await within(
      (async () => {
        while (!(session!.socket as { isPaused(): boolean } | undefined)?.isPaused()) await new Promise((r) => setTimeout(r, 5));
      })(),
      10_000,
      'the socket to pause',
    );
    // Bounded: the stream's buffer (64 KiB) plus at most one socket read.
    expect(stream.readableLength).toBeLessThan(1024 * 1024);
    expect(sha256(await within(readAll(stream), 20_000, 'body'))).toBe(sha256(big));
  });

  it("ends a stream on the peer's CANCEL when peerCancelEnds is set, keeping what arrived", async () => {
    await start((stream) => {
      stream.respond({}, { http: false });
      stream.write(Buffer.from('last words'), () => stream.close());
    });
    const stream = session!.request({ streamtype: 'stdout' }, { http: false });
    stream.peerCancelEnds = true;
    const body = await within(readAll(stream), 10_000, 'body');
    expect(body.toString()).toBe('last words');
    expect(stream.rstCode).toBe(5 /* CANCEL */);
    // Nobody reads any more: writes are dropped, not errors.
    await new Promise<void>((resolve, reject) => stream.write('ignored', (error) => (error ? reject(error) : resolve())));
  });

  it('a CANCEL without peerCancelEnds stays an error', async () => {
    await start((stream) => {
      stream.respond({}, { http: false });
      stream.write(Buffer.from('x'), () => stream.close());
    });
    const stream = session!.request({ streamtype: 'stdout' }, { http: false });
    await expect(within(readAll(stream), 10_000, 'body')).rejects.toMatchObject({ code: 'ERR_SPDY_STREAM_RESET', statusName: 'CANCEL' });
  });
});
