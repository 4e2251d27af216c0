/** How the driver writes a memSendv pass: small chunks joined, bulk payloads uncopied, bytes in order. */
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JOIN_LIMIT, writeChunks } from '../../src/io/driver.js';

/** A socket stand-in that records each write as Node hands it over (writev batches and single writes). */
function recordingSocket(): { socket: Writable; writes: Uint8Array[]; writevCalls: number } {
  const state = { writes: [] as Uint8Array[], writevCalls: 0 };
  const socket = new Writable({
    highWaterMark: 1 << 30,
    write(chunk: Uint8Array, _encoding, done) {
      state.writes.push(chunk);
      done();
    },
    writev(entries, done) {
      state.writevCalls++;
      for (const { chunk } of entries) state.writes.push(chunk as Uint8Array);
      done();
    },
  });
  return Object.assign(state, { socket }) as { socket: Writable; writes: Uint8Array[]; writevCalls: number };
}

function concat(chunks: readonly Uint8Array[]): Buffer {
  return Buffer.concat(chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)));
}

function sameBytes(a: readonly Uint8Array[], b: readonly Uint8Array[]): boolean {
  return concat(a).equals(concat(b));
}

const chunkArb = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 64 }),
  fc.uint8Array({ minLength: 1000, maxLength: 1100 }),
  fc.uint8Array({ minLength: JOIN_LIMIT - 2, maxLength: JOIN_LIMIT + 2 }),
  fc.uint8Array({ minLength: 16_000, maxLength: 17_000 }),
);

describe('writeChunks', () => {
  it('writes the bytes in order, no write above the join limit but the large chunks themselves, uncopied', () => {
    fc.assert(
      fc.property(fc.array(chunkArb, { minLength: 1, maxLength: 24 }), (chunks) => {
        const rec = recordingSocket();
        writeChunks(rec.socket, chunks);
        expect(sameBytes(rec.writes, chunks)).toBe(true);
        const large = chunks.filter((c) => c.length > JOIN_LIMIT);
        for (const w of rec.writes) {
          if (w.length > JOIN_LIMIT) expect(large.some((c) => c.buffer === w.buffer && c.byteOffset === w.byteOffset)).toBe(true);
        }
        // Every large chunk went out as itself, and small ones were joined: no two neighbouring small writes would have fit together.
        expect(rec.writes.filter((w) => w.length > JOIN_LIMIT)).toHaveLength(large.length);
        for (let i = 1; i < rec.writes.length; i++) {
          const a = rec.writes[i - 1]!.length;
          const b = rec.writes[i]!.length;
          if (a <= JOIN_LIMIT && b <= JOIN_LIMIT) expect(a + b).toBeGreaterThan(JOIN_LIMIT);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('hands a pass of many frames to the socket as one writev of a few buffers', () => {
    const rec = recordingSocket();
    const body = new Uint8Array(1024).fill(0x61);
    const pass: Uint8Array[] = [];
    for (let i = 0; i < 100; i++) pass.push(new Uint8Array(60).fill(i), new Uint8Array(8).fill(i), body);
    writeChunks(rec.socket, pass);
    expect(rec.writevCalls).toBe(1);
    // 300 chunks of 109,200 bytes: runs of whole frames of up to JOIN_LIMIT bytes each.
    expect(rec.writes.length).toBeGreaterThanOrEqual(Math.ceil(109_200 / JOIN_LIMIT));
    expect(rec.writes.length).toBeLessThanOrEqual(Math.ceil(109_200 / (JOIN_LIMIT - 1092)));
    expect(sameBytes(rec.writes, pass)).toBe(true);
  });

  it('writes a single chunk as it is', () => {
    const rec = recordingSocket();
    const only = new Uint8Array([1, 2, 3]);
    writeChunks(rec.socket, [only]);
    expect(rec.writes).toHaveLength(1);
    expect(rec.writes[0]!.buffer).toBe(only.buffer);
  });
});
