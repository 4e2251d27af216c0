/**
 * A naive decoder oracle (yamux's naive codec): it sees the whole input at
 * once, walks it with a DataView and unpacks each complete frame the way
 * spdylay's spdylay_frame_unpack_* functions do, buffer in hand. It shares
 * no code with src/core/frame/decoder.ts, so the resumable decoder can be
 * cross-checked against it. A truncated last frame yields nothing, except a
 * DATA frame, which yields 'data-open' with the bytes present.
 */
import {
  CREDENTIAL,
  ERR_FRAME_TOO_LARGE,
  ERR_INVALID_FRAME,
  ERR_UNSUPPORTED_VERSION,
  ERR_ZLIB,
  GOAWAY,
  HEADERS,
  NOOP,
  PING,
  RST_STREAM,
  SETTINGS,
  SYN_REPLY,
  SYN_STREAM,
  WINDOW_UPDATE,
} from '../../src/core/constants.js';
import { DEFAULT_MAX_SETTINGS_ENTRIES } from '../../src/core/frame/decoder.js';
import type { HeaderFrameRecord, NameValue, SettingsEntry } from '../../src/core/frame/types.js';
import type { HeaderBlockDecoder } from '../../src/core/header-codec.js';
import type { SinkEvent } from './recording-sink.js';

export interface NaiveOptions {
  /** The session's wire version (2 or 3): the layout for frames of other versions. */
  sessionVersion: 2 | 3;
  headers: HeaderBlockDecoder;
  maxControlFrameLength?: number;
  maxSettingsEntries?: number;
}

const KEEP = 65536;

export function naiveDecode(input: Uint8Array, options: NaiveOptions): SinkEvent[] {
  const events: SinkEvent[] = [];
  const dv = new DataView(input.buffer, input.byteOffset, input.byteLength);
  const max = options.maxControlFrameLength ?? 0xffffff;
  let pos = 0;
  while (pos + 8 <= input.length) {
    const word0 = dv.getUint32(pos);
    const flags = dv.getUint8(pos + 4);
    const length = dv.getUint32(pos + 4) & 0xffffff;
    const have = Math.min(length, input.length - pos - 8);
    const payload = input.subarray(pos + 8, pos + 8 + have);
    if ((word0 & 0x80000000) === 0) {
      const streamId = word0 & 0x7fffffff;
      events.push({ e: have === length ? 'data' : 'data-open', streamId, flags, length, payload: payload.slice() });
      pos += 8 + have;
      continue;
    }
    if (have < length) break;
    const head = input.slice(pos, pos + 8);
    events.push(control(head, payload, options, max));
    pos += 8 + length;
  }
  return events;
}

function control(head: Uint8Array, payload: Uint8Array, options: NaiveOptions, max: number): SinkEvent {
  const hv = new DataView(head.buffer);
  const version = hv.getUint16(0) & 0x7fff;
  const type = hv.getUint16(2);
  const flags = head[4]!;
  const length = payload.length;
  const supported = version === 2 || version === 3;
  const layout = version === 2 || version === 3 ? version : options.sessionVersion;
  const tooLarge = length > max;
  const pv = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const kept = tooLarge ? new Uint8Array(0) : payload.slice(0, KEEP);
  const parseError = (error: number, p: Uint8Array = kept): SinkEvent => ({ e: 'parse-error', type, head, payload: p, error });
  const u31 = (off: number) => pv.getUint32(off) & 0x7fffffff;

  switch (type) {
    case SYN_STREAM:
    case SYN_REPLY:
    case HEADERS: {
      const fixed = type === SYN_STREAM ? 10 : layout === 2 ? 6 : 4;
      const versionError = supported ? 0 : type === SYN_STREAM ? ERR_UNSUPPORTED_VERSION : ERR_INVALID_FRAME;
      if (length <= fixed) return parseError(versionError || ERR_INVALID_FRAME, payload.slice());
      const base = { version, flags, length, streamId: u31(0) };
      const record = (nv: NameValue[]): HeaderFrameRecord =>
        type === SYN_STREAM
          ? {
              type: SYN_STREAM,
              ...base,
              assocStreamId: u31(4),
              pri: layout === 2 ? payload[8]! >> 6 : payload[8]! >> 5,
              slot: layout === 3 ? payload[9]! : 0,
              nv,
            }
          : { type: type === SYN_REPLY ? SYN_REPLY : HEADERS, ...base, nv };
      options.headers.begin();
      options.headers.push(payload.subarray(fixed));
      const result = options.headers.end();
      const refuse = (error: number): SinkEvent => ({
        e: 'header-error',
        frame: record([]),
        error,
        head,
        payload: payload.slice(0, fixed),
      });
      if (versionError === ERR_INVALID_FRAME) return refuse(versionError);
      if (!result.ok && result.error === ERR_ZLIB) return refuse(ERR_ZLIB);
      if (tooLarge || (!result.ok && result.error === ERR_FRAME_TOO_LARGE)) return refuse(ERR_FRAME_TOO_LARGE);
      if (versionError !== 0) return refuse(versionError);
      if (!result.ok) return refuse(result.error);
      return { e: 'ctrl', frame: record(result.nv) };
    }
    case RST_STREAM:
      if (tooLarge || length !== 8) return parseError(ERR_INVALID_FRAME);
      return { e: 'ctrl', frame: { type: RST_STREAM, version, flags, length, streamId: u31(0), statusCode: pv.getUint32(4) } };
    case WINDOW_UPDATE:
      if (tooLarge || length !== 8) return parseError(ERR_INVALID_FRAME);
      return { e: 'ctrl', frame: { type: WINDOW_UPDATE, version, flags, length, streamId: u31(0), deltaWindowSize: u31(4) } };
    case PING:
      if (tooLarge || length !== 4) return parseError(ERR_INVALID_FRAME);
      return { e: 'ctrl', frame: { type: PING, version, flags, length, uniqueId: pv.getUint32(0) } };
    case GOAWAY: {
      if (!supported) return parseError(ERR_UNSUPPORTED_VERSION);
      // SPDY/2: the draft's 4 bytes, or spdy-transport's 8 (its status not read: SPDY/2 has none).
      const lengthOk = layout === 2 ? length === 4 || length === 8 : length === 8;
      if (tooLarge || !lengthOk) return parseError(ERR_INVALID_FRAME);
      const statusCode = layout === 3 ? pv.getUint32(4) : 0;
      return { e: 'ctrl', frame: { type: GOAWAY, version, flags, length, lastGoodStreamId: u31(0), statusCode } };
    }
    case SETTINGS: {
      if (tooLarge || length < 4) return parseError(ERR_INVALID_FRAME);
      if (!supported) return parseError(ERR_UNSUPPORTED_VERSION);
      const count = pv.getUint32(0);
      if (4 + 8 * count !== length || count > (options.maxSettingsEntries ?? DEFAULT_MAX_SETTINGS_ENTRIES)) return parseError(ERR_INVALID_FRAME);
      const iv: SettingsEntry[] = [];
      for (let k = 0; k < count; k++) {
        const off = 4 + 8 * k;
        const id = layout === 2 ? payload[off]! + payload[off + 1]! * 256 + payload[off + 2]! * 65536 : pv.getUint32(off) & 0xffffff;
        const entryFlags = layout === 2 ? payload[off + 3]! : payload[off]!;
        iv.push([id, entryFlags, pv.getUint32(off + 4)]);
      }
      return { e: 'ctrl', frame: { type: SETTINGS, version, flags, length, iv } };
    }
    case NOOP:
      return { e: 'ctrl', frame: { type: NOOP, version, flags, length } };
    case CREDENTIAL:
      // Skipped unread, whatever its version, length or payload.
      return { e: 'ctrl', frame: { type: CREDENTIAL, version, flags, length } };
    default:
      return { e: 'unknown', head, payload: kept };
  }
}
