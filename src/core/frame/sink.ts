/**
 * What the frame decoder reports. The decoder checks framing only (lengths,
 * field structure, header-block decoding); every rule about streams and
 * session state belongs to the session, which implements this interface.
 *
 * Byte arguments may be views of the caller's input: they are valid only
 * during the call. A sink that keeps one must copy it.
 *
 * Every call is made with the decoder already past the event, so a sink
 * that throws leaves the decoder consistent: the exception leaves
 * FrameDecoder.push, whose `consumed` says how much of the chunk was used.
 */
import type { ControlFrameRecord, HeaderFrameRecord } from './types.js';

export interface FrameSink {
  /**
   * A complete, well-formed control frame (header blocks decoded).
   * `frame.version` is the frame's own wire version, which may differ from
   * the session's: spdylay parses such a frame by its own version's layout
   * and then ignores it (SYN_STREAM: RST_STREAM UNSUPPORTED_VERSION), and
   * so must the session. NOOP and CREDENTIAL are reported too; spdylay
   * takes no action on either.
   */
  onControlFrame(frame: ControlFrameRecord): void;

  /**
   * A SYN_STREAM, SYN_REPLY or HEADERS whose fixed fields parsed but whose
   * header block was refused. `frame.nv` is empty. By `error`, as spdylay
   * treats them (spdylay_session_process_ctrl_frame):
   * - ERR_INVALID_HEADER_BLOCK (bad content) or ERR_FRAME_TOO_LARGE (the
   *   frame exceeded maxControlFrameLength, or the inflated block its cap):
   *   a stream error, RST_STREAM PROTOCOL_ERROR / FRAME_TOO_LARGE. The zlib
   *   context is still in step.
   * - ERR_ZLIB (broken compressed data), ERR_INVALID_FRAME (the block's
   *   lengths do not add up; also a SYN_REPLY/HEADERS of a version other
   *   than 2 or 3) or ERR_UNSUPPORTED_VERSION (a SYN_STREAM of a version
   *   other than 2 or 3): a parse error, reported like onParseError. `head`
   *   (the 8-byte head) and `payload` (the fixed fields before the block)
   *   are what spdylay hands its parse-error callback; fresh copies.
   */
  onHeaderBlockError(frame: HeaderFrameRecord, error: number, head: Uint8Array, payload: Uint8Array): void;

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
