/**
 * The header codec's contract, and the name/value type it shares with the
 * frames: the base that framing (frame/), header compression (headers/) and
 * the session all build on, so that neither frame/ nor headers/ needs the
 * other.
 *
 * A codec can be swapped (SessionConfig.headerCodec), so a later worker
 * pool can run the same compression elsewhere. Each session owns one codec:
 * one deflate stream for what it sends and one inflate stream for what it
 * receives, each continuing across every header block of the session, as
 * SPDY requires.
 */

/** One header: a lower-case name and a value that holds no NUL. */
export type NameValue = [name: string, value: string];

/** How name and value characters map to bytes on the wire. */
export type HeaderEncoding = 'utf8' | 'latin1';

/** The outcome of one received header block. */
export type HeaderBlockResult =
  | { ok: true; nv: NameValue[] }
  /**
   * `error` is spdylay's code:
   * - ERR_INVALID_FRAME: the block inflated but its structure is broken (a
   *   length runs past the block's end, or bytes follow the last pair).
   *   spdylay (spdylay_frame_count_unpack_nv_space) makes this a parse
   *   error: on_ctrl_recv_parse_error_cb and GOAWAY PROTOCOL_ERROR. The zlib
   *   context is still in step.
   * - ERR_INVALID_HEADER_BLOCK: the block is well formed but its content
   *   breaks spdylay's rules (empty name, name byte outside 0x20..0x7E or
   *   upper-case, control byte in a value, empty value piece, duplicate
   *   names). A stream error; the zlib context is still in step. `nv` then
   *   holds the pairs as received (wire order, values split at every NUL),
   *   which the session reports with the refused frame, as spdylay does.
   * - ERR_FRAME_TOO_LARGE: the inflated block exceeded the configured cap.
   *   The inflater was kept in step (output discarded). A stream error.
   * - ERR_ZLIB: the compressed data is broken. The receive context is lost,
   *   so this is a session error, and every later block fails the same way.
   */
  | { ok: false; error: number; nv?: NameValue[] };

/**
 * Receive side: compressed slices in, one block at a time. The session
 * feeds it what the frame decoder reports (FrameSink onHeaderBlockBegin,
 * onHeaderBlockChunk, onHeaderBlockEnd); the frame decoder never calls it.
 */
export interface HeaderBlockDecoder {
  /** Starts a block. */
  begin(): void;
  /**
   * Feeds the next compressed bytes of the current block. The slice may be
   * a view of the caller's input; it is not retained after the call.
   */
  push(compressed: Uint8Array): void;
  /**
   * Ends the block and returns its name/value list or the error.
   * `frameVersion` is the wire version of the frame that carried it: a
   * block in a frame of the other version (2 or 3) is unpacked by that
   * version's layout (16- or 32-bit lengths), as spdylay unpacks it, so
   * the session can answer it as the frame it is; any other value, or
   * none, means the session's own layout.
   */
  end(frameVersion?: number): HeaderBlockResult;
}

/**
 * A submitted name/value list made ready to send, by
 * HeaderBlockEncoder.prepare at submit time. `nv` is what the frame shows
 * its callbacks; whatever else the block holds belongs to the encoder that
 * made it, which alone reads it: the session only carries the block from
 * submit to send.
 */
export interface PreparedHeaderBlock {
  readonly nv: NameValue[];
}

/**
 * What HeaderBlockEncoder.encode takes: a block its own prepare() made, or
 * a list already normalised for the wire (lower-case unique names, repeated
 * values NUL-joined, SPDY/2 names mapped), packed exactly as given: tools
 * and tests that build frames by hand pass lists.
 */
export type HeaderBlockInput = PreparedHeaderBlock | readonly NameValue[];

/** Send side: one name/value list in, one compressed block out. */
export interface HeaderBlockEncoder {
  /**
   * Validates and normalises a submitted list, at submit time, so that
   * nothing is left to fail when the frame is sent: throws
   * InvalidArgumentError naming the header for a list the session must
   * refuse (python-spdylay raises from submit_*), under `encoding`, the
   * session's headerEncoding (latin1 refuses characters above U+00FF). The
   * block's `nv` is spdylay's normalised copy (names lower-cased, pairs
   * sorted by name, repeated names as separate pairs, SPDY/3 names in every
   * version).
   */
  prepare(nv: readonly (readonly [string, string])[], encoding: HeaderEncoding): PreparedHeaderBlock;

  /**
   * Packs and compresses `block` and returns a new buffer whose first
   * `headroom` bytes are left free for the frame's head and fixed fields,
   * followed by the compressed block.
   *
   * Returns null, leaving the deflate stream untouched, when the block
   * could exceed `maxBlockLength` compressed bytes: the size is checked
   * against a bound before anything is compressed, so refusing a frame never
   * desynchronises the peer's inflater. Also null, for the same reason, when
   * a SPDY/2 block's count or a length does not fit its 16-bit field.
   */
  encode(block: HeaderBlockInput, headroom: number, maxBlockLength: number): Uint8Array | null;
}

export interface HeaderCodec {
  readonly encoder: HeaderBlockEncoder;
  readonly decoder: HeaderBlockDecoder;
}

/**
 * What a deferring codec answers while its answer is not in yet (its
 * streams live elsewhere: a worker). The session then waits, holding what
 * comes meanwhile, until told through SessionMachine.resumeHeaderBlocks()
 * that the codec has answered (session/codec-wait.ts).
 */
export const HEADER_BLOCK_PENDING: unique symbol = Symbol('HEADER_BLOCK_PENDING');
export type HeaderBlockPending = typeof HEADER_BLOCK_PENDING;

/** A HeaderBlockEncoder whose compression may answer later. */
export interface DeferringHeaderBlockEncoder {
  /** As HeaderBlockEncoder.prepare: synchronous, at submit time. */
  prepare(nv: readonly (readonly [string, string])[], encoding: HeaderEncoding): PreparedHeaderBlock;
  /**
   * As HeaderBlockEncoder.encode, or HEADER_BLOCK_PENDING: the block has
   * gone to be compressed. The session asks again with the same block
   * (after resumeHeaderBlocks()) and gives no other until it has the
   * answer, so blocks are compressed in the order they are sent.
   */
  encode(block: HeaderBlockInput, headroom: number, maxBlockLength: number): Uint8Array | null | HeaderBlockPending;
}

/** A HeaderBlockDecoder whose results may come later, in the order the blocks ended. */
export interface DeferringHeaderBlockDecoder {
  begin(): void;
  /** As HeaderBlockDecoder.push; the slice is not retained after the call (copy it to keep it). */
  push(compressed: Uint8Array): void;
  /** Ends the block (`frameVersion` as HeaderBlockDecoder.end's): its result, or HEADER_BLOCK_PENDING when it comes later through takeResult(). */
  end(frameVersion?: number): HeaderBlockResult | HeaderBlockPending;
  /** The result of the oldest block whose end() was pending and not taken yet, or HEADER_BLOCK_PENDING while it is not in. */
  takeResult(): HeaderBlockResult | HeaderBlockPending;
}

/**
 * A header codec that answers later, such as one whose zlib streams live in
 * a worker (src/workers/pooled-codec.ts). With it the session produces the
 * same bytes and callbacks, in the same order, as with the built-in codec
 * for the same inputs, only later.
 */
export interface DeferringHeaderCodec {
  readonly deferring: true;
  readonly encoder: DeferringHeaderBlockEncoder;
  readonly decoder: DeferringHeaderBlockDecoder;
}
