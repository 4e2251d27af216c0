/**
 * The frame encoder: records to bytes, one function per frame type.
 *
 * - Control frames go into exactly sized buffers and their length is
 *   written once (Netty's SpdyFrameEncoder). The record's `length` (and
 *   `version`) are set to what went on the wire, so callbacks that show the
 *   frame afterwards report it as sent.
 * - Header frames (SYN_STREAM, SYN_REPLY, HEADERS) ask the HeaderBlockEncoder
 *   for the compressed block with `headroom` free bytes in front, then write
 *   the head and fixed fields into that headroom: the block is never copied.
 *   When the encoder refuses for size the function returns null, and the
 *   deflate stream has not moved (the encoder checks a bound before
 *   compressing), so a refused frame never desynchronises the peer.
 * - DATA: only the 8-byte head is encoded; the payload travels as its own
 *   view (ws `Sender.frame`, yamux), so no per-frame payload copy.
 *
 * Layout is chosen by the record's `version`: 2 is SPDY/2, anything else
 * SPDY/3 (SPDY/3.1 frames carry version 3). Nothing is validated that the
 * session validates (priorities, stream states, id parity), but no function
 * ever writes bytes that break the layout: ids and window deltas are masked
 * to 31 bits, priorities to their 2 or 3 bits, lengths to 24 bits, the
 * version to 15 bits.
 */
import {
  CREDENTIAL,
  GOAWAY,
  HEADERS,
  NOOP,
  PING,
  RST_STREAM,
  SETTINGS,
  SYN_REPLY,
  SYN_STREAM,
  WINDOW_UPDATE,
} from '../constants.js';
import { writeUint32 } from '../bytes.js';
import type { HeaderBlockEncoder, HeaderBlockInput } from '../header-codec.js';
import type { VersionFacts } from '../version.js';
import { FRAME_HEAD_LENGTH, MAX_FRAME_LENGTH, MAX_31BIT, SYN_STREAM_FIXED_LENGTH } from '../wire.js';
import type {
  ControlFrameRecord,
  CredentialRecord,
  GoawayRecord,
  HeadersRecord,
  NoopRecord,
  PingRecord,
  RstStreamRecord,
  SettingsRecord,
  SynReplyRecord,
  SynStreamRecord,
  WindowUpdateRecord,
} from './types.js';

/** Writes a control frame head: C bit, 15-bit version, type, flags, 24-bit length. */
export function writeControlHead(buf: Uint8Array, off: number, version: number, type: number, flags: number, length: number): void {
  buf[off] = 0x80 | ((version >>> 8) & 0x7f);
  buf[off + 1] = version;
  buf[off + 2] = type >>> 8;
  buf[off + 3] = type;
  buf[off + 4] = flags;
  buf[off + 5] = length >>> 16;
  buf[off + 6] = length >>> 8;
  buf[off + 7] = length;
}

/**
 * Writes a DATA frame head into `buf` at `off`: C bit 0, 31-bit stream id,
 * flags, 24-bit length. For callers that coalesce frames into one buffer.
 */
export function writeDataHead(buf: Uint8Array, off: number, streamId: number, flags: number, length: number): void {
  buf[off] = (streamId >>> 24) & 0x7f;
  buf[off + 1] = streamId >>> 16;
  buf[off + 2] = streamId >>> 8;
  buf[off + 3] = streamId;
  buf[off + 4] = flags;
  buf[off + 5] = length >>> 16;
  buf[off + 6] = length >>> 8;
  buf[off + 7] = length;
}

/** The 8-byte head of a DATA frame of `length` payload bytes; the payload is sent as its own view. */
export function encodeDataHead(streamId: number, flags: number, length: number): Uint8Array {
  const buf = new Uint8Array(FRAME_HEAD_LENGTH);
  writeDataHead(buf, 0, streamId, flags, length);
  return buf;
}

// ---- header frames ----

/** All the frame encoder asks of a header codec. */
export type BlockEncoder = Pick<HeaderBlockEncoder, 'encode'>;

/**
 * SYN_STREAM. `block` is what the codec encodes (HeaderBlockInput: its own
 * prepared block, or a normalised wire list); the frame encoder never looks
 * inside. Returns null when the block could exceed `maxBlockLength`
 * compressed bytes (never more than a 24-bit length leaves room for).
 */
export function encodeSynStream(
  frame: SynStreamRecord,
  block: HeaderBlockInput,
  headers: BlockEncoder,
  maxBlockLength: number = MAX_FRAME_LENGTH,
): Uint8Array | null {
  const headroom = FRAME_HEAD_LENGTH + SYN_STREAM_FIXED_LENGTH;
  const buf = encodeBlock(block, headers, headroom, maxBlockLength);
  if (buf === null) return null;
  const length = buf.length - FRAME_HEAD_LENGTH;
  writeControlHead(buf, 0, frame.version, SYN_STREAM, frame.flags, length);
  writeUint31(buf, 8, frame.streamId);
  writeUint31(buf, 12, frame.assocStreamId);
  if (frame.version === 2) {
    // SPDY/2: priority in the top 2 bits; the next byte is unused.
    buf[16] = (frame.pri & 0x03) << 6;
    buf[17] = 0;
  } else {
    // SPDY/3: priority in the top 3 bits, then the credential slot.
    buf[16] = (frame.pri & 0x07) << 5;
    buf[17] = frame.slot;
  }
  frame.length = length;
  return buf;
}

/** SYN_REPLY; see encodeSynStream for `block` and the null result. */
export function encodeSynReply(
  frame: SynReplyRecord,
  block: HeaderBlockInput,
  headers: BlockEncoder,
  maxBlockLength: number = MAX_FRAME_LENGTH,
): Uint8Array | null {
  return encodeReplyLike(frame, SYN_REPLY, block, headers, maxBlockLength);
}

/** HEADERS; see encodeSynStream for `block` and the null result. */
export function encodeHeaders(
  frame: HeadersRecord,
  block: HeaderBlockInput,
  headers: BlockEncoder,
  maxBlockLength: number = MAX_FRAME_LENGTH,
): Uint8Array | null {
  return encodeReplyLike(frame, HEADERS, block, headers, maxBlockLength);
}

/** SYN_REPLY and HEADERS share a layout: stream id, in SPDY/2 two unused bytes, then the block. */
function encodeReplyLike(
  frame: SynReplyRecord | HeadersRecord,
  type: number,
  block: HeaderBlockInput,
  headers: BlockEncoder,
  maxBlockLength: number,
): Uint8Array | null {
  const fixed = frame.version === 2 ? 6 : 4;
  const buf = encodeBlock(block, headers, FRAME_HEAD_LENGTH + fixed, maxBlockLength);
  if (buf === null) return null;
  const length = buf.length - FRAME_HEAD_LENGTH;
  writeControlHead(buf, 0, frame.version, type, frame.flags, length);
  writeUint31(buf, 8, frame.streamId);
  if (fixed === 6) {
    buf[12] = 0;
    buf[13] = 0;
  }
  frame.length = length;
  return buf;
}

/** Asks the codec for the block behind `headroom` bytes, capped so the 24-bit length cannot overflow. */
function encodeBlock(block: HeaderBlockInput, headers: BlockEncoder, headroom: number, maxBlockLength: number): Uint8Array | null {
  const room = MAX_FRAME_LENGTH - (headroom - FRAME_HEAD_LENGTH);
  const buf = headers.encode(block, headroom, Math.min(maxBlockLength, room));
  if (buf === null) return null;
  if (buf.length - headroom > room || buf.length < headroom) {
    // The codec broke its contract; writing this would corrupt the stream.
    throw new RangeError(`header block of ${buf.length - headroom} bytes does not fit the frame`);
  }
  return buf;
}

// ---- fixed-size control frames ----

export function encodeRstStream(frame: RstStreamRecord): Uint8Array {
  const buf = new Uint8Array(FRAME_HEAD_LENGTH + 8);
  writeControlHead(buf, 0, frame.version, RST_STREAM, frame.flags, 8);
  writeUint31(buf, 8, frame.streamId);
  writeUint32(buf, 12, frame.statusCode);
  frame.length = 8;
  return buf;
}

/**
 * SETTINGS: a 32-bit count, then 8 bytes per entry. SPDY/3: flags, 24-bit
 * id big-endian, value. SPDY/2: 24-bit id little-endian, flags, value, as
 * deployed SPDY/2 servers wrote it and spdylay does both ways.
 */
export function encodeSettings(frame: SettingsRecord): Uint8Array {
  const iv = frame.iv;
  const length = 4 + 8 * iv.length;
  const buf = new Uint8Array(FRAME_HEAD_LENGTH + length);
  writeControlHead(buf, 0, frame.version, SETTINGS, frame.flags, length);
  writeUint32(buf, 8, iv.length);
  const v2 = frame.version === 2;
  for (let k = 0, off = 12; k < iv.length; k++, off += 8) {
    const [id, flags, value] = iv[k]!;
    if (v2) {
      buf[off] = id;
      buf[off + 1] = id >>> 8;
      buf[off + 2] = id >>> 16;
      buf[off + 3] = flags;
    } else {
      buf[off] = flags;
      buf[off + 1] = id >>> 16;
      buf[off + 2] = id >>> 8;
      buf[off + 3] = id;
    }
    writeUint32(buf, off + 4, value);
  }
  frame.length = length;
  return buf;
}

/** NOOP (SPDY/2): a bare head. spdylay never sends it; here for completeness and tests. */
export function encodeNoop(frame: NoopRecord): Uint8Array {
  const buf = new Uint8Array(FRAME_HEAD_LENGTH);
  writeControlHead(buf, 0, frame.version, NOOP, frame.flags, 0);
  frame.length = 0;
  return buf;
}

export function encodePing(frame: PingRecord): Uint8Array {
  const buf = new Uint8Array(FRAME_HEAD_LENGTH + 4);
  writeControlHead(buf, 0, frame.version, PING, frame.flags, 4);
  writeUint32(buf, 8, frame.uniqueId);
  frame.length = 4;
  return buf;
}

/** GOAWAY: SPDY/2 carries only the last-good stream id (length 4), SPDY/3 adds a status code (8). */
export function encodeGoaway(frame: GoawayRecord): Uint8Array {
  const length = frame.version === 2 ? 4 : 8;
  const buf = new Uint8Array(FRAME_HEAD_LENGTH + length);
  writeControlHead(buf, 0, frame.version, GOAWAY, frame.flags, length);
  writeUint31(buf, 8, frame.lastGoodStreamId);
  if (length === 8) writeUint32(buf, 12, frame.statusCode);
  frame.length = length;
  return buf;
}

/**
 * WINDOW_UPDATE: stream id and a 31-bit delta. Packed with whatever version
 * the record carries; spdylay sends it with version 2 on a SPDY/2 session if
 * the application submits one, though SPDY/2 defines no such frame.
 */
export function encodeWindowUpdate(frame: WindowUpdateRecord): Uint8Array {
  const buf = new Uint8Array(FRAME_HEAD_LENGTH + 8);
  writeControlHead(buf, 0, frame.version, WINDOW_UPDATE, frame.flags, 8);
  writeUint31(buf, 8, frame.streamId);
  writeUint31(buf, 12, frame.deltaWindowSize);
  frame.length = 8;
  return buf;
}

/**
 * CREDENTIAL (SPDY/3) with `payload` as given: the library neither builds
 * nor reads one (see CredentialRecord), so a caller that wants slot, proof
 * and certificates packs them itself. For tests and tools; the session
 * never sends it.
 */
export function encodeCredential(frame: CredentialRecord, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  if (payload.length > MAX_FRAME_LENGTH) throw new RangeError(`CREDENTIAL payload of ${payload.length} bytes exceeds 2^24-1`);
  const buf = new Uint8Array(FRAME_HEAD_LENGTH + payload.length);
  writeControlHead(buf, 0, frame.version, CREDENTIAL, frame.flags, payload.length);
  buf.set(payload, FRAME_HEAD_LENGTH);
  frame.length = payload.length;
  return buf;
}

/**
 * Encodes any control frame as the session sends it: with the session's
 * wire version (SPDY/3.1 sends 3), which is stored in `frame.version`.
 * Header frames encode `block` (the codec's prepared block, or a wire list)
 * when given, else `frame.nv` as it is, and may return null (refused for
 * size, nothing compressed).
 */
export function encodeControlFrame(
  facts: VersionFacts,
  frame: ControlFrameRecord,
  block: HeaderBlockInput | null,
  headers: BlockEncoder,
  maxBlockLength: number = MAX_FRAME_LENGTH,
): Uint8Array | null {
  frame.version = facts.wireVersion;
  switch (frame.type) {
    case SYN_STREAM:
      return encodeSynStream(frame, block ?? frame.nv, headers, maxBlockLength);
    case SYN_REPLY:
      return encodeSynReply(frame, block ?? frame.nv, headers, maxBlockLength);
    case HEADERS:
      return encodeHeaders(frame, block ?? frame.nv, headers, maxBlockLength);
    case RST_STREAM:
      return encodeRstStream(frame);
    case SETTINGS:
      return encodeSettings(frame);
    case NOOP:
      return encodeNoop(frame);
    case PING:
      return encodePing(frame);
    case GOAWAY:
      return encodeGoaway(frame);
    case WINDOW_UPDATE:
      return encodeWindowUpdate(frame);
    case CREDENTIAL:
      return encodeCredential(frame);
  }
}

/** A reserved bit (sent as 0) and a 31-bit field. */
function writeUint31(buf: Uint8Array, off: number, value: number): void {
  writeUint32(buf, off, value & MAX_31BIT);
}
