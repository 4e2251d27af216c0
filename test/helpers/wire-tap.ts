/**
 * A passive tap on a SPDY byte stream: it splits the bytes into frame heads
 * (and the first bytes of control payloads) without decoding anything, so a
 * test has evidence of exactly what a side put on the wire, independent of
 * either implementation's decoder.
 */

/** One frame as it crossed the wire: its head, and for control frames the payload length and first bytes. */
export interface WireFrame {
  control: boolean;
  version: number;
  type: number;
  streamId: number;
  flags: number;
  length: number;
  /** Up to the first 16 payload bytes of a control frame. */
  start: Uint8Array;
}

/** Splits a byte stream into frame heads without decoding anything (evidence of what a side sent). */
export class WireTap {
  readonly frames: WireFrame[] = [];
  private head = new Uint8Array(8);
  private headFill = 0;
  private remaining = 0;
  private current: WireFrame | null = null;
  private startFill = 0;

  push(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.current === null) {
        const take = Math.min(8 - this.headFill, chunk.length - at);
        this.head.set(chunk.subarray(at, at + take), this.headFill);
        this.headFill += take;
        at += take;
        if (this.headFill < 8) return;
        this.headFill = 0;
        const h = this.head;
        const control = (h[0]! & 0x80) !== 0;
        const length = (h[5]! << 16) | (h[6]! << 8) | h[7]!;
        const frame: WireFrame = {
          control,
          version: control ? ((h[0]! & 0x7f) << 8) | h[1]! : 0,
          type: control ? (h[2]! << 8) | h[3]! : 0,
          streamId: control ? 0 : ((h[0]! & 0x7f) * 2 ** 24 + (h[1]! << 16) + (h[2]! << 8) + h[3]!),
          flags: h[4]!,
          length,
          start: new Uint8Array(control ? Math.min(16, length) : 0),
        };
        this.frames.push(frame);
        this.current = frame;
        this.remaining = length;
        this.startFill = 0;
      }
      const frame = this.current;
      const take = Math.min(this.remaining, chunk.length - at);
      if (this.startFill < frame.start.length) {
        const copy = Math.min(frame.start.length - this.startFill, take);
        frame.start.set(chunk.subarray(at, at + copy), this.startFill);
        this.startFill += copy;
      }
      at += take;
      this.remaining -= take;
      if (this.remaining === 0) this.current = null;
    }
    if (this.current !== null && this.remaining === 0) this.current = null;
  }

  controlOfType(type: number): WireFrame[] {
    return this.frames.filter((f) => f.control && f.type === type);
  }
}
