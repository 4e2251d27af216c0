/**
 * Backpressure end to end, measured:
 * - a SPDY client that stops reading stops the backend: what the backend
 *   has been able to write levels off far below the body's size, and the
 *   process's buffer memory stays flat while the client waits;
 * - a backend that stops reading an upload stops the client: the proxy
 *   reopens the client's window only as the backend takes bytes, so what
 *   the client has been able to hand over levels off too.
 * Both transfers then finish whole. The bound on what is in flight is
 * generous (socket buffers on loopback are megabytes); the stronger sign is
 * that nothing more moves while the far end waits.
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { connect } from '../../src/index.js';
import type { ClientSession } from '../../src/index.js';
import { patternBytes, readAll, sha256, within } from '../helpers/loopback.js';
import { startBackend, startProxy } from '../helpers/proxy-rig.js';
import type { Backend, RunningProxy } from '../helpers/proxy-rig.js';

const TOTAL = 96 * 1024 * 1024;
const CHUNK = patternBytes(64 * 1024, 3);
/**
 * What may sit between the two ends when one stops: the windows and the
 * streams' 64 KiB buffers, and above all the kernel's loopback buffers on
 * both hops (client-proxy, proxy-backend), which autotune under load up to
 * about 6 MiB to receive and 4 MiB to send each. A third of the body.
 */
const IN_FLIGHT_BOUND = 32 * 1024 * 1024;

let backend: Backend | undefined;
let proxy: RunningProxy | undefined;
let session: ClientSession | undefined;

afterEach(async () => {
  session?.destroy();
  await proxy?.close();
  await backend?.close();
  session = backend = proxy = undefined;
});

function bufferMemory(): number {
  const m = process.memoryUsage();
  return m.arrayBuffers + m.heapUsed;
}

describe.each([
  { name: 'TLS spdy/3.1', tls: true, protocol: 'spdy/3.1' as const },
  { name: 'TCP spdy/3', tls: false, protocol: 'spdy/3' as const },
  { name: 'TCP spdy/2', tls: false, protocol: 'spdy/2' as const },
])('backpressure ($name)', (transport) => {
  it('a slow SPDY reader slows the backend read, and memory stays flat', async () => {
    let written = 0;
    backend = await startBackend((_req, res) => {
      res.writeHead(200, { 'content-length': String(TOTAL) });
      const pump = () => {
        while (written < TOTAL) {
          written += CHUNK.length;
          if (!res.write(CHUNK)) {
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      pump();
    });
    proxy = await startProxy(transport, [backend.port]);
    session = connect(proxy.url, proxy.connectOptions);
    const stream = session.request({ ':path': '/big' });
    await within(new Promise((resolve) => stream.once('response', resolve)), 10_000, 'response');
    stream.pause();
    await sleep(700);
    global.gc?.();
    const writtenBefore = written;
    const memoryBefore = bufferMemory();
    await sleep(700);
    global.gc?.();
    const writtenAfter = written;
    const memoryGrowth = bufferMemory() - memoryBefore;
    expect(writtenAfter).toBeLessThan(IN_FLIGHT_BOUND);
    expect(writtenAfter - writtenBefore).toBeLessThanOrEqual(CHUNK.length * 2);
    expect(memoryGrowth).toBeLessThan(8 * 1024 * 1024);
    stream.resume();
    let received = 0;
    const hash = await within(
      new Promise<string>((resolve, reject) => {
        const h = createHash('sha256');
        stream.on('data', (chunk: Buffer) => {
          received += chunk.length;
          h.update(chunk);
        });
        stream.once('end', () => resolve(h.digest('hex')));
        stream.once('error', reject);
      }),
      60_000,
      'the rest of the body',
    );
    expect(received).toBe(TOTAL);
    expect(hash).toBe(expectedHash());
  });

  it('a backend that does not read holds the client upload: windows reopen only as it takes bytes', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    backend = await startBackend((req, res) => {
      req.pause();
      void released.then(async () => {
        const body = await readAll(req);
        res.end(JSON.stringify({ length: body.length, sha256: sha256(body) }));
      });
    });
    proxy = await startProxy(transport, [backend.port]);
    session = connect(proxy.url, proxy.connectOptions);
    let handedOver = 0;
    async function* upload(): AsyncGenerator<Buffer> {
      for (let sent = 0; sent < TOTAL; sent += CHUNK.length) {
        handedOver += CHUNK.length;
        yield CHUNK;
      }
    }
    const stream = session.request({ ':method': 'PUT', ':path': '/up' }, { body: upload() });
    const reply = readAll(stream);
    await sleep(700);
    const before = handedOver;
    await sleep(700);
    expect(handedOver).toBeLessThan(IN_FLIGHT_BOUND);
    expect(handedOver - before).toBeLessThanOrEqual(CHUNK.length * 2);
    release();
    const answer = JSON.parse((await within(reply, 60_000, 'upload')).toString()) as { length: number; sha256: string };
    expect(answer).toEqual({ length: TOTAL, sha256: expectedHash() });
  });
});

let cachedHash: string | undefined;
/** sha256 of TOTAL bytes of CHUNK repeated. */
function expectedHash(): string {
  if (cachedHash === undefined) {
    const h = createHash('sha256');
    for (let n = 0; n < TOTAL; n += CHUNK.length) h.update(CHUNK);
    cachedHash = h.digest('hex');
  }
  return cachedHash;
}
