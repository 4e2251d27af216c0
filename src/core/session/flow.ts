/**
 * Send-side flow control: how much DATA may go now, and putting DATA that
 * waited for window back in the queue when window opens. (The receive side,
 * counting and automatic WINDOW_UPDATE, is in receive.ts.)
 */
import type { SessionCore } from './core.js';
import type { Stream } from './stream.js';

/**
 * The most a data source may be asked for now: the chunk size, bounded by
 * the stream window (SPDY/3) and the session window (SPDY/3.1). 0 means the
 * DATA must wait for a WINDOW_UPDATE or SETTINGS.
 */
export function nextDataReadLength(s: SessionCore, stream: Stream, chunkSize: number): number {
  if (!s.facts.streamFlowControl) return chunkSize;
  let length = Math.min(chunkSize, stream.sendWindow);
  if (s.facts.sessionFlowControl) length = Math.min(length, s.sessionSendWindow);
  return length > 0 ? length : 0;
}

/**
 * Requeues DATA that waited for window, for one stream or all. Like spdylay,
 * an item goes back once its stream window is positive; if the session window
 * is still closed it is simply deferred again when it comes up.
 */
export function reopenFlowControlDeferred(s: SessionCore, only?: Stream): void {
  const streams = only === undefined ? s.streams.values() : [only];
  for (const stream of streams) {
    if (stream.deferred !== null && stream.deferredByFlowControl && stream.sendWindow > 0) {
      s.queue.push(stream.detachDeferred()!);
    }
  }
}
