/**
 * The frame printer behind `spdycat -v` and the demo, in spdylay's spdycat
 * style: one line naming the frame, then its fields and headers indented.
 * Pure string formatting, no I/O.
 */
import {
  GOAWAY,
  HEADERS,
  PING,
  RST_STREAM,
  SETTINGS,
  SYN_REPLY,
  SYN_STREAM,
  WINDOW_UPDATE,
} from '../../core/constants.js';
import {
  GoawayFrame,
  HeadersFrame,
  PingFrame,
  RstStreamFrame,
  SettingsFrame,
  SynReplyFrame,
  SynStreamFrame,
  WindowUpdateFrame,
} from '../../core/api/frames.js';
import type { AnyCtrlFrame } from '../../core/api/frames.js';

const FRAME_NAMES: Record<number, string> = {
  [SYN_STREAM]: 'SYN_STREAM',
  [SYN_REPLY]: 'SYN_REPLY',
  [RST_STREAM]: 'RST_STREAM',
  [SETTINGS]: 'SETTINGS',
  5: 'NOOP',
  [PING]: 'PING',
  [GOAWAY]: 'GOAWAY',
  [HEADERS]: 'HEADERS',
  [WINDOW_UPDATE]: 'WINDOW_UPDATE',
  10: 'CREDENTIAL',
};

export type Direction = 'send' | 'recv';

const INDENT = '          ';

/** Lines describing a control frame, e.g. for onCtrlSendCb / onCtrlRecvCb. */
export function formatCtrlFrame(direction: Direction, frame: AnyCtrlFrame): string[] {
  const name = FRAME_NAMES[frame.frameType] ?? `UNKNOWN(${frame.frameType})`;
  const lines = [`${direction} ${name} frame <version=${frame.version}, flags=${frame.flags}, length=${frame.length}>`];
  const detail = frameDetail(frame);
  if (detail !== '') lines.push(`${INDENT}(${detail})`);
  if ('nv' in frame) for (const [n, v] of frame.nv) lines.push(`${INDENT}${n}: ${v}`);
  return lines;
}

/** The line for a DATA frame, e.g. for onDataSendCb / onDataRecvCb. */
export function formatDataFrame(direction: Direction, flags: number, streamId: number, length: number): string {
  return `${direction} DATA frame (stream_id=${streamId}, flags=${flags}, length=${length})`;
}

function frameDetail(frame: AnyCtrlFrame): string {
  if (frame instanceof SynStreamFrame) {
    return `stream_id=${frame.streamId}, assoc_stream_id=${frame.assocStreamId}, pri=${frame.pri}`;
  }
  if (frame instanceof SynReplyFrame || frame instanceof HeadersFrame) return `stream_id=${frame.streamId}`;
  if (frame instanceof RstStreamFrame) return `stream_id=${frame.streamId}, status_code=${frame.statusCode}`;
  if (frame instanceof SettingsFrame) {
    return `niv=${frame.iv.length}` + frame.iv.map(([id, flags, value]) => `, [${id}(${flags}):${value}]`).join('');
  }
  if (frame instanceof PingFrame) return `unique_id=${frame.uniqueId}`;
  if (frame instanceof GoawayFrame) {
    return `last_good_stream_id=${frame.lastGoodStreamId}, status_code=${frame.statusCode}`;
  }
  if (frame instanceof WindowUpdateFrame) {
    return `stream_id=${frame.streamId}, delta_window_size=${frame.deltaWindowSize}`;
  }
  return '';
}
