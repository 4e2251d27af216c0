/**
 * What the frame decoder reports. The decoder checks framing only (lengths,
 * field structure); header blocks pass through it compressed, and decoding
 * them, like every rule about streams and session state, belongs to the
 * session, which implements this interface.
 *
 * Byte arguments may be views of the caller's input: they are valid only
 * during the call. A sink that keeps one must copy it.
 *
 * Every call is made with the decoder already past the event, so a sink
 * that throws leaves the decoder consistent: the exception leaves
 * FrameDecoder.push, and bytes pushed later are read as following that
 * event. (The session's sink does not rely on this: it keeps a callback's
 * exception and rethrows it once push has returned.)
 */
import type { ControlFrameRecord, HeaderFrameRecord } from './types.js';

export interface FrameSink {
  /**
   * A complete, well-formed control frame other than SYN_STREAM, SYN_REPLY
   * and HEADERS (those come as onHeaderBlockBegin ... onHeaderBlockEnd).
   * `frame.version` is the frame's own wire version, which may differ from
   * the session's: spdylay parses such a frame by its own version's layout
   * and then ignores it, and so must the session. NOOP and CREDENTIAL are
   * reported too (a CREDENTIAL by its head alone, its payload unread); the
   * session takes no action on either.
   */
  onControlFrame(frame: ControlFrameRecord): void;

  /**
   * The fixed fields of a SYN_STREAM, SYN_REPLY or HEADERS are in and its
   * header block follows: zero or more onHeaderBlockChunk calls, then
   * onHeaderBlockEnd. The sink decodes the block (Netty's readHeaderBlock
   * and readHeaderBlockEnd), so the decoder itself never waits on header
   * compression.
   */
  onHeaderBlockBegin(): void;

  /**
   * The next compressed bytes of the current header block, as a view of the
   * input (never copied, never buffered). Chunk boundaries follow the input.
   */
  onHeaderBlockChunk(chunk: Uint8Array): void;

  /**
   * The current header block's last byte is in. `frame` has every field but
   * `nv`, which is empty for the sink to fill. `framingError` is the
   * decoder's own verdict on the frame, which the sink weighs against the
   * block's (spdylay's precedence, session/header-verdict.ts):
   * - 0: the framing is fine.
   * - ERR_INVALID_FRAME: a SYN_REPLY or HEADERS of a version other than 2
   *   or 3 (read with the session's layout, so the block still reached the
   *   codec, see decoder.ts note [1]).
   * - ERR_FRAME_TOO_LARGE: the frame exceeded maxControlFrameLength.
   * - ERR_UNSUPPORTED_VERSION: a SYN_STREAM of a version other than 2 or 3.
   * When both of the last two apply, ERR_FRAME_TOO_LARGE.
   * `head` (the 8-byte frame head) and `fixed[0, fixedLength)` (the fixed
   * fields before the block) are what spdylay hands its parse-error
   * callback if the frame is refused as one: the decoder's own buffers,
   * valid only during the call (no copy is made for a frame accepted).
   */
  onHeaderBlockEnd(frame: HeaderFrameRecord, framingError: number, head: Uint8Array, fixed: Uint8Array, fixedLength: number): void;

  /**
   * A control frame of a known type that cannot be parsed (wrong length for
   * its type, inconsistent counts, unsupported version): spdylay's
   * on_ctrl_recv_parse_error_cb. `head` is the 8-byte frame head; `payload`
   * what was kept of the payload (bounded by the decoder's limit). Both are
   * fresh copies the sink may keep.
   */
  onParseError(type: number, head: Uint8Array, payload: Uint8Array, errorCode: number): void;

  /**
   * A control frame of an unknown type: spdylay's on_unknown_ctrl_recv_cb.
   * `head` and `payload` (bounded) are fresh copies the sink may keep.
   */
  onUnknownFrame(head: Uint8Array, payload: Uint8Array): void;

  /** The 8-byte head of a DATA frame is in; `length` payload bytes follow. */
  onDataBegin(streamId: number, flags: number, length: number): void;

  /**
   * Some payload bytes of the current DATA frame, as a view of the input
   * (never copied). Chunk boundaries follow the input; their concatenation
   * is the payload. An empty DATA frame has no chunks.
   */
  onDataChunk(streamId: number, flags: number, chunk: Uint8Array): void;

  /** The current DATA frame is complete. */
  onDataEnd(streamId: number, flags: number, length: number): void;
}
