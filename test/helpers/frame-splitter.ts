/**
 * A wire tap: cuts a byte stream into whole frames by their 8-byte heads,
 * however the stream arrives, and reads the few fields that flow control,
 * stream bookkeeping and error checks need. It decodes no header block and
 * shares no code with src/core/frame, so it can judge what the session puts
 * on the wire without trusting the session's own codec.
 */
import { GOAWAY, PING, RST_STREAM, SETTINGS, SYN_REPLY, SYN_STREAM, WINDOW_UPDATE } from '../../src/core/constants.js';

export interface RawFrame {
  /** The C bit. */
  control: boolean;
  /** Control frames: the version field (2 or 3). DATA: 0. */
  version: number;
  /** Control frames: the type. DATA: 0. */
  type: number;
  flags: number;
  /** Payload length from the head. */
  length: number;
  /** DATA: the stream id from the head. Control frames with a stream id: that id. Else 0. */
  streamId: number;
  /** The payload (a copy). */
  payload: Uint8Array;
  /** Offset in the whole byte stream just past this frame's last byte. */
  end: number;
}

/** Control frame types whose payload starts with a 31-bit stream id. */
const STREAM_ID_FIRST = new Set([SYN_STREAM, SYN_REPLY, RST_STREAM, 8 /* HEADERS */, WINDOW_UPDATE]);

export class FrameSplitter {
  private buf = new Uint8Array(1024);
  private len = 0;
  /** Bytes pushed so far. */
  total = 0;

  /** Appends `bytes`; returns every frame completed by them, in order. */
  push(bytes: Uint8Array): RawFrame[] {
    this.append(bytes);
    const frames: RawFrame[] = [];
    let pos = 0;
    const consumedBefore = this.total - this.len;
    for (;;) {
      if (this.len - pos < 8) break;
      const dv = new DataView(this.buf.buffer, pos, 8);
      const word0 = dv.getUint32(0);
      const flags = dv.getUint8(4);
      const length = dv.getUint32(4) & 0xffffff;
      if (this.len - pos - 8 < length) break;
      const payload = this.buf.slice(pos + 8, pos + 8 + length);
      const control = (word0 & 0x80000000) !== 0;
      const version = control ? (word0 >>> 16) & 0x7fff : 0;
      const type = control ? word0 & 0xffff : 0;
      let streamId = control ? 0 : word0 & 0x7fffffff;
      if (control && STREAM_ID_FIRST.has(type) && length >= 4) streamId = u32(payload, 0) & 0x7fffffff;
      pos += 8 + length;
      frames.push({ control, version, type, flags, length, streamId, payload, end: consumedBefore + pos });
    }
    if (pos > 0) {
      this.buf.copyWithin(0, pos, this.len);
      this.len -= pos;
    }
    return frames;
  }

  /** Bytes of a frame that has not fully arrived. */
  get pending(): number {
    return this.len;
  }

  private append(bytes: Uint8Array): void {
    if (this.len + bytes.length > this.buf.length) {
      const grown = new Uint8Array(Math.max(this.buf.length * 2, this.len + bytes.length));
      grown.set(this.buf.subarray(0, this.len));
      this.buf = grown;
    }
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
    this.total += bytes.length;
  }
}

function u32(bytes: Uint8Array, off: number): number {
  return ((bytes[off]! << 24) | (bytes[off + 1]! << 16) | (bytes[off + 2]! << 8) | bytes[off + 3]!) >>> 0;
}

/** RST_STREAM's status code. */
export function rstStatus(frame: RawFrame): number {
  return u32(frame.payload, 4);
}

/** WINDOW_UPDATE's delta (31 bits). */
export function windowDelta(frame: RawFrame): number {
  return u32(frame.payload, 4) & 0x7fffffff;
}

export function pingId(frame: RawFrame): number {
  return u32(frame.payload, 0);
}

/** GOAWAY's last-good-stream-id and status (SPDY/2's 4-byte GOAWAY has none: 0). */
export function goawayFields(frame: RawFrame): { lastGoodStreamId: number; statusCode: number } {
  return {
    lastGoodStreamId: u32(frame.payload, 0) & 0x7fffffff,
    statusCode: frame.length >= 8 ? u32(frame.payload, 4) : 0,
  };
}

/** SETTINGS entries as [id, flags, value]; SPDY/2 writes the id little-endian. */
export function settingsEntries(frame: RawFrame): Array<[number, number, number]> {
  const p = frame.payload;
  const count = u32(p, 0);
  const out: Array<[number, number, number]> = [];
  for (let k = 0; k < count && 4 + 8 * k + 8 <= p.length; k++) {
    const off = 4 + 8 * k;
    if (frame.version === 2) out.push([p[off]! | (p[off + 1]! << 8) | (p[off + 2]! << 16), p[off + 3]!, u32(p, off + 4)]);
    else out.push([(p[off + 1]! << 16) | (p[off + 2]! << 8) | p[off + 3]!, p[off]!, u32(p, off + 4)]);
  }
  return out;
}

/**
 * Whether a frame a session sent is well formed for a session of wire
 * version `wire`: the right version, a known type, and the exact length
 * every fixed-size type has. Returns a reason, or null when it is fine.
 */
export function malformation(frame: RawFrame, wire: 2 | 3): string | null {
  if (!frame.control) return frame.streamId === 0 ? 'DATA on stream 0' : null;
  if (frame.version !== wire) return `control frame of version ${frame.version} from a SPDY/${wire} session`;
  const n = frame.length;
  switch (frame.type) {
    case SYN_STREAM:
      return n > 10 ? null : `SYN_STREAM of length ${n}`;
    case SYN_REPLY:
    case 8: // HEADERS
      return n > (wire === 2 ? 6 : 4) ? null : `header frame ${frame.type} of length ${n}`;
    case RST_STREAM:
    case WINDOW_UPDATE:
      return n === 8 ? null : `frame ${frame.type} of length ${n}`;
    case SETTINGS:
      return n >= 4 && n === 4 + 8 * u32(frame.payload, 0) ? null : `SETTINGS of length ${n}`;
    case PING:
      return n === 4 ? null : `PING of length ${n}`;
    case GOAWAY:
      return n === (wire === 2 ? 4 : 8) ? null : `GOAWAY of length ${n}`;
    default:
      return `control frame of type ${frame.type}`;
  }
}
