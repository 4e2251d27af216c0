/**
 * FrameDecoder: byte vectors worked out by hand from the SPDY/2 and SPDY/3 drafts
 * (header blocks in the plain, uncompressed layout of test/helpers/plain-codec.ts),
 * and the outcomes spdylay gives malformed frames (spdylay_session_mem_recv,
 * spdylay_session_process_ctrl_frame, spdylay_frame_unpack_*).
 */
import { describe, expect, it } from 'vitest';
import {
  CREDENTIAL,
  ERR_FRAME_TOO_LARGE,
  ERR_INVALID_ARGUMENT,
  ERR_INVALID_FRAME,
  ERR_INVALID_HEADER_BLOCK,
  ERR_UNSUPPORTED_VERSION,
  ERR_ZLIB,
  GOAWAY,
  HEADERS,
  NOOP,
  PING,
  PROTO_SPDY2,
  PROTO_SPDY3,
  PROTO_SPDY3_1,
  RST_STREAM,
  SETTINGS,
  SYN_REPLY,
  SYN_STREAM,
  WINDOW_UPDATE,
} from '../../../src/core/constants.js';
import { InvalidArgumentError } from '../../../src/core/errors.js';
import { DEFAULT_MAX_SETTINGS_ENTRIES, FrameDecoder, KEPT_PAYLOAD_LIMIT } from '../../../src/core/frame/decoder.js';
import type { FrameSink } from '../../../src/core/frame/sink.js';
import type { HeaderBlockDecoder, HeaderBlockResult } from '../../../src/core/header-codec.js';
import { versionFacts } from '../../../src/core/version.js';
import { ascii, concat, hex } from '../../helpers/bytes.js';
import { createPlainCodec, type PlainDecoder } from '../../helpers/plain-codec.js';
import { RecordingSink, type SinkEvent } from '../../helpers/recording-sink.js';

interface Setup {
  decoder: FrameDecoder;
  sink: RecordingSink;
  headers: PlainDecoder;
}

function setup(
  version: number = PROTO_SPDY3,
  options: { max?: number; maxInflated?: number; maxSettingsEntries?: number; headers?: HeaderBlockDecoder } = {},
): Setup {
  const facts = versionFacts(version)!;
  const codec = createPlainCodec({ lengthSize: facts.nvLengthSize, maxInflated: options.maxInflated });
  const sink = new RecordingSink(options.headers ?? codec.decoder);
  const decoder = new FrameDecoder({
    facts,
    sink,
    maxControlFrameLength: options.max,
    maxSettingsEntries: options.maxSettingsEntries,
  });
  return { decoder, sink, headers: codec.decoder };
}

/**
 * Decodes `bytes` twice, in one push and one byte per push, checks both
 * logs agree, and returns the log.
 */
function decode(
  bytes: Uint8Array,
  version: number = PROTO_SPDY3,
  options: { max?: number; maxInflated?: number; maxSettingsEntries?: number } = {},
): SinkEvent[] {
  const whole = setup(version, options);
  whole.decoder.push(bytes);
  const single = setup(version, options);
  for (let i = 0; i < bytes.length; i++) single.decoder.push(bytes.slice(i, i + 1));
  expect(single.sink.log()).toEqual(whole.sink.log());
  return whole.sink.log();
}

const head = (bytes: Uint8Array) => bytes.slice(0, 8);
const body = (bytes: Uint8Array) => bytes.slice(8);

describe('FrameDecoder: control frames, SPDY/2 and SPDY/3 layouts', () => {
  it('SETTINGS: the wire-format.md vectors (SPDY/2 ids little-endian before the flags)', () => {
    const iv = [
      [4, 0, 100],
      [7, 1, 65536],
    ];
    const v2 = hex('80 02 00 04 01 00 00 14 00 00 00 02 04 00 00 00 00 00 00 64 07 00 00 01 00 01 00 00');
    const v3 = hex('80 03 00 04 01 00 00 14 00 00 00 02 00 00 00 04 00 00 00 64 01 00 00 07 00 01 00 00');
    expect(decode(v2, PROTO_SPDY2)).toEqual([{ e: 'ctrl', frame: { type: SETTINGS, version: 2, flags: 1, length: 20, iv } }]);
    expect(decode(v3, PROTO_SPDY3)).toEqual([{ e: 'ctrl', frame: { type: SETTINGS, version: 3, flags: 1, length: 20, iv } }]);
  });

  it('SETTINGS: 24-bit ids, unsigned 32-bit values and count, no entries', () => {
    // SPDY/3 entry: flags 02, id 0xabcdef; value 0xffffffff.
    const v3 = hex('80 03 00 04 00 00 00 0c 00 00 00 01 02 ab cd ef ff ff ff ff');
    expect(decode(v3)).toEqual([{ e: 'ctrl', frame: { type: SETTINGS, version: 3, flags: 0, length: 12, iv: [[0xabcdef, 2, 0xffffffff]] } }]);
    // SPDY/2 entry: id bytes ef cd ab little-endian, then flags 02.
    const v2 = hex('80 02 00 04 00 00 00 0c 00 00 00 01 ef cd ab 02 80 00 00 00');
    expect(decode(v2, PROTO_SPDY2)).toEqual([{ e: 'ctrl', frame: { type: SETTINGS, version: 2, flags: 0, length: 12, iv: [[0xabcdef, 2, 0x80000000]] } }]);
    expect(decode(hex('80 03 00 04 00 00 00 04 00 00 00 00'))).toEqual([
      { e: 'ctrl', frame: { type: SETTINGS, version: 3, flags: 0, length: 4, iv: [] } },
    ]);
  });

  it("SPDY/2 accepts spdy-transport's 8-byte GOAWAY (spdylay refuses it as INVALID_FRAME); SPDY/2 has no status, so it reports 0", () => {
    // spdy-transport writes last-good-stream-id and a status in every version.
    const bytes = hex('80 02 00 07 00 00 00 08 00 00 00 03 00 00 00 01');
    const frame = { type: GOAWAY, version: 2, flags: 0, length: 8, lastGoodStreamId: 3, statusCode: 0 };
    expect(decode(bytes, PROTO_SPDY2)).toEqual([{ e: 'ctrl', frame }]);
    expect(decode(bytes, PROTO_SPDY3)).toEqual([{ e: 'ctrl', frame }]);
  });

  it('GOAWAY: the SPDY/2 vector (4 bytes, no status) and SPDY/3 (8 bytes)', () => {
    expect(decode(hex('80 02 00 07 00 00 00 04 00 00 00 00'), PROTO_SPDY2)).toEqual([
      { e: 'ctrl', frame: { type: GOAWAY, version: 2, flags: 0, length: 4, lastGoodStreamId: 0, statusCode: 0 } },
    ]);
    // Reserved bit of the last-good id set on the wire: masked.
    expect(decode(hex('80 03 00 07 00 00 00 08 80 00 00 05 00 00 00 02'))).toEqual([
      { e: 'ctrl', frame: { type: GOAWAY, version: 3, flags: 0, length: 8, lastGoodStreamId: 5, statusCode: 2 } },
    ]);
  });

  it('RST_STREAM: reserved bit masked, 32-bit status unsigned', () => {
    expect(decode(hex('80 03 00 03 00 00 00 08 80 00 00 01 ff ff ff ff'))).toEqual([
      { e: 'ctrl', frame: { type: RST_STREAM, version: 3, flags: 0, length: 8, streamId: 1, statusCode: 0xffffffff } },
    ]);
  });

  it('PING: 32-bit id unsigned', () => {
    expect(decode(hex('80 02 00 06 00 00 00 04 ff ff ff fe'), PROTO_SPDY2)).toEqual([
      { e: 'ctrl', frame: { type: PING, version: 2, flags: 0, length: 4, uniqueId: 0xfffffffe } },
    ]);
  });

  it('WINDOW_UPDATE: both 31-bit fields masked; SPDY/2 still parses it (spdylay then ignores it)', () => {
    const v3 = hex('80 03 00 09 00 00 00 08 80 00 00 03 80 00 10 00');
    expect(decode(v3, PROTO_SPDY3_1)).toEqual([
      { e: 'ctrl', frame: { type: WINDOW_UPDATE, version: 3, flags: 0, length: 8, streamId: 3, deltaWindowSize: 0x1000 } },
    ]);
    const v2 = hex('80 02 00 09 00 00 00 08 00 00 00 00 00 08 00 00');
    expect(decode(v2, PROTO_SPDY2)).toEqual([
      { e: 'ctrl', frame: { type: WINDOW_UPDATE, version: 2, flags: 0, length: 8, streamId: 0, deltaWindowSize: 0x80000 } },
    ]);
  });

  it('NOOP: reported in any version and with any length, payload skipped (spdylay ignores it)', () => {
    expect(decode(hex('80 02 00 05 00 00 00 00'), PROTO_SPDY2)).toEqual([
      { e: 'ctrl', frame: { type: NOOP, version: 2, flags: 0, length: 0 } },
    ]);
    expect(decode(hex('80 03 00 05 07 00 00 03 aa bb cc'))).toEqual([
      { e: 'ctrl', frame: { type: NOOP, version: 3, flags: 7, length: 3 } },
    ]);
  });

  it('CREDENTIAL: reported by its head alone, its payload (slot, proof, certificates) skipped unread', () => {
    // slot 1, proof "ab", certificates "xyz" and "" .
    const bytes = concat(hex('80 03 00 0a 00 00 00 13 00 01 00 00 00 02'), ascii('ab'), hex('00 00 00 03'), ascii('xyz'), hex('00 00 00 00'));
    expect(decode(bytes)).toEqual([{ e: 'ctrl', frame: { type: CREDENTIAL, version: 3, flags: 0, length: 19 } }]);
  });
});

describe('FrameDecoder: header frames', () => {
  // Blocks are plain (uncompressed) name/value layouts, see plain-codec.ts.
  it('SYN_STREAM SPDY/2: priority in the top 2 bits, byte 17 unused, 16-bit block lengths', () => {
    const bytes = hex(`80 02 00 01 01 00 00 14  00 00 00 01  00 00 00 00  c0 00
                       00 01  00 03 75 72 6c  00 01 2f`);
    expect(decode(bytes, PROTO_SPDY2)).toEqual([
      {
        e: 'ctrl',
        frame: { type: SYN_STREAM, version: 2, flags: 1, length: 20, streamId: 1, assocStreamId: 0, pri: 3, slot: 0, nv: [['url', '/']] },
      },
    ]);
  });

  it('SYN_STREAM SPDY/3: priority in the top 3 bits, slot, reserved bits masked', () => {
    const bytes = hex(`80 03 00 01 02 00 00 1c  80 00 00 03  80 00 00 01  ff 05
                       00 00 00 01  00 00 00 05 3a 70 61 74 68  00 00 00 01 2f`);
    expect(decode(bytes)).toEqual([
      {
        e: 'ctrl',
        frame: { type: SYN_STREAM, version: 3, flags: 2, length: 28, streamId: 3, assocStreamId: 1, pri: 7, slot: 5, nv: [[':path', '/']] },
      },
    ]);
  });

  it('SYN_REPLY: SPDY/2 has 2 unused bytes before the block, SPDY/3 none', () => {
    const v2 = hex('80 02 00 02 00 00 00 15  00 00 00 01  00 00  00 01 00 06 73 74 61 74 75 73 00 03 32 30 30');
    expect(decode(v2, PROTO_SPDY2)).toEqual([
      { e: 'ctrl', frame: { type: SYN_REPLY, version: 2, flags: 0, length: 21, streamId: 1, nv: [['status', '200']] } },
    ]);
    const v3 = hex('80 03 00 02 01 00 00 1a  80 00 00 01  00 00 00 01 00 00 00 07 3a 73 74 61 74 75 73 00 00 00 03 32 30 30');
    expect(decode(v3)).toEqual([
      { e: 'ctrl', frame: { type: SYN_REPLY, version: 3, flags: 1, length: 26, streamId: 1, nv: [[':status', '200']] } },
    ]);
  });

  it('HEADERS: same layout as SYN_REPLY', () => {
    const v2 = hex('80 02 00 08 00 00 00 0e  00 00 00 05  00 00  00 01 00 01 78 00 01 79');
    expect(decode(v2, PROTO_SPDY2)).toEqual([
      { e: 'ctrl', frame: { type: HEADERS, version: 2, flags: 0, length: 14, streamId: 5, nv: [['x', 'y']] } },
    ]);
    const v3 = hex('80 03 00 08 00 00 00 12  00 00 00 05  00 00 00 01 00 00 00 01 78 00 00 00 01 79');
    expect(decode(v3)).toEqual([
      { e: 'ctrl', frame: { type: HEADERS, version: 3, flags: 0, length: 18, streamId: 5, nv: [['x', 'y']] } },
    ]);
  });

  it('hands each compressed slice to headers.push as a view of the input, never buffered', () => {
    const bytes = hex(`80 03 00 01 00 00 00 1c  00 00 00 01  00 00 00 00  00 00
                       00 00 00 01  00 00 00 05 3a 70 61 74 68  00 00 00 01 2f`);
    const { decoder, headers } = setup();
    decoder.push(bytes);
    expect(headers.begins).toBe(1);
    expect(headers.pushed).toHaveLength(1);
    expect(headers.pushed[0]!.buffer).toBe(bytes.buffer);
    expect(headers.pushed[0]!.byteOffset).toBe(18);

    // Split mid-block: one push per arriving piece, each a view of its chunk.
    const split = setup();
    const a = bytes.slice(0, 25);
    const b = bytes.slice(25);
    split.decoder.push(a);
    expect(split.headers.pushed).toHaveLength(1);
    expect(split.headers.ends).toBe(0);
    split.decoder.push(b);
    expect(split.headers.pushed.map((p) => p.length)).toEqual([7, 11]);
    expect(split.headers.pushed[1]!.buffer).toBe(b.buffer);
    expect(split.headers.ends).toBe(1);
  });

  it('SYN_STREAM without a block (length 10): parse error INVALID_FRAME, the inflater never used', () => {
    // spdylay's test_spdylay_session_recv: "SYN_STREAM without name/value header block" -> GOAWAY.
    const bytes = hex('80 02 00 01 00 00 00 0a 00 00 00 05 00 00 00 00 c0 00');
    const { decoder, sink, headers } = setup(PROTO_SPDY2);
    decoder.push(bytes);
    expect(sink.log()).toEqual([{ e: 'parse-error', type: SYN_STREAM, head: head(bytes), payload: body(bytes), error: ERR_INVALID_FRAME }]);
    expect(headers.begins).toBe(0);
    // Shorter than the fixed part too.
    const short = hex('80 03 00 02 00 00 00 02 00 01');
    expect(decode(short)).toEqual([{ e: 'parse-error', type: SYN_REPLY, head: head(short), payload: hex('00 01'), error: ERR_INVALID_FRAME }]);
    // SPDY/2 SYN_REPLY needs more than its 6 fixed bytes.
    const v2 = hex('80 02 00 02 00 00 00 06 00 00 00 01 00 00');
    expect(decode(v2, PROTO_SPDY2)).toEqual([{ e: 'parse-error', type: SYN_REPLY, head: head(v2), payload: body(v2), error: ERR_INVALID_FRAME }]);
  });

  it('bad block content (upper-case name): header-block error INVALID_HEADER_BLOCK, a stream error', () => {
    const bytes = hex('80 03 00 08 00 00 00 12  00 00 00 05  00 00 00 01 00 00 00 01 58 00 00 00 01 79');
    expect(decode(bytes)).toEqual([
      {
        e: 'header-error',
        frame: { type: HEADERS, version: 3, flags: 0, length: 18, streamId: 5, nv: [] },
        error: ERR_INVALID_HEADER_BLOCK,
        head: head(bytes),
        payload: hex('00 00 00 05'),
      },
    ]);
  });

  it('block lengths that do not add up: INVALID_FRAME through onHeaderBlockError (a parse error in spdylay)', () => {
    // One pair announced, a trailing byte after it.
    const bytes = hex('80 02 00 02 00 00 00 0f  00 00 00 07  00 00  00 01 00 01 78 00 01 79 ee');
    expect(decode(bytes, PROTO_SPDY2)).toEqual([
      {
        e: 'header-error',
        frame: { type: SYN_REPLY, version: 2, flags: 0, length: 15, streamId: 7, nv: [] },
        error: ERR_INVALID_FRAME,
        head: head(bytes),
        payload: hex('00 00 00 07 00 00'),
      },
    ]);
  });

  it('a broken zlib stream: ERR_ZLIB with the fixed part as payload', () => {
    const zlibBroken: HeaderBlockDecoder = {
      begin() {},
      push() {},
      end: (): HeaderBlockResult => ({ ok: false, error: ERR_ZLIB }),
    };
    const sink = new RecordingSink(zlibBroken);
    const decoder = new FrameDecoder({ facts: versionFacts(PROTO_SPDY3)!, sink });
    const bytes = hex('80 03 00 01 01 00 00 0c  00 00 00 01  00 00 00 00  20 00  de ad');
    decoder.push(bytes);
    expect(sink.log()).toEqual([
      {
        e: 'header-error',
        frame: { type: SYN_STREAM, version: 3, flags: 1, length: 12, streamId: 1, assocStreamId: 0, pri: 1, slot: 0, nv: [] },
        error: ERR_ZLIB,
        head: head(bytes),
        payload: hex('00 00 00 01 00 00 00 00 20 00'),
      },
    ]);
  });

  it('a SYN_STREAM of an unknown version: block fed to the codec, then UNSUPPORTED_VERSION', () => {
    const bytes = hex('80 04 00 01 00 00 00 12  00 00 00 01  00 00 00 00  00 00  00 00 00 00 00 00 00 00');
    const { decoder, sink, headers } = setup(PROTO_SPDY3);
    decoder.push(bytes);
    expect(headers.ends).toBe(1);
    expect(sink.log()).toEqual([
      {
        e: 'header-error',
        frame: { type: SYN_STREAM, version: 4, flags: 0, length: 18, streamId: 1, assocStreamId: 0, pri: 0, slot: 0, nv: [] },
        error: ERR_UNSUPPORTED_VERSION,
        head: head(bytes),
        payload: body(bytes).slice(0, 10),
      },
    ]);
    // With no block at all: a plain parse error, same code (spdylay checks the version first).
    const short = hex('80 01 00 01 00 00 00 0a 00 00 00 01 00 00 00 00 00 00');
    expect(decode(short)).toEqual([{ e: 'parse-error', type: SYN_STREAM, head: head(short), payload: body(short), error: ERR_UNSUPPORTED_VERSION }]);
  });

  it('a SYN_REPLY/HEADERS of an unknown version: INVALID_FRAME (spdylay release builds), zlib kept in step', () => {
    // Read with the session's layout (SPDY/3: 4 fixed bytes); the block still reaches the codec.
    const bytes = hex('80 05 00 02 00 00 00 08  00 00 00 01  00 00 00 00');
    const { decoder, sink, headers } = setup(PROTO_SPDY3);
    decoder.push(bytes);
    expect(headers.ends).toBe(1);
    expect(sink.log()).toEqual([
      {
        e: 'header-error',
        frame: { type: SYN_REPLY, version: 5, flags: 0, length: 8, streamId: 1, nv: [] },
        error: ERR_INVALID_FRAME,
        head: head(bytes),
        payload: hex('00 00 00 01'),
      },
    ]);
  });

  it('a frame of the other supported version is parsed by its own layout and reported with its version', () => {
    // SPDY/2 SYN_REPLY on a SPDY/3 session: 2 unused bytes honoured; the session then ignores it.
    // (The block is the session codec's: a 32-bit count of 0.)
    const bytes = hex('80 02 00 02 00 00 00 0a  00 00 00 01  00 00  00 00 00 00');
    expect(decode(bytes, PROTO_SPDY3)).toEqual([
      { e: 'ctrl', frame: { type: SYN_REPLY, version: 2, flags: 0, length: 10, streamId: 1, nv: [] } },
    ]);
    // SPDY/3 SETTINGS on a SPDY/2 session: SPDY/3 entry layout.
    const settings = hex('80 03 00 04 00 00 00 0c 00 00 00 01 01 00 00 07 00 00 10 00');
    expect(decode(settings, PROTO_SPDY2)).toEqual([
      { e: 'ctrl', frame: { type: SETTINGS, version: 3, flags: 0, length: 12, iv: [[7, 1, 4096]] } },
    ]);
  });
});

describe('FrameDecoder: malformed control frames (spdylay outcomes)', () => {
  const cases: Array<[string, string, number, number]> = [
    // [what, bytes, session version, error]
    ['RST_STREAM of length 7', '80 03 00 03 00 00 00 07 00 00 00 01 00 00 00', PROTO_SPDY3, ERR_INVALID_FRAME],
    ['RST_STREAM of length 9', '80 02 00 03 00 00 00 09 00 00 00 01 00 00 00 01 00', PROTO_SPDY2, ERR_INVALID_FRAME],
    ['PING of length 5', '80 03 00 06 00 00 00 05 00 00 00 01 00', PROTO_SPDY3, ERR_INVALID_FRAME],
    ['PING of length 0', '80 03 00 06 00 00 00 00', PROTO_SPDY3, ERR_INVALID_FRAME],
    ['WINDOW_UPDATE of length 4', '80 03 00 09 00 00 00 04 00 00 00 01', PROTO_SPDY3, ERR_INVALID_FRAME],
    ['SPDY/2 WINDOW_UPDATE of length 4', '80 02 00 09 00 00 00 04 00 00 00 01', PROTO_SPDY2, ERR_INVALID_FRAME],
    ['SPDY/2 GOAWAY of length 12', '80 02 00 07 00 00 00 0c 00 00 00 01 00 00 00 00 00 00 00 00', PROTO_SPDY2, ERR_INVALID_FRAME],
    ['SPDY/3 GOAWAY of length 4', '80 03 00 07 00 00 00 04 00 00 00 01', PROTO_SPDY3, ERR_INVALID_FRAME],
    ['GOAWAY of version 1 (version checked before length)', '80 01 00 07 00 00 00 04 00 00 00 01', PROTO_SPDY3, ERR_UNSUPPORTED_VERSION],
    ['SETTINGS of length 3', '80 03 00 04 00 00 00 03 00 00 00', PROTO_SPDY3, ERR_INVALID_FRAME],
    ['SETTINGS of length 5', '80 03 00 04 00 00 00 05 00 00 00 00 00', PROTO_SPDY3, ERR_INVALID_FRAME],
    ['SETTINGS whose count disagrees with its length', '80 03 00 04 00 00 00 0c 00 00 00 02 00 00 00 04 00 00 00 64', PROTO_SPDY3, ERR_INVALID_FRAME],
    ['SETTINGS of version 4', '80 04 00 04 00 00 00 04 00 00 00 00', PROTO_SPDY3, ERR_UNSUPPORTED_VERSION],
  ];
  it.each(cases)('%s: parse error', (_what, text, version, error) => {
    const bytes = hex(text);
    const type = (bytes[2]! << 8) | bytes[3]!;
    expect(decode(bytes, version)).toEqual([{ e: 'parse-error', type, head: head(bytes), payload: body(bytes), error }]);
  });

  it('an unknown type, whatever its version, goes to onUnknownFrame with its payload', () => {
    const bytes = hex('80 03 00 0b 05 00 00 03 01 02 03');
    expect(decode(bytes)).toEqual([{ e: 'unknown', head: head(bytes), payload: hex('01 02 03') }]);
    const zero = hex('80 07 00 00 00 00 00 00');
    expect(decode(zero)).toEqual([{ e: 'unknown', head: zero, payload: new Uint8Array(0) }]);
  });

  it('decoding continues after a malformed frame', () => {
    const bytes = concat(hex('80 03 00 06 00 00 00 05 00 00 00 01 00'), hex('80 03 00 06 00 00 00 04 00 00 00 02'));
    expect(decode(bytes)).toEqual([
      { e: 'parse-error', type: PING, head: bytes.slice(0, 8), payload: bytes.slice(8, 13), error: ERR_INVALID_FRAME },
      { e: 'ctrl', frame: { type: PING, version: 3, flags: 0, length: 4, uniqueId: 2 } },
    ]);
  });

  it(`keeps at most ${KEPT_PAYLOAD_LIMIT} payload bytes for a callback and skips the rest`, () => {
    const payload = new Uint8Array(KEPT_PAYLOAD_LIMIT + 1000).map((_, i) => i * 7);
    const unknown = concat(hex('80 03 00 63 00 01 03 e8'), payload);
    const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));
    const { decoder, sink } = setup();
    decoder.push(unknown);
    const [first] = sink.log() as Array<Extract<SinkEvent, { e: 'unknown' }>>;
    expect(first!.e).toBe('unknown');
    expect(same(first!.payload, payload.subarray(0, KEPT_PAYLOAD_LIMIT))).toBe(true);
    const settings = concat(hex('80 03 00 04 00 01 03 e8'), payload);
    const second = setup();
    for (let at = 0; at < settings.length; at += 4000) second.decoder.push(settings.slice(at, at + 4000));
    const [error] = second.sink.log() as Array<Extract<SinkEvent, { e: 'parse-error' }>>;
    expect(error).toMatchObject({ e: 'parse-error', type: SETTINGS, error: ERR_INVALID_FRAME });
    expect(same(error!.payload, payload.subarray(0, KEPT_PAYLOAD_LIMIT))).toBe(true);
  });

  // spdylay_frame_unpack_credential would refuse each of these as INVALID_FRAME (a session error).
  const credentials: Array<[string, string]> = [
    ['of length 0', '80 03 00 0a 00 00 00 00'],
    ['of length 9', '80 03 00 0a 00 00 00 09 00 01 00 00 00 00 00 00 00'],
    ['without a certificate', '80 03 00 0a 00 00 00 0a 00 01 00 00 00 04 61 62 63 64'],
    ['whose proof overruns', '80 03 00 0a 00 00 00 0a 00 01 ff ff ff ff 00 00 00 00'],
    ['with a short certificate', '80 03 00 0a 00 00 00 0c 00 01 00 00 00 00 00 00 00 05 61 62'],
    ['with trailing bytes', '80 03 00 0a 00 00 00 0d 00 01 00 00 00 00 00 00 00 00 61 62 63'],
    ['of version 2', '80 02 00 0a 00 00 00 02 61 62'],
    ['of version 7', '80 07 00 0a 01 00 00 02 61 62'],
  ];
  it.each(credentials)('a CREDENTIAL %s: the same head-only record, no parse error', (_what, text) => {
    const bytes = hex(text);
    const frame = { type: CREDENTIAL, version: bytes[1]!, flags: bytes[4]!, length: bytes.length - 8 };
    expect(decode(bytes)).toEqual([{ e: 'ctrl', frame }]);
    expect(decode(bytes, PROTO_SPDY2)).toEqual([{ e: 'ctrl', frame }]);
  });

  it('a CREDENTIAL over maxControlFrameLength, split or whole, is skipped the same way and keeps nothing', () => {
    const payload = new Uint8Array(KEPT_PAYLOAD_LIMIT * 3).map((_, i) => i);
    const bytes = concat(hex('80 03 00 0a 00'), hex(payload.length.toString(16).padStart(6, '0')), payload, hex('80 03 00 06 00 00 00 04 00 00 00 02'));
    const expected = [
      { e: 'ctrl', frame: { type: CREDENTIAL, version: 3, flags: 0, length: payload.length } },
      { e: 'ctrl', frame: { type: PING, version: 3, flags: 0, length: 4, uniqueId: 2 } },
    ];
    expect(decode(bytes, PROTO_SPDY3, { max: 16 })).toEqual(expected);
    const { decoder, sink } = setup();
    for (let at = 0; at < bytes.length; at += 1000) decoder.push(bytes.slice(at, at + 1000));
    expect(sink.log()).toEqual(expected);
    expect((decoder as unknown as { kept: Uint8Array }).kept.length).toBe(0);
  });

  it('hands callbacks fresh copies that later input cannot overwrite', () => {
    const { decoder, sink } = setup();
    decoder.push(hex('80 03 00 0b 00 00 00 02 aa bb'));
    decoder.push(hex('80 03 00 0c 00 00 00 02 cc dd'));
    expect(sink.events).toEqual([
      { e: 'unknown', head: hex('80 03 00 0b 00 00 00 02'), payload: hex('aa bb') },
      { e: 'unknown', head: hex('80 03 00 0c 00 00 00 02'), payload: hex('cc dd') },
    ]);
  });
});

describe('FrameDecoder: maxSettingsEntries', () => {
  /** A SPDY/3 SETTINGS of `count` entries, id k+1 each (ids above 8 are the session's to skip). */
  function settings(count: number): Uint8Array {
    const bytes = new Uint8Array(12 + 8 * count);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, 0x80030004);
    view.setUint32(4, 4 + 8 * count);
    view.setUint32(8, count);
    for (let k = 0; k < count; k++) view.setUint32(12 + 8 * k, k + 1);
    return bytes;
  }

  it(`accepts up to ${DEFAULT_MAX_SETTINGS_ENTRIES} entries by default; one more is INVALID_FRAME, the payload kept for the callback`, () => {
    const most = settings(DEFAULT_MAX_SETTINGS_ENTRIES);
    const [accepted] = decode(most);
    expect(accepted).toMatchObject({ e: 'ctrl', frame: { type: SETTINGS, length: most.length - 8 } });
    expect((accepted as { frame: { iv: unknown[] } }).frame.iv).toHaveLength(DEFAULT_MAX_SETTINGS_ENTRIES);
    const over = settings(DEFAULT_MAX_SETTINGS_ENTRIES + 1);
    expect(decode(over)).toEqual([{ e: 'parse-error', type: SETTINGS, head: head(over), payload: body(over), error: ERR_INVALID_FRAME }]);
  });

  it('is configurable, and refuses below a count that agrees with the length', () => {
    expect(decode(settings(3), PROTO_SPDY3, { maxSettingsEntries: 3 })[0]).toMatchObject({ e: 'ctrl' });
    expect(decode(settings(4), PROTO_SPDY3, { maxSettingsEntries: 3 })[0]).toMatchObject({ e: 'parse-error', error: ERR_INVALID_FRAME });
    expect(() => setup(PROTO_SPDY3, { maxSettingsEntries: -1 })).toThrow(InvalidArgumentError);
    expect(() => setup(PROTO_SPDY3, { maxSettingsEntries: 2.5 })).toThrow(InvalidArgumentError);
  });

  it('a 2,097,151-entry SETTINGS (16 MiB, legal by length) is refused from its count: no entry is read, what is kept is bounded', () => {
    const count = 0x1fffff;
    const length = 4 + 8 * count;
    const start = hex(`80 03 00 04 00 ${length.toString(16).padStart(6, '0')} ${count.toString(16).padStart(8, '0')}`);
    const filler = new Uint8Array(1 << 16).fill(0x01);
    const { decoder, sink } = setup();
    const internals = decoder as unknown as { iv: unknown[]; kept: Uint8Array };
    decoder.push(start);
    for (let left = length - 4; left > 0; left -= filler.length) {
      decoder.push(filler.subarray(0, Math.min(left, filler.length)));
      // Refused from the count: no entry is ever read, nothing beyond the bound kept.
      expect(internals.iv).toHaveLength(0);
      expect(internals.kept.length).toBeLessThanOrEqual(KEPT_PAYLOAD_LIMIT);
    }
    const events = sink.log();
    expect(events).toHaveLength(1);
    const [error] = events as Array<Extract<SinkEvent, { e: 'parse-error' }>>;
    expect(error).toMatchObject({ e: 'parse-error', type: SETTINGS, error: ERR_INVALID_FRAME });
    expect(error!.payload.length).toBe(KEPT_PAYLOAD_LIMIT);
    expect(error!.payload.subarray(0, 8)).toEqual(hex('00 1f ff ff 01 01 01 01'));
    decoder.push(hex('80 03 00 06 00 00 00 04 00 00 00 02'));
    expect(sink.log()[1]).toMatchObject({ e: 'ctrl', frame: { type: PING, uniqueId: 2 } });
  });
});

describe('FrameDecoder: maxControlFrameLength', () => {
  it('rejects values outside 0..2^24-1', () => {
    const base = { facts: versionFacts(PROTO_SPDY3)!, sink: new RecordingSink(createPlainCodec({ lengthSize: 4 }).decoder) };
    expect(() => new FrameDecoder({ ...base, maxControlFrameLength: -1 })).toThrow(InvalidArgumentError);
    expect(() => new FrameDecoder({ ...base, maxControlFrameLength: 0x1000000 })).toThrow(InvalidArgumentError);
    expect(() => new FrameDecoder({ ...base, maxControlFrameLength: 1.5 })).toThrow(expect.objectContaining({ code: ERR_INVALID_ARGUMENT }));
  });

  it('a too-large header frame: fixed part read, block inflated and dropped, FRAME_TOO_LARGE (a stream error)', () => {
    // spdylay's test_spdylay_session_recv: RST_STREAM FRAME_TOO_LARGE for stream 1.
    const bytes = hex('80 03 00 08 00 00 00 12  00 00 00 01  00 00 00 01 00 00 00 01 78 00 00 00 01 79');
    const { decoder, sink, headers } = setup(PROTO_SPDY3, { max: 8 });
    decoder.push(bytes);
    expect(headers.pushed.reduce((n, p) => n + p.length, 0)).toBe(14);
    expect(headers.ends).toBe(1);
    expect(sink.log()).toEqual([
      {
        e: 'header-error',
        frame: { type: HEADERS, version: 3, flags: 0, length: 18, streamId: 1, nv: [] },
        error: ERR_FRAME_TOO_LARGE,
        head: head(bytes),
        payload: hex('00 00 00 01'),
      },
    ]);
  });

  it('the inflated block over its cap: FRAME_TOO_LARGE from the codec', () => {
    const bytes = hex('80 03 00 08 00 00 00 12  00 00 00 01  00 00 00 01 00 00 00 01 78 00 00 00 01 79');
    expect(decode(bytes, PROTO_SPDY3, { maxInflated: 13 })).toEqual([
      {
        e: 'header-error',
        frame: { type: HEADERS, version: 3, flags: 0, length: 18, streamId: 1, nv: [] },
        error: ERR_FRAME_TOO_LARGE,
        head: head(bytes),
        payload: hex('00 00 00 01'),
      },
    ]);
  });

  it('a too-large frame of another type: nothing kept, then spdylay\'s unpack verdict on an empty payload', () => {
    const ping = hex('80 03 00 06 00 00 00 04 00 00 00 01');
    expect(decode(ping, PROTO_SPDY3, { max: 3 })).toEqual([
      { e: 'parse-error', type: PING, head: head(ping), payload: new Uint8Array(0), error: ERR_INVALID_FRAME },
    ]);
    const settings = hex('80 03 00 04 00 00 00 0c 00 00 00 01 00 00 00 04 00 00 00 64');
    expect(decode(settings, PROTO_SPDY3, { max: 11 })).toEqual([
      { e: 'parse-error', type: SETTINGS, head: head(settings), payload: new Uint8Array(0), error: ERR_INVALID_FRAME },
    ]);
    const goaway = hex('80 04 00 07 00 00 00 08 00 00 00 01 00 00 00 00');
    expect(decode(goaway, PROTO_SPDY3, { max: 4 })).toEqual([
      { e: 'parse-error', type: GOAWAY, head: head(goaway), payload: new Uint8Array(0), error: ERR_UNSUPPORTED_VERSION },
    ]);
    const unknown = hex('80 03 00 20 00 00 00 05 01 02 03 04 05');
    expect(decode(unknown, PROTO_SPDY3, { max: 4 })).toEqual([{ e: 'unknown', head: head(unknown), payload: new Uint8Array(0) }]);
    const noop = hex('80 02 00 05 00 00 00 05 01 02 03 04 05');
    expect(decode(noop, PROTO_SPDY2, { max: 4 })).toEqual([{ e: 'ctrl', frame: { type: NOOP, version: 2, flags: 0, length: 5 } }]);
  });

  it('frames at the limit pass', () => {
    const ping = hex('80 03 00 06 00 00 00 04 00 00 00 01');
    expect(decode(ping, PROTO_SPDY3, { max: 4 })).toEqual([{ e: 'ctrl', frame: { type: PING, version: 3, flags: 0, length: 4, uniqueId: 1 } }]);
  });
});

describe('FrameDecoder: DATA', () => {
  it('hands the payload to the sink as views of the input, never copies', () => {
    const bytes = hex('00 00 00 01 01 00 00 03 61 62 63');
    const { decoder, sink } = setup();
    decoder.push(bytes);
    expect(sink.log()).toEqual([{ e: 'data', streamId: 1, flags: 1, length: 3, payload: ascii('abc') }]);
    expect(sink.chunks).toHaveLength(1);
    expect(sink.chunks[0]!.buffer).toBe(bytes.buffer);
    expect(sink.chunks[0]!.byteOffset).toBe(8);
  });

  it('chunk boundaries follow the input; the flags byte is passed through unchanged', () => {
    const bytes = hex('7f ff ff ff fe 00 00 06 01 02 03 04 05 06');
    const { decoder, sink } = setup();
    const a = bytes.slice(0, 10);
    const b = bytes.slice(10, 12);
    const c = bytes.slice(12);
    decoder.push(a);
    decoder.push(b);
    decoder.push(c);
    expect(sink.chunks.map((x) => x.length)).toEqual([2, 2, 2]);
    expect(sink.chunks[1]!.buffer).toBe(b.buffer);
    expect(sink.log()).toEqual([{ e: 'data', streamId: 0x7fffffff, flags: 0xfe, length: 6, payload: hex('01 02 03 04 05 06') }]);
  });

  it('an empty DATA frame has a begin and an end and no chunk', () => {
    const bytes = concat(hex('00 00 00 03 01 00 00 00'), hex('80 03 00 06 00 00 00 04 00 00 00 07'));
    const { decoder, sink } = setup();
    decoder.push(bytes);
    expect(sink.calls).toBe(3);
    expect(sink.log()).toEqual([
      { e: 'data', streamId: 3, flags: 1, length: 0, payload: new Uint8Array(0) },
      { e: 'ctrl', frame: { type: PING, version: 3, flags: 0, length: 4, uniqueId: 7 } },
    ]);
  });

  it('one byte at a time gives one chunk per byte and the same frames', () => {
    const bytes = concat(hex('00 00 00 02 00 00 00 04 0a 0b 0c 0d'), hex('80 02 00 07 00 00 00 04 00 00 00 02'));
    const log = decode(bytes, PROTO_SPDY2);
    expect(log).toEqual([
      { e: 'data', streamId: 2, flags: 0, length: 4, payload: hex('0a 0b 0c 0d') },
      { e: 'ctrl', frame: { type: GOAWAY, version: 2, flags: 0, length: 4, lastGoodStreamId: 2, statusCode: 0 } },
    ]);
  });
});

describe('FrameDecoder: a sink that throws', () => {
  it('leaves the decoder consistent: it is past the event that threw, and the bytes after that event resume from there', () => {
    const pings = concat(
      hex('80 03 00 06 00 00 00 04 00 00 00 01'),
      hex('00 00 00 01 00 00 00 00'),
      hex('80 03 00 06 00 00 00 04 00 00 00 03'),
    );
    const seen: string[] = [];
    let throwOn = 'ping 1';
    const recording = new RecordingSink(createPlainCodec({ lengthSize: 4 }).decoder);
    const sink: FrameSink = {
      onControlFrame(frame) {
        recording.onControlFrame(frame);
        const what = `ping ${(frame as { uniqueId: number }).uniqueId}`;
        seen.push(what);
        if (what === throwOn) throw new Error('boom');
      },
      onHeaderBlockBegin: () => recording.onHeaderBlockBegin(),
      onHeaderBlockChunk: (...a) => recording.onHeaderBlockChunk(...a),
      onHeaderBlockEnd: (...a) => recording.onHeaderBlockEnd(...a),
      onParseError: (...a) => recording.onParseError(...a),
      onUnknownFrame: (...a) => recording.onUnknownFrame(...a),
      onDataBegin(...a) {
        recording.onDataBegin(...a);
        seen.push('data begin');
        if (throwOn === 'data begin') throw new Error('boom');
      },
      onDataChunk: (...a) => recording.onDataChunk(...a),
      onDataEnd(...a) {
        recording.onDataEnd(...a);
        seen.push('data end');
      },
    };
    const decoder = new FrameDecoder({ facts: versionFacts(PROTO_SPDY3)!, sink });
    // The first PING is 12 bytes and the empty DATA frame's head 8: where each event ends.
    expect(() => decoder.push(pings)).toThrow('boom');
    throwOn = 'data begin';
    expect(() => decoder.push(pings.subarray(12))).toThrow('boom');
    // The empty DATA frame's end needs no more bytes: it comes with the next push.
    throwOn = '';
    decoder.push(pings.subarray(20));
    expect(seen).toEqual(['ping 1', 'data begin', 'data end', 'ping 3']);
    expect(recording.log()).toHaveLength(3);
  });
});
