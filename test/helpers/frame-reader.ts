/**
 * Reads what a session wrote, as the peer's receiving half: the real
 * FrameDecoder with a real header codec (one inflate stream for the
 * reader's whole life), reporting into a RecordingSink. DATA frames come
 * out whole, however the bytes were chunked.
 *
 * Header blocks are shown as they are on the wire: a SPDY/2 session's
 * frames keep their SPDY/2 names (`url`, `method`, ...) and NUL-joined
 * values are split, as the decoder splits them.
 */
import { CLIENT, SERVER } from '../../src/core/constants.js';
import { FrameDecoder } from '../../src/core/frame/decoder.js';
import type { ControlFrameRecord } from '../../src/core/frame/types.js';
import type { HeaderBlockDecoder, HeaderBlockResult } from '../../src/core/header-codec.js';
import { createHeaderCodec } from '../../src/core/headers/spdy-codec.js';
import { HeaderInflater, headerDictionary } from '../../src/core/headers/zlib.js';
import { versionFacts } from '../../src/core/version.js';
import { unpackNv } from './plain-codec.js';
import { RecordingSink } from './recording-sink.js';
import type { SinkEvent } from './recording-sink.js';
import { frameLabel } from './labels.js';

export class FrameReader {
  private readonly sink: RecordingSink;
  private readonly decoder: FrameDecoder;
  private seen = 0;

  /**
   * `version` is a PROTO_* constant; `side` is the side of the session whose
   * output is read. With `rawHeaders`, header blocks are shown exactly as
   * packed: NUL-joined values are not split (and not checked).
   */
  constructor(version: number, side: number = CLIENT, options: { rawHeaders?: boolean } = {}) {
    const facts = versionFacts(version)!;
    const headers = options.rawHeaders
      ? new RawHeaderDecoder(version, facts.nvLengthSize)
      : createHeaderCodec({ version, side: side === CLIENT ? CLIENT : SERVER }).decoder;
    this.sink = new RecordingSink(headers);
    this.decoder = new FrameDecoder({ facts, sink: this.sink });
  }

  /** Decodes `bytes` and returns the frames completed by them. */
  read(bytes: Uint8Array): SinkEvent[] {
    this.decoder.push(bytes);
    const events = this.sink.events.slice(this.seen);
    this.seen = this.sink.events.length;
    return events;
  }
}

/** Inflates with the real inflater, unpacks with the plain unpacker: values stay NUL-joined. */
class RawHeaderDecoder implements HeaderBlockDecoder {
  private readonly inflater: HeaderInflater;

  constructor(
    version: number,
    private readonly lengthSize: 2 | 4,
  ) {
    this.inflater = new HeaderInflater(headerDictionary(version), 0xffffff);
  }

  begin(): void {
    this.inflater.begin();
  }

  push(compressed: Uint8Array): void {
    this.inflater.push(compressed);
  }

  end(): HeaderBlockResult {
    const status = this.inflater.end();
    if (status !== 0) return { ok: false, error: status };
    return unpackNv(this.inflater.output.slice(0, this.inflater.length), this.lengthSize);
  }
}

/** A short text for a decoded frame: `SYN_STREAM(1)`, `DATA(1,len=5,FIN)`, `RST_STREAM(3,REFUSED_STREAM)`. */
export function wireLabel(event: SinkEvent): string {
  switch (event.e) {
    case 'ctrl':
      return frameLabel(event.frame.type, event.frame);
    case 'data':
    case 'data-open':
      return `DATA(${event.streamId},len=${event.length}${event.flags & 1 ? ',FIN' : ''})`;
    case 'header-error':
      return `HEADER-ERROR(${event.frame.type},${event.error})`;
    case 'parse-error':
      return `PARSE-ERROR(${event.type},${event.error})`;
    case 'unknown':
      return 'UNKNOWN';
  }
}

/** The control frames of a decoded list, narrowed to one type. */
export function framesOfType<T extends ControlFrameRecord['type']>(
  events: readonly SinkEvent[],
  type: T,
): Extract<ControlFrameRecord, { type: T }>[] {
  const out: Extract<ControlFrameRecord, { type: T }>[] = [];
  for (const ev of events) {
    if (ev.e === 'ctrl' && ev.frame.type === type) out.push(ev.frame as Extract<ControlFrameRecord, { type: T }>);
  }
  return out;
}

/** The DATA payload a decoded list carries for `streamId`, concatenated. */
export function dataPayload(events: readonly SinkEvent[], streamId: number): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const ev of events) if (ev.e === 'data' && ev.streamId === streamId) parts.push(ev.payload);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
