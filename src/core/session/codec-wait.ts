/**
 * Waiting for a deferring header codec (header-codec.ts,
 * DeferringHeaderCodec) without changing anything the session does: the
 * same inputs give the same bytes and the same events in the same order as
 * with the built-in codec, only later. The core stays synchronous: the
 * codec's answer comes in as an explicit input,
 * SessionMachine.resumeHeaderBlocks(), as deferred DATA comes back through
 * resumeData().
 *
 * The session waits in two places:
 * - A send pass reaches a header frame whose block is being compressed:
 *   the pass stops there (the Sender keeps the frame) and goes on from it.
 * - A received header block ends and its result is not in: what the frame
 *   decoder reports after it is recorded, in order, and replayed once the
 *   result is in.
 * While it waits, every input (submits, memSend passes, connectionLost,
 * ...) is recorded too and replayed after what came before it. Received
 * bytes still go through the frame decoder at once: only its reports wait,
 * and the header blocks among them go to the codec at once, so that a
 * pooled codec can take several in one round trip.
 *
 * This wrapper is the frame decoder's sink only for a deferring codec; with
 * the built-in codec the Receiver is the sink itself and none of this runs.
 */
import type { FrameSink } from '../frame/sink.js';
import type { ControlFrameRecord, HeaderFrameRecord } from '../frame/types.js';
import { HEADER_BLOCK_PENDING } from '../header-codec.js';
import type { DeferringHeaderBlockDecoder, DeferringHeaderBlockEncoder, HeaderBlockEncoder, HeaderBlockInput } from '../header-codec.js';
import type { Receiver } from './receive.js';

/** Something recorded while waiting: replayed as it is, or given the next block result first. */
type Held = { readonly run: () => void; readonly block?: undefined } | { readonly run?: undefined; readonly block: HeldBlockEnd };

interface HeldBlockEnd {
  readonly frame: HeaderFrameRecord;
  readonly framingError: number;
  readonly head: Uint8Array;
  readonly fixed: Uint8Array;
}

/**
 * The encoder the Sender sees: a deferring encoder's "not yet" becomes
 * null with `deferred` set, which the Sender tells apart from a refusal.
 */
export class DeferralProbe implements HeaderBlockEncoder {
  deferred = false;
  constructor(private readonly encoder: DeferringHeaderBlockEncoder) {}

  prepare: HeaderBlockEncoder['prepare'] = (nv, encoding) => this.encoder.prepare(nv, encoding);

  encode(block: HeaderBlockInput, headroom: number, maxBlockLength: number): Uint8Array | null {
    const answer = this.encoder.encode(block, headroom, maxBlockLength);
    this.deferred = answer === HEADER_BLOCK_PENDING;
    return answer === HEADER_BLOCK_PENDING ? null : answer;
  }
}

export class CodecWait implements FrameSink {
  private held: Held[] = [];
  /** The send pass stopped at a header frame the codec has not compressed yet. */
  sendWaiting = false;
  /** Replaying: inputs made now (from callbacks) run at once. */
  private replaying = false;

  constructor(
    private readonly receiver: Receiver,
    private readonly decoder: DeferringHeaderBlockDecoder,
  ) {}

  /** True while inputs must be recorded rather than run. */
  get holding(): boolean {
    return !this.replaying && (this.sendWaiting || this.held.length > 0);
  }

  /** Records an input made while holding. */
  hold(run: () => void): void {
    this.held.push({ run });
  }

  /**
   * Replays what was recorded, in order, as far as the codec's answers
   * allow; `resumePass` first takes up a stopped send pass and says
   * whether it could finish.
   */
  replay(resumePass: () => boolean): void {
    if (this.replaying) return;
    if (this.sendWaiting) {
      this.sendWaiting = !this.during(resumePass);
      if (this.sendWaiting) return;
    }
    while (!this.sendWaiting && this.held.length > 0) {
      const next = this.held[0]!;
      let result;
      if (next.block !== undefined) {
        result = this.decoder.takeResult();
        if (result === HEADER_BLOCK_PENDING) return;
      }
      this.held.shift();
      // What the replayed entry records (it may wait again) goes before
      // what was recorded after it.
      const rest = this.held;
      this.held = [];
      try {
        this.during(() => {
          if (next.block === undefined) next.run();
          else {
            const b = next.block;
            this.receiver.finishHeaderBlock(b.frame, b.framingError, result!, b.head, b.fixed, b.fixed.length);
          }
        });
      } finally {
        this.held = this.held.length === 0 ? rest : this.held.concat(rest);
      }
    }
  }

  private during<T>(run: () => T): T {
    this.replaying = true;
    try {
      return run();
    } finally {
      this.replaying = false;
    }
  }

  /** Recording the frame decoder's reports: while anything waits, or since a block went pending. */
  private get recording(): boolean {
    return this.sendWaiting || this.held.length > 0;
  }

  // ---- FrameSink: header blocks go to the codec at once, verdicts wait ----

  onHeaderBlockBegin(): void {
    this.decoder.begin();
  }

  onHeaderBlockChunk(chunk: Uint8Array): void {
    this.decoder.push(chunk);
  }

  onHeaderBlockEnd(frame: HeaderFrameRecord, framingError: number, head: Uint8Array, fixed: Uint8Array, fixedLength: number): void {
    const result = this.decoder.end(frame.version);
    if (result !== HEADER_BLOCK_PENDING && !this.recording) {
      this.receiver.finishHeaderBlock(frame, framingError, result, head, fixed, fixedLength);
      return;
    }
    if (result !== HEADER_BLOCK_PENDING) throw new Error('a deferring decoder answered at once while earlier blocks wait');
    this.held.push({ block: { frame, framingError, head: head.slice(), fixed: fixed.slice(0, fixedLength) } });
  }

  // ---- FrameSink: everything else, recorded while waiting (views copied) ----

  onControlFrame(frame: ControlFrameRecord): void {
    if (this.recording) this.held.push({ run: () => this.receiver.onControlFrame(frame) });
    else this.receiver.onControlFrame(frame);
  }

  onParseError(type: number, head: Uint8Array, payload: Uint8Array, errorCode: number): void {
    if (this.recording) this.held.push({ run: () => this.receiver.onParseError(type, head, payload, errorCode) });
    else this.receiver.onParseError(type, head, payload, errorCode);
  }

  onUnknownFrame(head: Uint8Array, payload: Uint8Array): void {
    if (this.recording) this.held.push({ run: () => this.receiver.onUnknownFrame(head, payload) });
    else this.receiver.onUnknownFrame(head, payload);
  }

  onDataBegin(streamId: number, flags: number, length: number): void {
    if (this.recording) this.held.push({ run: () => this.receiver.onDataBegin(streamId, flags, length) });
    else this.receiver.onDataBegin(streamId, flags, length);
  }

  onDataChunk(streamId: number, flags: number, chunk: Uint8Array): void {
    if (this.recording) {
      const copy = chunk.slice();
      this.held.push({ run: () => this.receiver.onDataChunk(streamId, flags, copy) });
    } else {
      this.receiver.onDataChunk(streamId, flags, chunk);
    }
  }

  onDataEnd(streamId: number, flags: number, length: number): void {
    if (this.recording) this.held.push({ run: () => this.receiver.onDataEnd(streamId, flags, length) });
    else this.receiver.onDataEnd(streamId, flags, length);
  }
}
