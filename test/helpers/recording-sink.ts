/**
 * A FrameSink that records what the decoder reports (Netty's test
 * delegate), as plain data that compares with toEqual. DATA frames are
 * merged into one event whose payload is the concatenation of the chunks,
 * so logs compare equal however the input was split; the raw call count is
 * kept too. Byte arguments are copied (the decoder's views are valid only
 * during the call), and every chunk is checked against its frame.
 *
 * Header blocks are decoded as the session decodes them: their bytes fed to
 * the header codec given to the constructor, the verdict weighed with the
 * session's own headerFrameVerdict, and the frame then recorded as 'ctrl'
 * (with its list) or 'header-error'.
 */
import type { FrameSink } from '../../src/core/frame/sink.js';
import type { ControlFrameRecord, HeaderFrameRecord } from '../../src/core/frame/types.js';
import type { HeaderBlockDecoder } from '../../src/core/header-codec.js';
import { headerFrameVerdict } from '../../src/core/session/header-verdict.js';

export type SinkEvent =
  | { e: 'ctrl'; frame: ControlFrameRecord }
  | { e: 'header-error'; frame: HeaderFrameRecord; error: number; head: Uint8Array; payload: Uint8Array }
  | { e: 'parse-error'; type: number; head: Uint8Array; payload: Uint8Array; error: number }
  | { e: 'unknown'; head: Uint8Array; payload: Uint8Array }
  | { e: 'data'; streamId: number; flags: number; length: number; payload: Uint8Array }
  /** A DATA frame whose end has not arrived (only at the end of a log). */
  | { e: 'data-open'; streamId: number; flags: number; length: number; payload: Uint8Array };

export class RecordingSink implements FrameSink {
  readonly events: SinkEvent[] = [];
  /** Every sink call, DATA and header-block chunks counted one by one. */
  calls = 0;
  /** The DATA chunks as received (views), for aliasing checks. */
  readonly chunks: Uint8Array[] = [];
  private open: { streamId: number; flags: number; length: number; parts: Uint8Array[]; size: number } | null = null;
  private inHeaderBlock = false;

  /** `headers` decodes the header blocks; without one, a header frame is a test failure. */
  constructor(private readonly headers: HeaderBlockDecoder | null = null) {}

  onControlFrame(frame: ControlFrameRecord): void {
    this.calls++;
    this.expectClosed();
    this.events.push({ e: 'ctrl', frame });
  }

  onHeaderBlockBegin(): void {
    this.calls++;
    this.expectClosed();
    this.inHeaderBlock = true;
    this.codec().begin();
  }

  onHeaderBlockChunk(chunk: Uint8Array): void {
    this.calls++;
    if (!this.inHeaderBlock) throw new Error('header-block chunk outside a block');
    if (chunk.length === 0) throw new Error('empty header-block chunk');
    this.codec().push(chunk);
  }

  onHeaderBlockEnd(frame: HeaderFrameRecord, framingError: number, head: Uint8Array, fixed: Uint8Array, fixedLength: number): void {
    this.calls++;
    if (!this.inHeaderBlock) throw new Error('header-block end outside a block');
    this.inHeaderBlock = false;
    const result = this.codec().end();
    const error = headerFrameVerdict(framingError, result);
    if (error === 0 && result.ok) {
      frame.nv = result.nv;
      this.events.push({ e: 'ctrl', frame });
    } else {
      this.events.push({ e: 'header-error', frame, error, head: head.slice(), payload: fixed.slice(0, fixedLength) });
    }
  }

  onParseError(type: number, head: Uint8Array, payload: Uint8Array, error: number): void {
    this.calls++;
    this.expectClosed();
    this.events.push({ e: 'parse-error', type, head: head.slice(), payload: payload.slice(), error });
  }

  onUnknownFrame(head: Uint8Array, payload: Uint8Array): void {
    this.calls++;
    this.expectClosed();
    this.events.push({ e: 'unknown', head: head.slice(), payload: payload.slice() });
  }

  onDataBegin(streamId: number, flags: number, length: number): void {
    this.calls++;
    this.expectClosed();
    this.open = { streamId, flags, length, parts: [], size: 0 };
  }

  onDataChunk(streamId: number, flags: number, chunk: Uint8Array): void {
    this.calls++;
    const open = this.open;
    if (open === null) throw new Error('DATA chunk outside a frame');
    if (open.streamId !== streamId || open.flags !== flags) throw new Error('DATA chunk does not match its frame');
    if (chunk.length === 0) throw new Error('empty DATA chunk');
    if (open.size + chunk.length > open.length) throw new Error('DATA chunks exceed the frame length');
    this.chunks.push(chunk);
    open.parts.push(chunk.slice());
    open.size += chunk.length;
  }

  onDataEnd(streamId: number, flags: number, length: number): void {
    this.calls++;
    const open = this.open;
    if (open === null) throw new Error('DATA end outside a frame');
    if (open.streamId !== streamId || open.flags !== flags || open.length !== length) {
      throw new Error('DATA end does not match its frame');
    }
    if (open.size !== length) throw new Error(`DATA frame ended after ${open.size} of ${length} bytes`);
    this.open = null;
    this.events.push({ e: 'data', streamId, flags, length, payload: join(open.parts, open.size) });
  }

  /** The log, with a DATA frame whose end has not arrived appended as 'data-open'. */
  log(): SinkEvent[] {
    const open = this.open;
    if (open === null) return this.events.slice();
    return [
      ...this.events,
      { e: 'data-open', streamId: open.streamId, flags: open.flags, length: open.length, payload: join(open.parts, open.size) },
    ];
  }

  private expectClosed(): void {
    if (this.open !== null) throw new Error('control event inside a DATA frame');
    if (this.inHeaderBlock) throw new Error('event inside a header block');
  }

  private codec(): HeaderBlockDecoder {
    if (this.headers === null) throw new Error('a header frame, but no header codec given');
    return this.headers;
  }
}

function join(parts: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
