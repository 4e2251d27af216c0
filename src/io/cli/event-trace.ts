/**
 * The session events spdylay's tools print with -v, in their words: each
 * frame sent and received (DATA once whole, as spdylay's on_data_recv and
 * on_data_send callbacks see it), invalid and unparsable frames.
 */
import { frameFromRecord } from '../../core/api/frames.js';
import type { SessionEvent } from '../../core/index.js';
import type { TracePrinter } from './trace.js';

/** The text for `event`, or null for events the tools do not print. */
export function traceEvent(printer: TracePrinter, elapsedMs: number, event: SessionEvent): string | null {
  switch (event.type) {
    case 'ctrl-send':
    case 'ctrl-recv': {
      const frame = frameFromRecord(event.frame);
      return frame === null ? null : printer.ctrlFrame(elapsedMs, event.type === 'ctrl-send' ? 'send' : 'recv', frame);
    }
    case 'invalid-ctrl-recv': {
      const frame = frameFromRecord(event.frame);
      return frame === null ? null : printer.invalidCtrlFrame(elapsedMs, frame, event.statusCode);
    }
    case 'data-send':
      return printer.dataFrame(elapsedMs, 'send', event.flags, event.streamId, event.length);
    case 'data-recv':
      return printer.dataFrame(elapsedMs, 'recv', event.flags, event.streamId, event.length);
    case 'ctrl-recv-parse-error':
      return printer.parseError(elapsedMs, event.frameType, event.head, event.errorCode);
    case 'unknown-ctrl-recv':
      return printer.unknownFrame(elapsedMs, event.head);
    default:
      return null;
  }
}
