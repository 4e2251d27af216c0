/**
 * The frame decoder: bytes in, FrameSink calls out. Resumable and copy-free.
 *
 * `push(chunk)` walks the chunk with an offset and consumes all of it; chunks
 * are never joined. A frame may arrive in any number of chunks, down to one
 * byte each, and the sink sees the same calls however the input is split,
 * except that DATA payload chunks follow the input's boundaries.
 *
 * States (spdylay's `iframe` states, Netty's SpdyFrameDecoder):
 *
 *   READ_HEAD ──DATA──────────────> READ_DATA ──(payload done)──> READ_HEAD
 *       │
 *       ├──fixed-size control────> READ_FIXED ──> emit ──────────> READ_HEAD
 *       ├──SYN_STREAM/REPLY/HEADERS> READ_FIXED ─> READ_HEADER_BLOCK ─> READ_HEAD
 *       ├──SETTINGS──────────────> READ_FIXED (count) ─> READ_SETTINGS ─> READ_HEAD
 *       └──bad length, unknown,
 *          NOOP, CREDENTIAL──────> DISCARD (keeps a bounded prefix, or nothing) ─> READ_HEAD
 *
 * - The 8-byte head and every fixed field are read in place when the chunk
 *   holds them whole; only a field split across chunks is gathered in a
 *   small scratch buffer (spdylay's 8-byte headbuf; ws copies the same way).
 * - DATA payload goes to the sink as `chunk.subarray(...)` views of the
 *   caller's input: never copied, never buffered (spdylay passes its input
 *   through to on_data_chunk_recv_callback the same way).
 * - A header block's compressed slices go to the sink as views of the input
 *   as they arrive (onHeaderBlockChunk, Netty's readHeaderBlock), so a block
 *   is never buffered compressed. The decoder never decodes a block: the
 *   session feeds its codec and weighs the codec's verdict against the
 *   decoder's framing verdict (onHeaderBlockEnd), so a codec may work
 *   elsewhere, as a worker pool will.
 * - Version, per-type length and structure are checked once the head is in,
 *   before any payload is read; a frame found malformed is skipped by count
 *   and reported once its last byte has arrived, as spdylay reports it.
 *
 * The decoder knows nothing of streams or session state and never throws on
 * input: every malformed frame becomes one sink call, made when the frame's
 * last byte is in. Outcomes, from spdylay's spdylay_session_mem_recv,
 * spdylay_session_process_ctrl_frame and the spdylay_frame_unpack_* checks
 * (P = onParseError, U = onUnknownFrame, E = onHeaderBlockEnd with the
 * framing verdict shown, after the block's bytes went to the sink; the
 * session then decides between that verdict and the block's, see
 * session/header-verdict.ts):
 *
 *   frame                                        outcome
 *   -------------------------------------------  ------------------------------------
 *   SYN_STREAM, length <= 10                      P INVALID_FRAME (no block, no inflate)
 *   SYN_REPLY/HEADERS, length <= 4 (v2: 6)        P INVALID_FRAME
 *   header frame, well formed                     E 0
 *   header frame, length > maxControlFrameLength  E FRAME_TOO_LARGE (the block is still
 *                                                 reported, to keep zlib in step)
 *   SYN_STREAM, version not 2 or 3                E UNSUPPORTED_VERSION (P if length <= 10)
 *   SYN_REPLY/HEADERS, version not 2 or 3         E INVALID_FRAME [1] (P if no block)
 *   RST_STREAM / WINDOW_UPDATE, length != 8       P INVALID_FRAME (SPDY/2 WINDOW_UPDATE too)
 *   PING, length != 4                             P INVALID_FRAME
 *   GOAWAY, length not 4 or 8 (v2) / 8 (v3)       P INVALID_FRAME [2]
 *   GOAWAY, version not 2 or 3                    P UNSUPPORTED_VERSION (checked first)
 *   SETTINGS, length < 4 or != 4 + 8*count        P INVALID_FRAME
 *   SETTINGS, count > maxSettingsEntries          P INVALID_FRAME, refused from the count [4]
 *   SETTINGS, version not 2 or 3                  P UNSUPPORTED_VERSION
 *   NOOP (any version, any length)                onControlFrame(NOOP); spdylay ignores it
 *   CREDENTIAL (any version, length, payload)     onControlFrame(CREDENTIAL) [3]
 *   unknown type (any version)                    U
 *   other type, length > maxControlFrameLength    nothing kept; P INVALID_FRAME (GOAWAY of
 *                                                 an unknown version: UNSUPPORTED_VERSION),
 *                                                 U with an empty payload for unknown types
 *
 * A well-formed control frame whose version is 2 or 3 but not the session's
 * is parsed by its own version's layout (as spdylay does) and reported with
 * that `version`, by which the session has its header block unpacked too:
 * spdylay then ignores it (spdylay_session_check_version; a SYN_STREAM gets
 * RST_STREAM UNSUPPORTED_VERSION), which is the session's job. Other types
 * with an unknown version (PING, RST_STREAM, ...) are parsed and reported
 * the same way.
 *
 * [1] spdylay has no layout for these (spdylay_frame_nv_offset is -1) and
 *     asserts; a release build reports INVALID_FRAME without inflating,
 *     which desynchronises zlib. We report the same INVALID_FRAME, but read
 *     the frame with the session's layout and report its block, so the
 *     session's codec still sees it and later header blocks still inflate.
 * [2] spdy-transport sends an 8-byte GOAWAY in SPDY/2 (last-good-stream-id
 *     and a status, SPDY/3's layout). spdylay refuses it as
 *     INVALID_FRAME and answers with its own GOAWAY, so a spdy/2 session with
 *     that peer could never close cleanly. We accept both lengths in SPDY/2
 *     and still send the draft's 4 bytes: lenient in what we accept, exact
 *     in what we send (test "SPDY/2 accepts spdy-transport's 8-byte
 *     GOAWAY"). A SPDY/2 GOAWAY has no status field, so its record's
 *     statusCode is 0 either way, as spdylay's is; the extra 4 bytes are
 *     not read.
 * [3] Nothing acts on a CREDENTIAL (SPDY/3's client certificates, which no
 *     peer sends; spdylay hands a parsed one to its application, python-spdylay
 *     has no class for it), so its payload is skipped unread, kept nowhere,
 *     and cannot fail: a malformed or oversized one does not end the session,
 *     where spdylay's unpacking would make it a parse error (test:
 *     "a malformed CREDENTIAL is ignored").
 * [4] SPDY defines 8 SETTINGS ids, so a frame needs no more than a few
 *     entries; spdylay allocates whatever the count says (2,097,151 entries
 *     fit the 24-bit length). The count is weighed before any entry is
 *     read, and a frame over the bound is skipped keeping only what a
 *     parse-error callback is shown (KEPT_PAYLOAD_LIMIT).
 *
 * Payload handed to onParseError/onUnknownFrame is bounded (KEPT_PAYLOAD_LIMIT).
 */
import {
  CREDENTIAL,
  ERR_FRAME_TOO_LARGE,
  ERR_INVALID_FRAME,
  ERR_UNSUPPORTED_VERSION,
  GOAWAY,
  HEADERS,
  NOOP,
  PING,
  PROTO_SPDY2,
  PROTO_SPDY3,
  RST_STREAM,
  SETTINGS,
  SYN_REPLY,
  SYN_STREAM,
  WINDOW_UPDATE,
} from '../constants.js';
import { readUint31, readUint32 } from '../bytes.js';
import { InvalidArgumentError } from '../errors.js';
import { versionFacts, type VersionFacts } from '../version.js';
import { FRAME_HEAD_LENGTH, MAX_FRAME_LENGTH, SYN_STREAM_FIXED_LENGTH } from '../wire.js';
import type { FrameSink } from './sink.js';
import type { HeaderFrameRecord, NameValue, SettingsEntry } from './types.js';

export interface FrameDecoderOptions {
  /** The session's version facts: the layout used for a frame whose version is neither 2 nor 3. */
  facts: VersionFacts;
  sink: FrameSink;
  /**
   * spdylay's max_recv_ctrl_frame_buf: the largest control frame payload
   * accepted (default and maximum 2^24-1). A longer header frame is still
   * read and its block still reported, so the session's zlib stream stays
   * in step, with the framing verdict ERR_FRAME_TOO_LARGE; a longer frame
   * of any other type is skipped without keeping any of it and reported as
   * spdylay does (see the table above).
   */
  maxControlFrameLength?: number;
  /** The most entries a SETTINGS frame may hold (default DEFAULT_MAX_SETTINGS_ENTRIES); more is INVALID_FRAME. */
  maxSettingsEntries?: number;
}

/**
 * The default bound on a SETTINGS frame's entries: room for every id SPDY
 * defines several times over (spdylay's and Chromium's frames hold a few),
 * far below what a 24-bit length allows (note [4] above).
 */
export const DEFAULT_MAX_SETTINGS_ENTRIES = 32;
/** The most entries a SETTINGS frame can announce within the 24-bit length. */
export const MAX_SETTINGS_COUNT = (MAX_FRAME_LENGTH - 4) >>> 3;

/**
 * The most payload kept for onParseError and onUnknownFrame. spdylay keeps
 * the whole payload (up to max_recv_ctrl_frame_buf, 16 MiB by default); a
 * callback that only logs needs far less, and a peer must not make us hold
 * megabytes for a frame we are going to refuse. Bytes past the limit are
 * skipped.
 */
export const KEPT_PAYLOAD_LIMIT = 65536;

// Decoder states.
const READ_HEAD = 0;
const READ_DATA = 1;
const READ_FIXED = 2;
const READ_HEADER_BLOCK = 3;
const READ_SETTINGS = 4;
const DISCARD = 5;
/** stop() was called: every byte is dropped unread. */
const STOPPED = 6;

// What DISCARD reports when the frame's last byte is in.
const END_PARSE_ERROR = 0;
const END_UNKNOWN = 1;
const END_NOOP = 2;
const END_CREDENTIAL = 3;

/** SETTINGS: a 4-byte count, then 8 bytes per entry. */
const SETTINGS_COUNT_LENGTH = 4;
const SETTINGS_ENTRY_LENGTH = 8;
/** A kept-bytes buffer starts this small and doubles, so a large declared length costs nothing up front. */
const KEPT_INITIAL_CAPACITY = 256;

const SPDY2_FACTS = versionFacts(PROTO_SPDY2)!;
const SPDY3_FACTS = versionFacts(PROTO_SPDY3)!;

export class FrameDecoder {
  private readonly facts: VersionFacts;
  private readonly sink: FrameSink;
  private readonly maxControlFrameLength: number;
  private readonly maxSettingsEntries: number;

  private state = READ_HEAD;

  /** The current control frame's head (gathered here when split; copied here for callbacks). */
  private readonly head = new Uint8Array(FRAME_HEAD_LENGTH);
  private headFill = 0;

  /** Gathers a fixed field that straddles chunks. */
  private readonly scratch = new Uint8Array(SYN_STREAM_FIXED_LENGTH);
  private scratchFill = 0;
  /** Length of the fixed field being read (READ_FIXED, READ_SETTINGS). */
  private need = 0;
  /** Where `take` found a whole fixed field (the chunk itself or the scratch); null: not whole yet. */
  private fieldBuf: Uint8Array | null = null;
  private fieldAt = 0;

  // The current frame.
  private type = 0;
  private version = 0;
  private flags = 0;
  private length = 0;
  /** Payload bytes of the current frame not read yet. */
  private remaining = 0;
  private streamId = 0;
  /** Layout facts of the current control frame: its own version's, or the session's for an unknown version. */
  private layout: VersionFacts;

  // Header frames (SYN_STREAM, SYN_REPLY, HEADERS).
  private assocStreamId = 0;
  private pri = 0;
  private slot = 0;
  /** The fixed part, kept for a parse-error callback (spdylay reports exactly these bytes). */
  private readonly fixedCopy = new Uint8Array(SYN_STREAM_FIXED_LENGTH);
  private fixedLength = 0;
  /** The frame exceeds maxControlFrameLength: its block still goes to the sink, to keep zlib in step. */
  private blockTooLarge = false;
  /**
   * The frame's version is neither 2 nor 3: spdylay's verdict for it
   * (UNSUPPORTED_VERSION for SYN_STREAM, INVALID_FRAME otherwise), else 0.
   */
  private versionError = 0;

  // SETTINGS.
  private iv: SettingsEntry[] = [];
  private entriesLeft = 0;

  // DISCARD: a bounded prefix of the payload is kept, the rest skipped.
  private kept = new Uint8Array(0);
  private keptFill = 0;
  private keepMax = 0;
  private endKind = END_PARSE_ERROR;
  private endError = 0;

  constructor(options: FrameDecoderOptions) {
    const max = options.maxControlFrameLength ?? MAX_FRAME_LENGTH;
    if (!Number.isInteger(max) || max < 0 || max > MAX_FRAME_LENGTH) {
      throw new InvalidArgumentError(`maxControlFrameLength must be an integer in 0..${MAX_FRAME_LENGTH}`);
    }
    const maxEntries = options.maxSettingsEntries ?? DEFAULT_MAX_SETTINGS_ENTRIES;
    if (!Number.isInteger(maxEntries) || maxEntries < 0) {
      throw new InvalidArgumentError('maxSettingsEntries must be a non-negative integer');
    }
    this.facts = options.facts;
    this.sink = options.sink;
    this.maxControlFrameLength = max;
    this.maxSettingsEntries = maxEntries;
    this.layout = options.facts;
  }

  /**
   * Drops every byte from now on, the rest of the chunk being pushed
   * included: the session has ended its input (nghttp2's IGN_ALL). A sink
   * may call it from inside push; since every sink call is made with the
   * decoder already past its event, nothing more is reported.
   */
  stop(): void {
    this.state = STOPPED;
  }

  /**
   * Consumes the whole chunk, reporting every event it completes. Views
   * handed to `onDataChunk` alias `chunk`; nothing keeps a reference to
   * `chunk` after this returns. Not re-entrant: a sink must not call push.
   */
  push(chunk: Uint8Array): void {
    const end = chunk.length;
    let off = 0;
    for (;;) {
      switch (this.state) {
        case READ_HEAD: {
          if (off === end) return;
          if (this.headFill === 0 && end - off >= FRAME_HEAD_LENGTH) {
            off += FRAME_HEAD_LENGTH;
            this.beginFrame(chunk, off - FRAME_HEAD_LENGTH);
          } else {
            const head = this.head;
            let fill = this.headFill;
            while (fill < FRAME_HEAD_LENGTH && off < end) head[fill++] = chunk[off++]!;
            this.headFill = fill;
            if (fill < FRAME_HEAD_LENGTH) return;
            this.headFill = 0;
            this.beginFrame(head, 0);
          }
          break;
        }

        case READ_DATA: {
          if (this.remaining === 0) {
            this.state = READ_HEAD;
            this.sink.onDataEnd(this.streamId, this.flags, this.length);
            break;
          }
          if (off === end) return;
          const n = Math.min(this.remaining, end - off);
          this.remaining -= n;
          off += n;
          this.sink.onDataChunk(this.streamId, this.flags, chunk.subarray(off - n, off));
          break;
        }

        case READ_FIXED: {
          off = this.take(chunk, off, end);
          const field = this.fieldBuf;
          if (field === null) return;
          this.fieldBuf = null; // no reference to the chunk survives push
          this.endFixed(field, this.fieldAt);
          break;
        }

        case READ_SETTINGS: {
          if (this.entriesLeft === 0) {
            this.state = READ_HEAD;
            const iv = this.iv;
            this.iv = [];
            this.sink.onControlFrame({ type: SETTINGS, version: this.version, flags: this.flags, length: this.length, iv });
            break;
          }
          off = this.take(chunk, off, end);
          const field = this.fieldBuf;
          if (field === null) return;
          this.fieldBuf = null;
          this.readSettingsEntry(field, this.fieldAt);
          break;
        }

        case READ_HEADER_BLOCK: {
          if (this.remaining === 0) {
            this.state = READ_HEAD;
            this.endHeaderFrame();
            break;
          }
          if (off === end) return;
          const n = Math.min(this.remaining, end - off);
          this.remaining -= n;
          off += n;
          this.sink.onHeaderBlockChunk(chunk.subarray(off - n, off));
          break;
        }

        case DISCARD: {
          if (this.remaining === 0) {
            this.state = READ_HEAD;
            this.endDiscard();
            break;
          }
          if (off === end) return;
          const n = Math.min(this.remaining, end - off);
          const keep = Math.min(n, this.keepMax - this.keptFill);
          if (keep > 0) this.keep(chunk, off, keep);
          this.remaining -= n;
          off += n;
          break;
        }

        case STOPPED:
          return;
      }
    }
  }

  /**
   * Reads `this.need` bytes of a fixed field: in place when the chunk holds
   * them whole, else through the scratch. Sets `fieldBuf`/`fieldAt` to the
   * field, or `fieldBuf` to null when the chunk ran out first. Returns the
   * new offset.
   */
  private take(chunk: Uint8Array, off: number, end: number): number {
    const need = this.need;
    if (this.scratchFill === 0 && end - off >= need) {
      this.fieldBuf = chunk;
      this.fieldAt = off;
      this.remaining -= need;
      return off + need;
    }
    const scratch = this.scratch;
    let fill = this.scratchFill;
    while (fill < need && off < end) scratch[fill++] = chunk[off++]!;
    if (fill < need) {
      this.scratchFill = fill;
      this.fieldBuf = null;
      return off;
    }
    this.scratchFill = 0;
    this.fieldBuf = scratch;
    this.fieldAt = 0;
    this.remaining -= need;
    return off;
  }

  /** The 8-byte head is in at `b[i..i+8]`: decide how to read the payload. */
  private beginFrame(b: Uint8Array, i: number): void {
    const b0 = b[i]!;
    const flags = b[i + 4]!;
    const length = (b[i + 5]! << 16) | (b[i + 6]! << 8) | b[i + 7]!;
    this.flags = flags;
    this.length = length;
    this.remaining = length;

    // The first bit alone tells DATA from control (spdylay_frame_is_ctrl_frame).
    if ((b0 & 0x80) === 0) {
      const streamId = (b0 << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!;
      this.streamId = streamId;
      this.state = READ_DATA;
      this.sink.onDataBegin(streamId, flags, length);
      return;
    }

    if (b !== this.head) copyInto(this.head, b, i, FRAME_HEAD_LENGTH);
    // Version: 15 bits after the C bit. Type: all 16 bits.
    const version = ((b0 & 0x7f) << 8) | b[i + 1]!;
    const type = (b[i + 2]! << 8) | b[i + 3]!;
    this.version = version;
    this.type = type;
    const supported = version === 2 || version === 3;
    this.layout = version === 2 ? SPDY2_FACTS : version === 3 ? SPDY3_FACTS : this.facts;
    // spdylay does not buffer a control payload over its limit: header
    // blocks are still inflated; anything else is unpacked as if empty.
    const tooLarge = length > this.maxControlFrameLength;

    switch (type) {
      case SYN_STREAM:
      case SYN_REPLY:
      case HEADERS: {
        const fixed = type === SYN_STREAM ? SYN_STREAM_FIXED_LENGTH : 4 + this.layout.replyPad;
        this.versionError = supported ? 0 : type === SYN_STREAM ? ERR_UNSUPPORTED_VERSION : ERR_INVALID_FRAME;
        if (length <= fixed) {
          // No header block at all: spdylay's unpack finds nothing to read
          // and reports INVALID_FRAME (a SYN_STREAM of an unknown version:
          // UNSUPPORTED_VERSION); it never reaches the inflater.
          this.discard(END_PARSE_ERROR, supported ? ERR_INVALID_FRAME : this.versionError, length);
          return;
        }
        this.fixedLength = fixed;
        this.blockTooLarge = tooLarge;
        this.readFixed(fixed);
        return;
      }
      case RST_STREAM:
      case WINDOW_UPDATE:
        this.expectFixed(8, tooLarge);
        return;
      case PING:
        this.expectFixed(4, tooLarge);
        return;
      case GOAWAY:
        // spdylay checks GOAWAY's version before its length, and its length
        // by the frame's own version: 4 in SPDY/2, 8 in SPDY/3; SPDY/2 also
        // takes spdy-transport's 8 bytes (note [2] above).
        if (!supported) this.discard(END_PARSE_ERROR, ERR_UNSUPPORTED_VERSION, tooLarge ? 0 : length);
        else if (this.layout.wireVersion === 2 && length === 8) this.expectFixed(8, tooLarge);
        else this.expectFixed(this.layout.goawayLength, tooLarge);
        return;
      case SETTINGS:
        if (length < SETTINGS_COUNT_LENGTH || tooLarge) {
          this.discard(END_PARSE_ERROR, ERR_INVALID_FRAME, tooLarge ? 0 : length);
        } else if (!supported) {
          this.discard(END_PARSE_ERROR, ERR_UNSUPPORTED_VERSION, length);
        } else if ((length - SETTINGS_COUNT_LENGTH) % SETTINGS_ENTRY_LENGTH !== 0) {
          // No count can make 4 + 8N equal this length.
          this.discard(END_PARSE_ERROR, ERR_INVALID_FRAME, length);
        } else {
          this.readFixed(SETTINGS_COUNT_LENGTH);
        }
        return;
      case NOOP:
        // spdylay ignores NOOP whatever its version or length (no check, no
        // callback). It is reported so a frame printer can show it.
        this.discard(END_NOOP, 0, 0);
        return;
      case CREDENTIAL:
        // Skipped unread whatever it holds (note [3] above).
        this.discard(END_CREDENTIAL, 0, 0);
        return;
      default:
        // An unknown type, whatever its version: on_unknown_ctrl_recv_cb.
        this.discard(END_UNKNOWN, 0, tooLarge ? 0 : Math.min(length, KEPT_PAYLOAD_LIMIT));
        return;
    }
  }

  /** A frame whose whole payload is one fixed field of `size` bytes. */
  private expectFixed(size: number, tooLarge: boolean): void {
    if (tooLarge || this.length !== size) {
      // Too large: spdylay skipped it and unpacks an empty payload, which
      // fails the same length check, so nothing is kept.
      this.discard(END_PARSE_ERROR, ERR_INVALID_FRAME, tooLarge ? 0 : this.length);
    } else {
      this.readFixed(size);
    }
  }

  private readFixed(size: number): void {
    this.need = size;
    this.scratchFill = 0;
    this.state = READ_FIXED;
  }

  /**
   * Skips the rest of the payload, keeping up to `keep` bytes of it (capped
   * at KEPT_PAYLOAD_LIMIT), then reports `kind`.
   */
  private discard(kind: number, error: number, keep: number): void {
    this.endKind = kind;
    this.endError = error;
    this.keepMax = Math.min(keep, KEPT_PAYLOAD_LIMIT);
    this.keptFill = 0;
    this.state = DISCARD;
  }

  /** Appends `n` bytes of `chunk` at `off` to the kept prefix, growing it by doubling. */
  private keep(chunk: Uint8Array, off: number, n: number): void {
    const fill = this.keptFill;
    if (fill + n > this.kept.length) {
      const grown = new Uint8Array(Math.min(this.keepMax, Math.max(KEPT_INITIAL_CAPACITY, this.kept.length * 2, fill + n)));
      grown.set(this.kept.subarray(0, fill));
      this.kept = grown;
    }
    this.kept.set(chunk.subarray(off, off + n), fill);
    this.keptFill = fill + n;
  }

  /** A whole fixed field of the current control frame is at `b[i..]`. */
  private endFixed(b: Uint8Array, i: number): void {
    const type = this.type;
    switch (type) {
      case SYN_STREAM:
      case SYN_REPLY:
      case HEADERS: {
        copyInto(this.fixedCopy, b, i, this.fixedLength);
        this.streamId = readUint31(b, i);
        if (type === SYN_STREAM) {
          this.assocStreamId = readUint31(b, i + 4);
          // SPDY/2: priority in the top 2 bits; SPDY/3: top 3 bits and a
          // credential slot (byte 17), which SPDY/2 leaves unused.
          this.pri = b[i + 8]! >> this.layout.priShift;
          this.slot = this.layout.wireVersion === 3 ? b[i + 9]! : 0;
        }
        // SPDY/2 SYN_REPLY/HEADERS: 2 unused bytes follow the id, skipped.
        this.state = READ_HEADER_BLOCK;
        this.sink.onHeaderBlockBegin();
        return;
      }
      case RST_STREAM:
        this.state = READ_HEAD;
        this.sink.onControlFrame({
          type: RST_STREAM,
          version: this.version,
          flags: this.flags,
          length: this.length,
          streamId: readUint31(b, i),
          statusCode: readUint32(b, i + 4),
        });
        return;
      case PING:
        this.state = READ_HEAD;
        this.sink.onControlFrame({
          type: PING,
          version: this.version,
          flags: this.flags,
          length: this.length,
          uniqueId: readUint32(b, i),
        });
        return;
      case GOAWAY:
        this.state = READ_HEAD;
        this.sink.onControlFrame({
          type: GOAWAY,
          version: this.version,
          flags: this.flags,
          length: this.length,
          lastGoodStreamId: readUint31(b, i),
          // SPDY/2's GOAWAY has no status field (note [2] above).
          statusCode: this.layout.wireVersion === 3 ? readUint32(b, i + 4) : 0,
        });
        return;
      case WINDOW_UPDATE:
        this.state = READ_HEAD;
        this.sink.onControlFrame({
          type: WINDOW_UPDATE,
          version: this.version,
          flags: this.flags,
          length: this.length,
          streamId: readUint31(b, i),
          deltaWindowSize: readUint31(b, i + 4),
        });
        return;
      case SETTINGS: {
        const count = readUint32(b, i);
        if (SETTINGS_COUNT_LENGTH + count * SETTINGS_ENTRY_LENGTH !== this.length || count > this.maxSettingsEntries) {
          // spdylay: the count disagrees with the length, INVALID_FRAME; so
          // is a count over our bound (note [4]), before any entry is read.
          // Keep the count bytes already read as the start of the payload.
          this.discard(END_PARSE_ERROR, ERR_INVALID_FRAME, this.length);
          this.keep(b, i, SETTINGS_COUNT_LENGTH);
          return;
        }
        this.iv = [];
        this.entriesLeft = count;
        this.need = SETTINGS_ENTRY_LENGTH;
        this.state = READ_SETTINGS;
        return;
      }
    }
  }

  private readSettingsEntry(b: Uint8Array, i: number): void {
    let id: number;
    let flags: number;
    if (this.layout.wireVersion === 2) {
      // SPDY/2 as deployed (and spdylay): 24-bit id little-endian, then flags.
      id = b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16);
      flags = b[i + 3]!;
    } else {
      // SPDY/3: flags, then the 24-bit id big-endian.
      flags = b[i]!;
      id = (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!;
    }
    this.iv.push([id, flags, readUint32(b, i + 4)]);
    this.entriesLeft--;
  }

  /**
   * The header block is complete: the frame goes to the sink with the
   * decoder's verdict on its framing. A SYN_REPLY/HEADERS of an unknown
   * version is INVALID_FRAME whatever else is wrong (spdylay never inflates
   * it); otherwise "too large" outranks an unsupported SYN_STREAM version.
   */
  private endHeaderFrame(): void {
    const versionError = this.versionError;
    const framingError =
      versionError === ERR_INVALID_FRAME ? versionError : this.blockTooLarge ? ERR_FRAME_TOO_LARGE : versionError;
    this.sink.onHeaderBlockEnd(this.headerRecord(), framingError, this.head, this.fixedCopy, this.fixedLength);
  }

  /**
   * Records are literals with one property order per type, so each type
   * keeps one shape. `nv` is left empty for the sink to fill.
   */
  private headerRecord(): HeaderFrameRecord {
    const nv: NameValue[] = [];
    switch (this.type) {
      case SYN_STREAM:
        return {
          type: SYN_STREAM,
          version: this.version,
          flags: this.flags,
          length: this.length,
          streamId: this.streamId,
          assocStreamId: this.assocStreamId,
          pri: this.pri,
          slot: this.slot,
          nv,
        };
      case SYN_REPLY:
        return { type: SYN_REPLY, version: this.version, flags: this.flags, length: this.length, streamId: this.streamId, nv };
      default:
        return { type: HEADERS, version: this.version, flags: this.flags, length: this.length, streamId: this.streamId, nv };
    }
  }

  private endDiscard(): void {
    const kept = this.kept.subarray(0, this.keptFill);
    switch (this.endKind) {
      case END_PARSE_ERROR:
        this.reportParseError(kept.slice(), this.endError);
        return;
      case END_UNKNOWN:
        this.sink.onUnknownFrame(this.head.slice(), kept.slice());
        return;
      case END_NOOP:
        this.sink.onControlFrame({ type: NOOP, version: this.version, flags: this.flags, length: this.length });
        return;
      case END_CREDENTIAL:
        this.sink.onControlFrame({ type: CREDENTIAL, version: this.version, flags: this.flags, length: this.length });
        return;
    }
  }

  /** Head and payload are fresh copies: the sink may keep them. */
  private reportParseError(payload: Uint8Array, error: number): void {
    this.sink.onParseError(this.type, this.head.slice(), payload, error);
  }
}

/** Copies a few bytes without creating a subarray view. */
function copyInto(dst: Uint8Array, src: Uint8Array, at: number, n: number): void {
  for (let k = 0; k < n; k++) dst[k] = src[at + k]!;
}
