/**
 * An independent model of what one side of a session may send, written from
 * the SPDY/3 and SPDY/3.1 drafts rather than from src/core: fed the frames
 * the side sends and, at the moment its session has processed them, the
 * frames it receives, it knows every send window exactly as the draft
 * defines it, and says when a DATA frame does not fit.
 *
 * - A stream's window starts at the peer's latest SETTINGS_INITIAL_WINDOW_SIZE
 *   when the stream is created (our SYN_STREAM sent, or the peer's received)
 *   and moves by the difference whenever a new value arrives (draft 3 §2.6.4;
 *   of repeated ids the first counts, values of 2^31 or more are not applied).
 * - WINDOW_UPDATE adds its delta to its stream, or in SPDY/3.1 with stream 0
 *   to the session window, which starts at 64 KiB (SPDY/3.1 §2.6.8).
 * - Each DATA payload must fit in the stream window and, in SPDY/3.1, the
 *   session window, and is taken from both.
 */
import { SETTINGS, SETTINGS_INITIAL_WINDOW_SIZE, SYN_STREAM, WINDOW_UPDATE } from '../../src/core/constants.js';
import type { RawFrame } from './frame-splitter.js';
import { settingsEntries, windowDelta } from './frame-splitter.js';

const DEFAULT_WINDOW = 65536;

export class SendWindowModel {
  private initial = DEFAULT_WINDOW;
  private readonly windows = new Map<number, number>();
  private sessionWindow = DEFAULT_WINDOW;

  constructor(
    private readonly streamFlow: boolean,
    private readonly sessionFlow: boolean,
  ) {}

  /** A frame this side's session has received and processed. */
  received(frame: RawFrame): void {
    if (!frame.control || !this.streamFlow) return;
    if (frame.type === SYN_STREAM) this.open(frame.streamId);
    else if (frame.type === SETTINGS) {
      const entry = settingsEntries(frame).find(([id]) => id === SETTINGS_INITIAL_WINDOW_SIZE);
      if (entry === undefined || entry[2] > 0x7fffffff) return;
      const delta = entry[2] - this.initial;
      this.initial = entry[2];
      for (const [id, w] of this.windows) this.windows.set(id, w + delta);
    } else if (frame.type === WINDOW_UPDATE) {
      if (frame.streamId === 0) {
        if (this.sessionFlow) this.sessionWindow += windowDelta(frame);
      } else {
        const w = this.windows.get(frame.streamId);
        if (w !== undefined) this.windows.set(frame.streamId, w + windowDelta(frame));
      }
    }
  }

  /** A frame this side sent: null when it is allowed, else what is wrong. */
  sent(frame: RawFrame): string | null {
    if (!this.streamFlow) return null;
    if (frame.control) {
      if (frame.type === SYN_STREAM) this.open(frame.streamId);
      return null;
    }
    const w = this.windows.get(frame.streamId);
    if (w === undefined) return `DATA on stream ${frame.streamId}, which this side never opened`;
    let problem: string | null = null;
    // An empty DATA frame (the FIN alone) carries nothing the windows count.
    if (frame.length > 0 && frame.length > w) problem = `DATA of ${frame.length} bytes on stream ${frame.streamId} with a window of ${w}`;
    else if (this.sessionFlow && frame.length > 0 && frame.length > this.sessionWindow) {
      problem = `DATA of ${frame.length} bytes on stream ${frame.streamId} with a session window of ${this.sessionWindow}`;
    }
    this.windows.set(frame.streamId, w - frame.length);
    if (this.sessionFlow) this.sessionWindow -= frame.length;
    return problem;
  }

  private open(streamId: number): void {
    if (!this.windows.has(streamId)) this.windows.set(streamId, this.initial);
  }
}
