/**
 * Frame encoder: byte vectors worked out by hand from the SPDY/2 and SPDY/3 drafts
 * (header blocks in the plain layout of test/helpers/plain-codec.ts).
 */
import { describe, expect, it } from 'vitest';
import {
  CREDENTIAL,
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
import {
  encodeControlFrame,
  encodeCredential,
  encodeDataHead,
  encodeGoaway,
  encodeHeaders,
  encodeNoop,
  encodePing,
  encodeRstStream,
  encodeSettings,
  encodeSynReply,
  encodeSynStream,
  encodeWindowUpdate,
  writeDataHead,
} from '../../../src/core/frame/encoder.js';
import type {
  ControlFrameRecord,
  CredentialRecord,
  GoawayRecord,
  SettingsRecord,
  SynReplyRecord,
  SynStreamRecord,
  WindowUpdateRecord,
} from '../../../src/core/frame/types.js';
import { versionFacts } from '../../../src/core/version.js';
import { ascii, hex } from '../../helpers/bytes.js';
import { PlainEncoder } from '../../helpers/plain-codec.js';

describe('encoder: fixed-size control frames', () => {
  it('SETTINGS: the wire-format.md vectors, SPDY/2 ids little-endian before the flags', () => {
    const iv: SettingsRecord['iv'] = [
      [4, 0, 100],
      [7, 1, 65536],
    ];
    const v2: SettingsRecord = { type: SETTINGS, version: 2, flags: 1, length: 0, iv };
    expect(encodeSettings(v2)).toEqual(hex('80 02 00 04 01 00 00 14 00 00 00 02 04 00 00 00 00 00 00 64 07 00 00 01 00 01 00 00'));
    expect(v2.length).toBe(20);
    const v3: SettingsRecord = { type: SETTINGS, version: 3, flags: 1, length: 0, iv };
    expect(encodeSettings(v3)).toEqual(hex('80 03 00 04 01 00 00 14 00 00 00 02 00 00 00 04 00 00 00 64 01 00 00 07 00 01 00 00'));
  });

  it('SETTINGS: ids masked to 24 bits, values unsigned 32-bit', () => {
    const frame: SettingsRecord = { type: SETTINGS, version: 3, flags: 0, length: 0, iv: [[0x1abcdef, 0x102, 0xffffffff]] };
    expect(encodeSettings(frame)).toEqual(hex('80 03 00 04 00 00 00 0c 00 00 00 01 02 ab cd ef ff ff ff ff'));
    const v2: SettingsRecord = { type: SETTINGS, version: 2, flags: 0, length: 0, iv: [[0xabcdef, 2, 1]] };
    expect(encodeSettings(v2)).toEqual(hex('80 02 00 04 00 00 00 0c 00 00 00 01 ef cd ab 02 00 00 00 01'));
    expect(encodeSettings({ type: SETTINGS, version: 3, flags: 0, length: 0, iv: [] })).toEqual(hex('80 03 00 04 00 00 00 04 00 00 00 00'));
  });

  it('GOAWAY: the SPDY/2 vector (no status), SPDY/3 with status', () => {
    const v2: GoawayRecord = { type: GOAWAY, version: 2, flags: 0, length: 0, lastGoodStreamId: 0, statusCode: 1 };
    expect(encodeGoaway(v2)).toEqual(hex('80 02 00 07 00 00 00 04 00 00 00 00'));
    expect(v2.length).toBe(4);
    const v3: GoawayRecord = { type: GOAWAY, version: 3, flags: 0, length: 0, lastGoodStreamId: 0xffffffff, statusCode: 2 };
    expect(encodeGoaway(v3)).toEqual(hex('80 03 00 07 00 00 00 08 7f ff ff ff 00 00 00 02'));
    expect(v3.length).toBe(8);
  });

  it('RST_STREAM, PING, NOOP', () => {
    expect(encodeRstStream({ type: RST_STREAM, version: 3, flags: 0, length: 0, streamId: 0x80000001, statusCode: 0xfffffffe })).toEqual(
      hex('80 03 00 03 00 00 00 08 00 00 00 01 ff ff ff fe'),
    );
    expect(encodePing({ type: PING, version: 2, flags: 0, length: 0, uniqueId: 0xffffffff })).toEqual(hex('80 02 00 06 00 00 00 04 ff ff ff ff'));
    expect(encodeNoop({ type: NOOP, version: 2, flags: 0, length: 0 })).toEqual(hex('80 02 00 05 00 00 00 00'));
  });

  it('WINDOW_UPDATE: 31-bit fields, packed with version 2 on a SPDY/2 session (spdylay does)', () => {
    const v3: WindowUpdateRecord = { type: WINDOW_UPDATE, version: 3, flags: 0, length: 0, streamId: 0, deltaWindowSize: 0xffffffff };
    expect(encodeWindowUpdate(v3)).toEqual(hex('80 03 00 09 00 00 00 08 00 00 00 00 7f ff ff ff'));
    const v2: WindowUpdateRecord = { type: WINDOW_UPDATE, version: 3, flags: 0, length: 0, streamId: 5, deltaWindowSize: 0x8000 };
    expect(encodeControlFrame(versionFacts(PROTO_SPDY2)!, v2, null, new PlainEncoder(2))).toEqual(
      hex('80 02 00 09 00 00 00 08 00 00 00 05 00 00 80 00'),
    );
    expect(v2.version).toBe(2);
  });

  it('CREDENTIAL: the head, then the payload as given', () => {
    const frame: CredentialRecord = { type: CREDENTIAL, version: 3, flags: 0, length: 0 };
    expect(encodeCredential(frame, hex('01 02 00 00 00 00'))).toEqual(hex('80 03 00 0a 00 00 00 06 01 02 00 00 00 00'));
    expect(frame.length).toBe(6);
    expect(encodeCredential({ ...frame })).toEqual(hex('80 03 00 0a 00 00 00 00'));
  });

  it('the version field is 15 bits, the type 16, the length 24', () => {
    expect(encodePing({ type: PING, version: 0xffff, flags: 0x1ff, length: 0, uniqueId: 0 })).toEqual(hex('ff ff 00 06 ff 00 00 04 00 00 00 00'));
  });
});

describe('encoder: DATA head', () => {
  it('encodes only the 8-byte head; the payload travels as its own view', () => {
    expect(encodeDataHead(1, 1, 3)).toEqual(hex('00 00 00 01 01 00 00 03'));
    // C bit always 0, id masked to 31 bits, length to 24.
    expect(encodeDataHead(0xffffffff, 0xfe, 0x1abcdef)).toEqual(hex('7f ff ff ff fe ab cd ef'));
  });

  it('writeDataHead writes into a caller buffer at an offset', () => {
    const buf = new Uint8Array(12).fill(0xee);
    writeDataHead(buf, 2, 0x01020304, 0, 0x4000);
    expect(buf).toEqual(hex('ee ee 01 02 03 04 00 00 40 00 ee ee'));
  });
});

describe('encoder: header frames', () => {
  it('SYN_STREAM SPDY/2: head and fixed fields written into the codec buffer headroom (no copy)', () => {
    const headers = new PlainEncoder(2);
    const frame: SynStreamRecord = { type: SYN_STREAM, version: 2, flags: 1, length: 0, streamId: 1, assocStreamId: 0, pri: 3, slot: 9, nv: [['url', '/']] };
    const bytes = encodeSynStream(frame, frame.nv, headers);
    expect(bytes).toEqual(hex('80 02 00 01 01 00 00 14  00 00 00 01  00 00 00 00  c0 00  00 01 00 03 75 72 6c 00 01 2f'));
    expect(bytes).toBe(headers.outputs[0]);
    expect(headers.calls).toEqual([{ headroom: 18, maxBlockLength: 0xffffff - 10 }]);
    expect(frame.length).toBe(20);
  });

  it('SYN_STREAM SPDY/3: priority in the top 3 bits, slot, ids masked', () => {
    const headers = new PlainEncoder(4);
    const frame: SynStreamRecord = {
      type: SYN_STREAM,
      version: 3,
      flags: 2,
      length: 0,
      streamId: 0x80000003,
      assocStreamId: 0x80000001,
      pri: 7,
      slot: 5,
      nv: [[':path', '/']],
    };
    expect(encodeSynStream(frame, frame.nv, headers)).toEqual(
      hex('80 03 00 01 02 00 00 1c  00 00 00 03  00 00 00 01  e0 05  00 00 00 01 00 00 00 05 3a 70 61 74 68 00 00 00 01 2f'),
    );
  });

  it('priority masked to its bits: SPDY/2 2 bits, SPDY/3 3 bits', () => {
    const frame = (version: number, pri: number): SynStreamRecord => ({
      type: SYN_STREAM,
      version,
      flags: 0,
      length: 0,
      streamId: 1,
      assocStreamId: 0,
      pri,
      slot: 0,
      nv: [],
    });
    expect(encodeSynStream(frame(2, 7), [], new PlainEncoder(2))![16]).toBe(0xc0);
    expect(encodeSynStream(frame(3, 9), [], new PlainEncoder(4))![16]).toBe(0x20);
  });

  it('SYN_REPLY and HEADERS: SPDY/2 with 2 unused bytes, SPDY/3 without', () => {
    const reply = (version: number): SynReplyRecord => ({ type: SYN_REPLY, version, flags: 1, length: 0, streamId: 1, nv: [] });
    const r2 = reply(2);
    expect(encodeSynReply(r2, [['status', '200']], new PlainEncoder(2))).toEqual(
      hex('80 02 00 02 01 00 00 15  00 00 00 01  00 00  00 01 00 06 73 74 61 74 75 73 00 03 32 30 30'),
    );
    expect(r2.length).toBe(21);
    expect(encodeSynReply(reply(3), [[':status', '200']], new PlainEncoder(4))).toEqual(
      hex('80 03 00 02 01 00 00 1a  00 00 00 01  00 00 00 01 00 00 00 07 3a 73 74 61 74 75 73 00 00 00 03 32 30 30'),
    );
    const h2 = new PlainEncoder(2);
    expect(encodeHeaders({ type: HEADERS, version: 2, flags: 0, length: 0, streamId: 5, nv: [] }, [['x', 'y']], h2)).toEqual(
      hex('80 02 00 08 00 00 00 0e  00 00 00 05  00 00  00 01 00 01 78 00 01 79'),
    );
    expect(h2.calls[0]).toEqual({ headroom: 14, maxBlockLength: 0xffffff - 6 });
    const h3 = new PlainEncoder(4);
    expect(encodeHeaders({ type: HEADERS, version: 3, flags: 0, length: 0, streamId: 5, nv: [] }, [['x', 'y']], h3)).toEqual(
      hex('80 03 00 08 00 00 00 12  00 00 00 05  00 00 00 01 00 00 00 01 78 00 00 00 01 79'),
    );
    expect(h3.calls[0]).toEqual({ headroom: 12, maxBlockLength: 0xffffff - 4 });
  });

  it('returns null when the codec refuses for size, and passes the smaller cap', () => {
    const headers = new PlainEncoder(4);
    const frame: SynReplyRecord = { type: SYN_REPLY, version: 3, flags: 0, length: 0, streamId: 1, nv: [['x', 'y']] };
    expect(encodeSynReply(frame, frame.nv, headers, 13)).toBeNull();
    expect(headers.calls).toEqual([{ headroom: 12, maxBlockLength: 13 }]);
    expect(frame.length).toBe(0);
    expect(encodeSynReply(frame, frame.nv, headers, 14)).not.toBeNull();
  });

  it('throws rather than write a block the 24-bit length cannot hold', () => {
    const liar = { encode: (_nv: unknown, headroom: number) => new Uint8Array(headroom + 0x1000000) };
    const frame: SynReplyRecord = { type: SYN_REPLY, version: 3, flags: 0, length: 0, streamId: 1, nv: [] };
    expect(() => encodeSynReply(frame, [], liar)).toThrow(RangeError);
  });
});

describe('encodeControlFrame', () => {
  it('writes the session wire version (SPDY/3.1 sends 3) and prefers wireNv over frame.nv', () => {
    const headers = new PlainEncoder(4);
    const frame: ControlFrameRecord = { type: HEADERS, version: 0, flags: 0, length: 0, streamId: 5, nv: [['a', 'b']] };
    const bytes = encodeControlFrame(versionFacts(PROTO_SPDY3_1)!, frame, [['x', 'y']], headers);
    expect(bytes).toEqual(hex('80 03 00 08 00 00 00 12  00 00 00 05  00 00 00 01 00 00 00 01 78 00 00 00 01 79'));
    expect(frame.version).toBe(3);
    expect(frame.length).toBe(18);
  });

  it('dispatches every type', () => {
    const facts = versionFacts(PROTO_SPDY3)!;
    const headers = new PlainEncoder(4);
    const frames: ControlFrameRecord[] = [
      { type: SYN_STREAM, version: 3, flags: 0, length: 0, streamId: 1, assocStreamId: 0, pri: 0, slot: 0, nv: [] },
      { type: SYN_REPLY, version: 3, flags: 0, length: 0, streamId: 1, nv: [] },
      { type: HEADERS, version: 3, flags: 0, length: 0, streamId: 1, nv: [] },
      { type: RST_STREAM, version: 3, flags: 0, length: 0, streamId: 1, statusCode: 1 },
      { type: SETTINGS, version: 3, flags: 0, length: 0, iv: [] },
      { type: NOOP, version: 3, flags: 0, length: 0 },
      { type: PING, version: 3, flags: 0, length: 0, uniqueId: 1 },
      { type: GOAWAY, version: 3, flags: 0, length: 0, lastGoodStreamId: 0, statusCode: 0 },
      { type: WINDOW_UPDATE, version: 3, flags: 0, length: 0, streamId: 1, deltaWindowSize: 1 },
      { type: CREDENTIAL, version: 3, flags: 0, length: 0 },
    ];
    for (const frame of frames) {
      const bytes = encodeControlFrame(facts, frame, null, headers)!;
      expect((bytes[2]! << 8) | bytes[3]!).toBe(frame.type);
      expect(bytes.length).toBe(8 + frame.length);
    }
  });
});
