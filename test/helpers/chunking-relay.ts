/**
 * A TCP relay on 127.0.0.1 that re-cuts the byte stream: whatever arrives
 * on one side leaves on the other in pieces of random size (single bytes
 * included), with random pauses in reading, so the session behind it sees
 * frames split at every possible point and its socket fill and drain. It
 * honours backpressure both ways (a side that cannot take more pauses the
 * other), so it buffers at most one incoming chunk per direction. Seeded:
 * the same seed cuts the same way.
 */
import * as net from 'node:net';

/** mulberry32: a small seeded generator, so a failing run can be repeated. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Relay {
  port: number;
  /** Pieces written, both directions. */
  readonly pieces: number;
  close(): Promise<void>;
}

/** A piece size: mostly a few KiB, often tiny, sometimes a single byte. */
function pieceSize(random: () => number): number {
  const r = random();
  if (r < 0.05) return 1;
  if (r < 0.3) return 2 + Math.floor(random() * 62);
  if (r < 0.8) return 64 + Math.floor(random() * 8192);
  return 8192 + Math.floor(random() * 65536);
}

/**
 * A TCP connection to 127.0.0.1:`port` whose stream buffers hold
 * `highWaterMark` bytes (Node takes the option; its types do not list it).
 */
export function connectWithBuffers(port: number, highWaterMark: number): net.Socket {
  return net.connect({ port, host: '127.0.0.1', noDelay: true, highWaterMark } as net.NetConnectOpts);
}

/** Starts a relay to `targetPort` on 127.0.0.1; `highWaterMark` sizes its sockets' buffers. */
export async function chunkingRelay(targetPort: number, seed: number, highWaterMark = 16 * 1024): Promise<Relay> {
  const random = seededRandom(seed);
  const sockets = new Set<net.Socket>();
  let pieces = 0;

  const pipe = (from: net.Socket, to: net.Socket): void => {
    let paused = false;
    from.on('data', (chunk: Buffer) => {
      let full = false;
      for (let at = 0; at < chunk.length; ) {
        const n = Math.min(pieceSize(random), chunk.length - at);
        full = !to.write(chunk.subarray(at, at + n)) || full;
        at += n;
        pieces++;
      }
      // A stall now and then, as a busy peer or network gives: the sender's buffers fill meanwhile.
      const stall = random() < 0.02 ? 1 + Math.floor(random() * 8) : 0;
      if (full || stall > 0) {
        from.pause();
        paused = true;
        const resume = () => {
          if (!paused || from.destroyed) return;
          paused = false;
          from.resume();
        };
        let waits = (full ? 1 : 0) + (stall > 0 ? 1 : 0);
        const done = () => {
          if (--waits === 0) resume();
        };
        if (full) to.once('drain', done);
        if (stall > 0) setTimeout(done, stall);
      }
    });
    from.on('end', () => to.end());
    from.on('error', () => to.destroy());
    from.on('close', () => to.destroy());
  };

  const server = net.createServer({ highWaterMark, noDelay: true }, (inbound) => {
    const outbound = connectWithBuffers(targetPort, highWaterMark);
    sockets.add(inbound).add(outbound);
    inbound.on('close', () => sockets.delete(inbound));
    outbound.on('close', () => sockets.delete(outbound));
    pipe(inbound, outbound);
    pipe(outbound, inbound);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    get pieces() {
      return pieces;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
