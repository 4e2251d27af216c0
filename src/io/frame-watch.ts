/**
 * Follows the frame boundaries of what the peer sends, reading only the
 * 8-byte frame heads (the session machine does the decoding), for two
 * checks the machine cannot make because it has no clock and no notion of
 * "the first bytes on this connection":
 *
 * - The first frame. A SPDY session starts with a control frame of the
 *   session's version: no stream exists yet, so DATA cannot come first,
 *   and another version is not the protocol both ends agreed on. Anything
 *   else is a peer that does not speak SPDY (an HTTP/1.1 client, an HTTP/2
 *   preface, TLS sent to a plain port): the machine would read HTTP text as
 *   a DATA frame for an unknown stream and wait for megabytes that never
 *   come. The verdict needs the first two bytes (control bit and version).
 * - Control frames that stall. A control frame is buffered whole before it
 *   is processed, so one that starts and never finishes (a head announcing
 *   16 MB, then silence or a trickle) holds the connection. The driver
 *   times every control frame from its first byte (`pendingSince`). DATA
 *   is not timed: it is handed on as it arrives, and its pace is the
 *   peer's (and flow control's) business.
 */
import { frameTypeName } from '../core/names.js';

const HEAD_LENGTH = 8;
/** Bytes kept from the start of the connection, to say what a foreign peer sent. */
const OPENING_KEPT = 64;

export type FirstFrameVerdict =
  /** Not enough bytes yet to tell. */
  | 'undecided'
  | 'spdy'
  | 'foreign';

export class FrameWatch {
  private verdict: FirstFrameVerdict = 'undecided';
  private readonly opening = new Uint8Array(OPENING_KEPT);
  private openingLength = 0;
  private readonly head = new Uint8Array(HEAD_LENGTH);
  private headFilled = 0;
  /** Payload bytes of the current frame not yet seen. */
  private remaining = 0;
  private currentIsControl = false;
  private currentType = 0;
  private currentLength = 0;
  /** Frames begun so far: tells one pending frame from the next. */
  private begun = 0;

  constructor(private readonly wireVersion: number) {}

  /** What the first frame is, as far as the bytes so far tell. */
  get firstFrame(): FirstFrameVerdict {
    return this.verdict;
  }

  /** The connection's first bytes (up to 64), for describing a foreign peer. */
  get openingBytes(): Uint8Array {
    return this.opening.subarray(0, this.openingLength);
  }

  /**
   * The index of the frame left incomplete by the bytes so far, when it is
   * a control frame or a head not yet whole (whose type is still unknown);
   * -1 when the bytes end on a frame boundary or inside DATA.
   */
  get pendingControlFrame(): number {
    if (this.headFilled > 0) return this.begun;
    return this.remaining > 0 && this.currentIsControl ? this.begun : -1;
  }

  /** The incomplete frame, for an error message ("a SYN_STREAM frame of 16777215 bytes"). */
  describePending(): string {
    if (this.headFilled > 0) return `a frame head (${this.headFilled} of 8 bytes)`;
    const got = this.currentLength - this.remaining;
    return `a ${frameTypeName(this.currentType)} frame announcing ${this.currentLength} bytes (${got} arrived)`;
  }

  /** Follows `chunk`, the next bytes from the peer. */
  scan(chunk: Uint8Array): void {
    if (this.verdict === 'undecided') this.judgeOpening(chunk);
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, n - i);
        this.remaining -= take;
        i += take;
      } else if (this.headFilled === 0 && n - i >= HEAD_LENGTH) {
        this.beginFrame(chunk, i);
        i += HEAD_LENGTH;
      } else {
        const take = Math.min(HEAD_LENGTH - this.headFilled, n - i);
        this.head.set(chunk.subarray(i, i + take), this.headFilled);
        this.headFilled += take;
        i += take;
        if (this.headFilled === HEAD_LENGTH) {
          this.headFilled = 0;
          this.beginFrame(this.head, 0);
        }
      }
    }
  }

  private beginFrame(bytes: Uint8Array, at: number): void {
    this.begun++;
    this.currentIsControl = (bytes[at]! & 0x80) !== 0;
    this.currentType = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    this.currentLength = (bytes[at + 5]! << 16) | (bytes[at + 6]! << 8) | bytes[at + 7]!;
    this.remaining = this.currentLength;
  }

  private judgeOpening(chunk: Uint8Array): void {
    const take = Math.min(OPENING_KEPT - this.openingLength, chunk.length);
    this.opening.set(chunk.subarray(0, take), this.openingLength);
    this.openingLength += take;
    const b = this.opening;
    if (this.openingLength >= 1 && (b[0]! & 0x80) === 0) {
      this.verdict = 'foreign';
    } else if (this.openingLength >= 2) {
      const version = ((b[0]! & 0x7f) << 8) | b[1]!;
      this.verdict = version === this.wireVersion ? 'spdy' : 'foreign';
    }
  }
}
