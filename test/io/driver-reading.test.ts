/**
 * The driver stops reading while the session does (driver.ts): once the
 * replies a session owes its peer reach config.maxQueuedReplies and the
 * socket cannot take them, the socket is paused, so a peer that sends but
 * never reads gets no further; once the socket has taken them, reading
 * resumes and the session goes on. In memory, with a socket whose peer
 * reads only when the test says so.
 */
import { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { PING, PROTO_SPDY3, SERVER } from '../../src/core/constants.js';
import { SessionMachine } from '../../src/core/session/machine.js';
import type { SessionEvent } from '../../src/core/session/events.js';
import { DEFAULT_DRIVER_OPTIONS, Driver } from '../../src/io/driver.js';
import { concat } from '../helpers/bytes.js';
import { FrameFactory } from '../helpers/frame-factory.js';
import { FrameSplitter, pingId } from '../helpers/frame-splitter.js';

/** A socket whose writes complete only when the peer reads (release()). */
class SlowReader extends Duplex {
  private readonly waiting: Array<() => void> = [];
  readonly written: Uint8Array[] = [];

  constructor() {
    super({ writableHighWaterMark: 16 });
  }

  override _read(): void {}

  override _write(chunk: Uint8Array, _encoding: BufferEncoding, done: () => void): void {
    this.written.push(chunk);
    this.waiting.push(done);
  }

  /** The peer reads everything written so far, and whatever that lets through. */
  async release(): Promise<void> {
    for (let round = 0; round < 100 && this.waiting.length > 0; round++) {
      for (const done of this.waiting.splice(0)) done();
      await turn();
    }
  }
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('reading pauses while the replies owed wait for the socket', () => {
  it('10 PINGs with maxQueuedReplies 10 and a peer that does not read: reading stops, nothing fails; when it reads, reading resumes', async () => {
    const events: SessionEvent[] = [];
    const machine = new SessionMachine(SERVER, PROTO_SPDY3, (e) => events.push(e), { maxQueuedReplies: 10 });
    const socket = new SlowReader();
    const driver = new Driver(
      socket,
      machine,
      { onTransportLost: () => {}, onClose: () => {}, onTimeout: () => {}, onProtocolViolation: () => {} },
      { ...DEFAULT_DRIVER_OPTIONS, frameTimeout: 0 },
    );
    driver.start();
    const peer = new FrameFactory(PROTO_SPDY3);
    const pings = (first: number, count: number) => concat(...Array.from({ length: count }, (_, i) => peer.ping(first + 2 * i)));

    socket.push(pings(1, 10));
    await turn();
    expect(socket.isPaused()).toBe(true);
    // The peer keeps sending; none of it is read while the socket holds our replies.
    socket.push(pings(21, 5));
    await turn();
    expect(events.filter((e) => e.type === 'ctrl-recv')).toHaveLength(10);

    await socket.release();
    expect(socket.isPaused()).toBe(false);
    await socket.release();
    expect(events.filter((e) => e.type === 'ctrl-recv')).toHaveLength(15);
    const sent = new FrameSplitter().push(concat(...socket.written));
    expect(sent.every((f) => f.control && f.type === PING)).toBe(true);
    expect(sent.map(pingId)).toEqual([1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29]);
    expect(machine.wantRead()).toBe(true);
    driver.destroy(null);
  });
});
