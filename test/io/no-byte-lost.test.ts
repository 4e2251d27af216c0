/**
 * No byte lost: a 100 MB upload and a 100 MB download at once, on one
 * session through the real socket adapters, arrive byte-exact (length and
 * SHA-256 of what was produced against what was read), every version.
 *
 * What makes it hard:
 * - a relay between client and server (test/helpers/chunking-relay.ts)
 *   re-cuts the TCP stream into random pieces, single bytes included, and
 *   stalls now and then, so frames reach memRecv split at every point;
 * - the application writes in random chunk sizes (1 byte to 64 KiB);
 * - over TCP both our ends get 4 KiB socket buffers (Node's
 *   highWaterMark), so nearly every write waits for 'drain';
 * - both readers are slow (about 25 MB/s at most), and flow control must
 *   hold the senders back meanwhile.
 *
 * Memory is weighed during the transfer (heap plus ArrayBuffers, both
 * sides in this process, after a full collection every 250 ms): its peak
 * over the start must stay under 40 MiB. It measures 8 to 20 MiB; with
 * windows opened wide (NO_BYTE_LOST_WIDE=1, so only the socket holds a
 * sender back) it passes 80 MiB over TCP, as a side that buffered what its
 * reader had not taken would. NO_BYTE_LOST_MB sets the size each way (default
 * 100); NO_BYTE_LOST_REPORT=1 prints the peaks.
 */
import { createHash } from 'node:crypto';
import * as net from 'node:net';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { connect } from '../../src/index.js';
import type { ClientSession, ServerRequest, ServerResponse, SpdyProtocol, SpdyServer } from '../../src/index.js';
import { chunkingRelay, connectWithBuffers, seededRandom } from '../helpers/chunking-relay.js';
import type { Relay } from '../helpers/chunking-relay.js';
import { collectGarbage } from '../helpers/heap.js';
import { listen, readAll, within } from '../helpers/loopback.js';

const MB = 1_000_000;
const MiB = 1 << 20;
/** Bytes each way, per transport. */
const SIZE = Number(process.env.NO_BYTE_LOST_MB ?? 100) * MB;
/** Twice what flat memory measures (windows, socket and stream buffers, the bodies' source blocks); half what a sender not held back reaches. */
const LIVE_PEAK_BOUND = 40 * MiB;

/**
 * A body of `size` bytes in chunks of random size, hashed as produced.
 * Chunks are views of a 1 MiB random block at a moving offset: never
 * changed after they are handed out, and never two alike in a row.
 */
class RandomBody extends Readable {
  produced = 0;
  readonly hash = createHash('sha256');
  private readonly random: () => number;
  private readonly block: Buffer;
  private offset = 0;

  constructor(
    private readonly size: number,
    seed: number,
  ) {
    super({ highWaterMark: 64 * 1024 });
    this.random = seededRandom(seed);
    this.block = Buffer.allocUnsafe(MiB);
    for (let i = 0; i < this.block.length; i += 4) this.block.writeUInt32LE(Math.floor(this.random() * 2 ** 32), i);
  }

  override _read(): void {
    for (;;) {
      if (this.produced >= this.size) {
        this.push(null);
        return;
      }
      const r = this.random();
      const want = r < 0.05 ? 1 + Math.floor(this.random() * 16) : r < 0.2 ? 17 + Math.floor(this.random() * 2000) : 2048 + Math.floor(this.random() * 63 * 1024);
      const n = Math.min(want, this.size - this.produced, this.block.length - this.offset);
      const chunk = this.block.subarray(this.offset, this.offset + n);
      this.offset = (this.offset + n + 7919) % (this.block.length - 1);
      this.produced += n;
      this.hash.update(chunk);
      if (!this.push(chunk)) return;
    }
  }
}

/**
 * Reads `stream` to its end slowly, about 25 MB/s at most (a pause of 5 to
 * 15 ms every 256 KiB or so: slower than the sender, so flow control must
 * hold it back); resolves with the length and SHA-256 read.
 */
async function readSlowly(stream: Readable, seed: number): Promise<{ length: number; sha256: string }> {
  const random = seededRandom(seed);
  const hash = createHash('sha256');
  let length = 0;
  let nextPause = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    length += (chunk as Buffer).length;
    if (length >= nextPause) {
      nextPause = length + Math.floor(256 * 1024 * (0.5 + random()));
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.floor(random() * 11)));
    }
  }
  return { length, sha256: hash.digest('hex') };
}

/**
 * Weighs heap plus ArrayBuffers during the transfer, two ways: every 10 ms
 * as it is (`raw`: garbage included, what the process really holds), and
 * every 250 ms after a full collection (`live`: what the layers keep, the
 * figure a buffered backlog would show in and garbage cannot blur).
 * `stop()` returns both peaks over the weight at the start.
 */
function sampleMemory(): { stop(): { raw: number; live: number } } {
  const weigh = () => {
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  collectGarbage();
  const start = weigh();
  let raw = start;
  let live = start;
  const rawTimer = setInterval(() => (raw = Math.max(raw, weigh())), 10);
  const liveTimer = setInterval(() => {
    collectGarbage();
    live = Math.max(live, weigh());
  }, 250);
  return {
    stop: () => {
      clearInterval(rawTimer);
      clearInterval(liveTimer);
      return { raw: Math.max(raw, weigh()) - start, live: live - start };
    },
  };
}

interface Rig {
  server: SpdyServer;
  relay: Relay;
  session: ClientSession;
  plainServer?: net.Server;
}

const TRANSPORTS: Array<{ name: string; protocol: SpdyProtocol; tls: boolean }> = [
  { name: 'TCP spdy/3.1', protocol: 'spdy/3.1', tls: false },
  { name: 'TCP spdy/3', protocol: 'spdy/3', tls: false },
  { name: 'TCP spdy/2', protocol: 'spdy/2', tls: false },
  { name: 'TLS spdy/3.1', protocol: 'spdy/3.1', tls: true },
];

describe.each(TRANSPORTS)('no byte lost ($name)', (transport) => {
  let rig: Rig | undefined;
  afterEach(async () => {
    rig?.session.destroy();
    rig?.server.destroyAll();
    await rig?.server.close();
    await new Promise<void>((resolve) => (rig?.plainServer ? rig.plainServer.close(() => resolve()) : resolve()));
    await rig?.relay.close();
    rig = undefined;
  });

  it(`${SIZE / MB} MB up and ${SIZE / MB} MB down at once, randomly cut, small buffers, slow readers: byte-exact, memory flat`, async () => {
    const download = new RandomBody(SIZE, 0xd0 + transport.protocol.length);
    const handler = (req: ServerRequest, res: ServerResponse) => {
      if (req.url === '/download') {
        download.pipe(res);
        return;
      }
      void readSlowly(req, 0xa1).then((got) => res.end(JSON.stringify(got)));
    };
    const windows = process.env.NO_BYTE_LOST_WIDE ? { initialWindowSize: 2 ** 31 - 1, sessionWindowSize: 2 ** 31 - 1 } : {};
    const up = await listen(transport, handler, windows);
    let targetPort = up.port;
    let plainServer: net.Server | undefined;
    if (!transport.tls) {
      // Our server's sockets with 4 KiB buffers: handed to it as an accepted connection.
      plainServer = net.createServer({ highWaterMark: 4096, noDelay: true }, (socket) => up.server.handleConnection(socket));
      await new Promise<void>((resolve) => plainServer!.listen(0, '127.0.0.1', resolve));
      targetPort = (plainServer.address() as net.AddressInfo).port;
    }
    const relay = await chunkingRelay(targetPort, 0x5eed);
    const url = `${transport.tls ? 'https' : 'http'}://127.0.0.1:${relay.port}`;
    const session = transport.tls
      ? connect(url, { ...up.connectOptions, ...windows })
      : connect(url, { ...up.connectOptions, ...windows, socket: connectWithBuffers(relay.port, 4096) });
    rig = { server: up.server, relay, session, ...(plainServer ? { plainServer } : {}) };
    session.on('error', () => {});

    await within(new Promise((resolve) => (session.version !== 0 ? resolve(null) : session.once('connect', resolve))), 10_000, 'connect');
    const memory = sampleMemory();

    const upload = new RandomBody(SIZE, 0xb0);
    const post = session.request({ ':method': 'POST', ':path': '/upload' }, { body: upload });
    const get = session.request({ ':path': '/download' });
    const [reply, downloaded] = await within(
      Promise.all([readAll(post), readSlowly(get, 0xc2)]),
      120_000,
      'the transfers',
    );
    const peak = memory.stop();

    expect(downloaded.length).toBe(SIZE);
    expect(downloaded.sha256).toBe(download.hash.digest('hex'));
    // What the server read, as it reported it in its reply.
    expect(JSON.parse(reply.toString())).toEqual({ length: SIZE, sha256: upload.hash.digest('hex') });
    expect(relay.pieces).toBeGreaterThan(2 * SIZE / 65536);
    if (process.env.NO_BYTE_LOST_REPORT) {
      const mib = (n: number) => (n / MiB).toFixed(1);
      console.log(`${transport.name}: ${SIZE / MB} MB each way; memory peak +${mib(peak.live)} MiB live, +${mib(peak.raw)} MiB with garbage; ${relay.pieces} pieces relayed`);
    }
    expect(peak.live).toBeLessThan(LIVE_PEAK_BOUND);
  }, 150_000);
});
