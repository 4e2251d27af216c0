/**
 * Hand-built frames for feeding a session's memRecv (h2's frame factory).
 *
 * A FrameFactory plays the peer's sending half: control frames are encoded
 * with src/core/frame/encoder.ts and header blocks compressed by the real
 * compressor (HeaderDeflater, with the dictionary and level createHeaderCodec
 * uses), one deflate stream for the factory's whole life, as a real peer's.
 * So frames must reach the session in the order they were built (the
 * session's inflater follows the factory's deflater).
 *
 * Nothing is validated or normalised: names are packed as given (upper case,
 * duplicates and NUL-joined values included), any version, flag, id or
 * status may be written, so invalid frames are as easy to build as valid
 * ones. `withBlock` sends any header-block bytes (broken layouts, or broken
 * compressed data); `raw` builds a control frame with an arbitrary payload.
 */
import {
  CLIENT,
  CREDENTIAL,
  GOAWAY,
  HEADERS,
  NOOP,
  PING,
  RST_STREAM,
  SERVER,
  SETTINGS,
  SYN_REPLY,
  SYN_STREAM,
  WINDOW_UPDATE,
} from '../../src/core/constants.js';
import {
  encodeControlFrame,
  encodeCredential,
  encodeDataHead,
  encodeGoaway,
  encodeNoop,
  encodePing,
  encodeRstStream,
  encodeSettings,
  encodeWindowUpdate,
  writeControlHead,
  type BlockEncoder,
} from '../../src/core/frame/encoder.js';
import type { NameValue, SettingsEntry } from '../../src/core/frame/types.js';
import type { HeaderEncoding } from '../../src/core/header-codec.js';
import { HeaderDeflater, defaultCompressionLevel, headerDictionary } from '../../src/core/headers/zlib.js';
import { versionFacts } from '../../src/core/version.js';
import type { VersionFacts } from '../../src/core/version.js';

export interface SynStreamSpec {
  streamId: number;
  assocStreamId?: number;
  pri?: number;
  slot?: number;
  flags?: number;
  nv?: NameValue[];
  /** The version field written in the frame (default: the factory's wire version). */
  version?: number;
}

export interface ReplySpec {
  streamId: number;
  flags?: number;
  nv?: NameValue[];
  version?: number;
}

export type HeaderFrameSpec =
  | ({ type: typeof SYN_STREAM } & SynStreamSpec)
  | ({ type: typeof SYN_REPLY | typeof HEADERS } & ReplySpec);

function recordOf(spec: HeaderFrameSpec, wireVersion: number): Parameters<typeof encodeControlFrame>[1] {
  const base = { version: spec.version ?? wireVersion, flags: spec.flags ?? 0, length: 0, streamId: spec.streamId, nv: [] };
  if (spec.type === SYN_STREAM) {
    return { ...base, type: SYN_STREAM, assocStreamId: spec.assocStreamId ?? 0, pri: spec.pri ?? 0, slot: spec.slot ?? 0 };
  }
  return { ...base, type: spec.type };
}

export class FrameFactory {
  readonly facts: VersionFacts;
  /** The factory's one deflate stream, shared by every header block it builds. */
  private readonly deflater: HeaderDeflater;
  private readonly encoding: HeaderEncoding;

  /**
   * `version` is a PROTO_* constant; `side` is the side of the peer that
   * sends these frames (it picks the compression level, as in spdylay);
   * `encoding` how header characters become bytes.
   */
  constructor(version: number, side: number = SERVER, encoding: HeaderEncoding = 'utf8') {
    const facts = versionFacts(version);
    if (facts === undefined) throw new Error(`unsupported version ${version}`);
    this.facts = facts;
    this.encoding = encoding;
    this.deflater = new HeaderDeflater(headerDictionary(version), defaultCompressionLevel(side === CLIENT ? CLIENT : SERVER));
  }

  /** Packs lists (as given) with `lengthSize`-byte lengths and compresses them through the factory's stream. */
  private listEncoder(lengthSize: 2 | 4): BlockEncoder {
    return {
      encode: (block, headroom) => {
        // encodeControlFrame hands over the record's own list (no prepared block is ever made here).
        if (!Array.isArray(block)) throw new Error('the factory encodes lists only');
        return this.compress(this.pack(block, lengthSize), headroom);
      },
    };
  }

  /**
   * Packs `nv` as given (no lower-casing, sorting or joining) with the
   * version's 16- or 32-bit lengths (`lengthSize`, the factory's by default).
   */
  pack(nv: readonly NameValue[], lengthSize: 2 | 4 = this.facts.nvLengthSize): Uint8Array {
    const parts = nv.flatMap(([n, v]) => [this.text(n), this.text(v)]);
    const out = new Uint8Array(lengthSize * (1 + parts.length) + parts.reduce((sum, p) => sum + p.length, 0));
    const view = new DataView(out.buffer);
    let at = 0;
    const length = (n: number) => {
      if (lengthSize === 4) view.setUint32(at, n);
      else view.setUint16(at, n & 0xffff);
      at += lengthSize;
    };
    length(nv.length);
    for (const part of parts) {
      length(part.length);
      out.set(part, at);
      at += part.length;
    }
    return out;
  }

  /**
   * A SYN_STREAM, SYN_REPLY or HEADERS whose header block is `block`
   * exactly (any bytes, valid or not), compressed through the factory's
   * stream. Pass `compressed: false` to put `block` in the frame as it is
   * (broken compressed data).
   */
  withBlock(frame: HeaderFrameSpec, block: Uint8Array, options: { compressed?: boolean } = {}): Uint8Array {
    const raw = options.compressed === false;
    const encoder: BlockEncoder = {
      encode: (_nv, headroom) => {
        if (!raw) return this.compress(block, headroom);
        const out = new Uint8Array(headroom + block.length);
        out.set(block, headroom);
        return out;
      },
    };
    return this.header(recordOf(frame, this.wireVersion), encoder);
  }

  private compress(block: Uint8Array, headroom: number): Uint8Array {
    const n = this.deflater.compress(block, block.length);
    const out = new Uint8Array(headroom + n);
    out.set(this.deflater.output.subarray(0, n), headroom);
    return out;
  }

  private text(s: string): Uint8Array {
    return this.encoding === 'latin1' ? Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff) : new TextEncoder().encode(s);
  }

  get wireVersion(): number {
    return this.facts.wireVersion;
  }

  synStream(spec: SynStreamSpec): Uint8Array {
    return this.header({
      type: SYN_STREAM,
      version: spec.version ?? this.wireVersion,
      flags: spec.flags ?? 0,
      length: 0,
      streamId: spec.streamId,
      assocStreamId: spec.assocStreamId ?? 0,
      pri: spec.pri ?? 0,
      slot: spec.slot ?? 0,
      nv: spec.nv ?? [],
    });
  }

  synReply(spec: ReplySpec): Uint8Array {
    return this.header({
      type: SYN_REPLY,
      version: spec.version ?? this.wireVersion,
      flags: spec.flags ?? 0,
      length: 0,
      streamId: spec.streamId,
      nv: spec.nv ?? [],
    });
  }

  headers(spec: ReplySpec): Uint8Array {
    return this.header({
      type: HEADERS,
      version: spec.version ?? this.wireVersion,
      flags: spec.flags ?? 0,
      length: 0,
      streamId: spec.streamId,
      nv: spec.nv ?? [],
    });
  }

  rstStream(streamId: number, statusCode: number, version = this.wireVersion): Uint8Array {
    return encodeRstStream({ type: RST_STREAM, version, flags: 0, length: 0, streamId, statusCode });
  }

  settings(flags: number, iv: SettingsEntry[], version = this.wireVersion): Uint8Array {
    return encodeSettings({ type: SETTINGS, version, flags, length: 0, iv });
  }

  ping(uniqueId: number, version = this.wireVersion): Uint8Array {
    return encodePing({ type: PING, version, flags: 0, length: 0, uniqueId });
  }

  /** GOAWAY in the layout of `version` (SPDY/2: 4 bytes, no status). */
  goaway(lastGoodStreamId: number, statusCode = 0, version = this.wireVersion): Uint8Array {
    return encodeGoaway({ type: GOAWAY, version, flags: 0, length: 0, lastGoodStreamId, statusCode });
  }

  windowUpdate(streamId: number, deltaWindowSize: number, version = this.wireVersion): Uint8Array {
    return encodeWindowUpdate({ type: WINDOW_UPDATE, version, flags: 0, length: 0, streamId, deltaWindowSize });
  }

  noop(version = this.wireVersion): Uint8Array {
    return encodeNoop({ type: NOOP, version, flags: 0, length: 0 });
  }

  /**
   * A well-formed CREDENTIAL (draft 3 §2.6.9): 16-bit slot, 32-bit proof
   * length and the proof, then each certificate as a 32-bit length and its
   * bytes.
   */
  credential(slot: number, proof: Uint8Array, certificates: Uint8Array[], version = this.wireVersion): Uint8Array {
    const payload = new Uint8Array(6 + proof.length + certificates.reduce((n, c) => n + 4 + c.length, 0));
    const view = new DataView(payload.buffer);
    view.setUint16(0, slot);
    view.setUint32(2, proof.length);
    payload.set(proof, 6);
    let at = 6 + proof.length;
    for (const cert of certificates) {
      view.setUint32(at, cert.length);
      payload.set(cert, at + 4);
      at += 4 + cert.length;
    }
    return this.rawCredential(payload, version);
  }

  /** A CREDENTIAL whose payload is `payload`, however malformed. */
  rawCredential(payload: Uint8Array, version = this.wireVersion): Uint8Array {
    return encodeCredential({ type: CREDENTIAL, version, flags: 0, length: 0 }, payload);
  }

  /** A DATA frame carrying `payload`, or `payload` zero bytes when it is a number. */
  data(streamId: number, flags: number, payload: Uint8Array | number): Uint8Array {
    const body = typeof payload === 'number' ? new Uint8Array(payload) : payload;
    const head = encodeDataHead(streamId, flags, body.length);
    const out = new Uint8Array(head.length + body.length);
    out.set(head, 0);
    out.set(body, head.length);
    return out;
  }

  /** A control frame of any type with any payload (the length field says payload.length). */
  raw(type: number, flags: number, payload: Uint8Array, version = this.wireVersion): Uint8Array {
    const out = new Uint8Array(8 + payload.length);
    writeControlHead(out, 0, version, type, flags, payload.length);
    out.set(payload, 8);
    return out;
  }

  private header(frame: Parameters<typeof encodeControlFrame>[1], encoder?: BlockEncoder): Uint8Array {
    // Layout follows the record's own version, the block's lengths too, as
    // a peer of that version writes them; the block goes through this
    // factory's one deflate stream, whatever version the frame claims.
    encoder ??= this.listEncoder(frame.version === 2 ? 2 : frame.version === 3 ? 4 : this.facts.nvLengthSize);
    const bytes = encodeControlFrame({ ...this.facts, wireVersion: frame.version === 2 ? 2 : 3 } as VersionFacts, frame, null, encoder);
    if (bytes === null) throw new Error('header block refused by the encoder');
    if (frame.version !== 2 && frame.version !== 3) {
      // encodeControlFrame writes 2 or 3; put the requested version back.
      bytes[0] = 0x80 | ((frame.version >>> 8) & 0x7f);
      bytes[1] = frame.version & 0xff;
    }
    return bytes;
  }
}
