/**
 * A wire filter for socket tests: a Duplex around a socket that passes
 * every byte read, and every frame written except those `shouldDrop` picks. It
 * cuts the written bytes into whole frames by their 8-byte heads (however
 * the writes split them) and decodes nothing else, so a test can take one
 * frame of ours off the wire (our opening SETTINGS, say) and show what the
 * peer does without it.
 */
import { Duplex } from 'node:stream';

/** A frame head as written. */
export interface FrameHead {
  control: boolean;
  /** Control frames: the type; DATA: 0. */
  type: number;
  flags: number;
  length: number;
}

export class FrameDropper extends Duplex {
  /** Heads of the frames taken off the wire, in order. */
  readonly dropped: FrameHead[] = [];
  private pending: Buffer = Buffer.alloc(0);

  constructor(
    private readonly inner: Duplex,
    private readonly shouldDrop: (head: FrameHead) => boolean,
  ) {
    super({ allowHalfOpen: true });
    inner.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) inner.pause();
    });
    inner.on('end', () => this.push(null));
    inner.on('error', (error: Error) => this.destroy(error));
    inner.on('close', () => this.destroy());
  }

  override _read(): void {
    this.inner.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const out: Buffer[] = [];
    let at = 0;
    while (this.pending.length - at >= 8) {
      const b = this.pending;
      const length = (b[at + 5]! << 16) | (b[at + 6]! << 8) | b[at + 7]!;
      if (b.length - at - 8 < length) break;
      const control = (b[at]! & 0x80) !== 0;
      const head: FrameHead = { control, type: control ? (b[at + 2]! << 8) | b[at + 3]! : 0, flags: b[at + 4]!, length };
      if (this.shouldDrop(head)) this.dropped.push(head);
      else out.push(b.subarray(at, at + 8 + length));
      at += 8 + length;
    }
    this.pending = this.pending.subarray(at);
    if (out.length === 0) {
      done();
      return;
    }
    this.inner.write(out.length === 1 ? out[0]! : Buffer.concat(out), done);
  }

  override _final(done: (error?: Error | null) => void): void {
    this.inner.end(done);
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    this.inner.destroy();
    done(error);
  }
}
