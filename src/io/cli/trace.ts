/**
 * The frame printer behind `spdycat -v`, `spdyd -v` and the demo, in the
 * format of spdylay's tools (src/spdylay_ssl.cc: print_frame, print_nv,
 * print_timer, print_data_frame and the on_*_callback printers): a line
 * naming the frame and its header fields, then the frame's own fields and
 * headers on lines indented by ten spaces. Numbers print as C's %d and %u
 * print them. Colour (ANSI escapes, as spdycat uses on a terminal) only
 * when asked. Pure string formatting: no clock and no I/O, so the caller
 * passes the elapsed time and writes the text.
 */
import { frameTypeName } from '../../core/names.js';
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
import { statusCodeName, strerror } from './codes.js';

export type Direction = 'send' | 'recv';

/** Whether to colour: `--color` forces it, `--no-color` forbids it, else only on a terminal. */
export type ColorMode = 'auto' | 'always' | 'never';

/** spdycat's rule: colour when forced or when stdout is a terminal (the caller knows which). */
export function colorEnabled(mode: ColorMode, stdoutIsTty: boolean): boolean {
  return mode === 'always' || (mode === 'auto' && stdoutIsTty);
}

export interface TraceStyle {
  /** Wrap the timer, frame names and header names in ANSI colours. */
  readonly color?: boolean;
}

const INDENT = '          ';
const RESET = '\x1b[0m';
const TIMER_COLOR = '\x1b[33m';
const SEND_COLOR = '\x1b[1;35m';
const RECV_COLOR = '\x1b[1;36m';
const HEADER_NAME_COLOR = '\x1b[1;34m';

function paint(text: string, code: string, style: TraceStyle): string {
  return style.color === true ? `${code}${text}${RESET}` : text;
}

function frameName(type: number, direction: Direction, style: TraceStyle): string {
  const name = frameTypeName(type);
  return paint(name, direction === 'send' ? SEND_COLOR : RECV_COLOR, style);
}

/** C's %d of a 32-bit value: the unsigned fields spdylay prints with %d show as negative past 2^31-1. */
function d(n: number): string {
  return String(n | 0);
}

/** C's %u of a 32-bit value. */
function u(n: number): string {
  return String(n >>> 0);
}

/**
 * The elapsed-time stamp spdylay's tools print before each event: seconds
 * right-aligned in three columns, then milliseconds, both truncated, e.g.
 * `[  0.003]` and `[ 17.456]` (print_timer's `[%3ld.%03ld]`).
 */
export function formatTimer(elapsedMs: number, style: TraceStyle = {}): string {
  const ms = Number.isFinite(elapsedMs) && elapsedMs > 0 ? Math.floor(elapsedMs) : 0;
  const seconds = String(Math.floor(ms / 1000)).padStart(3, ' ');
  const millis = String(ms % 1000).padStart(3, '0');
  return paint(`[${seconds}.${millis}]`, TIMER_COLOR, style);
}

/**
 * Lines describing a control frame (for onCtrlSendCb / onCtrlRecvCb),
 * without the timer: `send SYN_STREAM frame <version=3, flags=1, length=106>`,
 * then its fields and headers indented.
 */
export function formatCtrlFrame(direction: Direction, frame: AnyCtrlFrame, style: TraceStyle = {}): string[] {
  return [`${direction} ${frameHead(frame, direction, style)}`, ...frameBody(frame, style)];
}

/** The line for a DATA frame (for onDataSendCb / onDataRecvCb), without the timer. */
export function formatDataFrame(
  direction: Direction,
  flags: number,
  streamId: number,
  length: number,
  style: TraceStyle = {},
): string {
  const name = paint('DATA', direction === 'send' ? SEND_COLOR : RECV_COLOR, style);
  return `${direction} ${name} frame (stream_id=${d(streamId)}, flags=${d(flags)}, length=${d(length)})`;
}

function frameHead(frame: AnyCtrlFrame, direction: Direction, style: TraceStyle): string {
  const name = frameName(frame.frameType, direction, style);
  return `${name} frame <version=${u(frame.version)}, flags=${u(frame.flags)}, length=${d(frame.length)}>`;
}

function frameBody(frame: AnyCtrlFrame, style: TraceStyle): string[] {
  if (frame instanceof SynStreamFrame) {
    const ids = `(stream_id=${d(frame.streamId)}, assoc_stream_id=${d(frame.assocStreamId)}, pri=${u(frame.pri)})`;
    return [INDENT + ids, ...headerLines(frame.nv, style)];
  }
  if (frame instanceof SynReplyFrame || frame instanceof HeadersFrame) {
    return [`${INDENT}(stream_id=${d(frame.streamId)})`, ...headerLines(frame.nv, style)];
  }
  if (frame instanceof RstStreamFrame) {
    return [`${INDENT}(stream_id=${d(frame.streamId)}, status_code=${u(frame.statusCode)})`];
  }
  if (frame instanceof SettingsFrame) {
    const entries = frame.iv.map(([id, flags, value]) => `${INDENT}[${d(id)}(${u(flags)}):${u(value)}]`);
    return [`${INDENT}(niv=${frame.iv.length})`, ...entries];
  }
  if (frame instanceof PingFrame) return [`${INDENT}(unique_id=${d(frame.uniqueId)})`];
  // spdylay prints GOAWAY's last-good-stream-id only, not its status code.
  if (frame instanceof GoawayFrame) return [`${INDENT}(last_good_stream_id=${d(frame.lastGoodStreamId)})`];
  if (frame instanceof WindowUpdateFrame) {
    return [`${INDENT}(stream_id=${d(frame.streamId)}, delta_window_size=${d(frame.deltaWindowSize)})`];
  }
  return [];
}

/**
 * One line per name/value pair. A value still holding NUL-joined values
 * gets a line per value, as spdylay shows the pairs its unpacker split.
 */
function headerLines(nv: ReadonlyArray<readonly [string, string]>, style: TraceStyle): string[] {
  const lines: string[] = [];
  for (const [name, value] of nv) {
    const painted = paint(name, HEADER_NAME_COLOR, style);
    for (const part of value.split('\0')) lines.push(`${INDENT}${painted}: ${part}`);
  }
  return lines;
}

/** `Header dump: 80 03 00 01 ...`, each byte as two upper-case hex digits and a space. */
function headerDump(head: Uint8Array): string {
  let hex = '';
  for (const byte of head) hex += `${byte.toString(16).toUpperCase().padStart(2, '0')} `;
  return `${INDENT}Header dump: ${hex}`;
}

/**
 * Prints events as spdylay's tools do: each event's first line starts with
 * the elapsed-time stamp (and, for spdyd, the connection's `[id=N] `), the
 * lines after it are indented as they come. Every method returns the whole
 * text to write, each line ending in a newline; `elapsedMs` is the time
 * since the tool started (spdylay resets its timer once, in main).
 */
export class TracePrinter {
  private readonly style: TraceStyle;
  private readonly prefix: string;

  /** `sessionId` gives spdyd's per-connection `[id=N] ` prefix. */
  constructor(options: { color?: boolean; sessionId?: number } = {}) {
    this.style = { color: options.color === true };
    this.prefix = options.sessionId === undefined ? '' : `[id=${options.sessionId}] `;
  }

  /** A free-form event, e.g. `Handshake complete` or spdyd's `stream_id=1 closed`. */
  event(elapsedMs: number, text: string): string {
    return this.block(elapsedMs, [text]);
  }

  ctrlFrame(elapsedMs: number, direction: Direction, frame: AnyCtrlFrame): string {
    return this.block(elapsedMs, formatCtrlFrame(direction, frame, this.style));
  }

  dataFrame(elapsedMs: number, direction: Direction, flags: number, streamId: number, length: number): string {
    return this.block(elapsedMs, [formatDataFrame(direction, flags, streamId, length, this.style)]);
  }

  /** For onInvalidCtrlRecvCb: the frame as received, marked with the status it drew. */
  invalidCtrlFrame(elapsedMs: number, frame: AnyCtrlFrame, statusCode: number): string {
    const [first, ...rest] = formatCtrlFrame('recv', frame, this.style);
    return this.block(elapsedMs, [`[INVALID; status=${statusCodeName(statusCode)}] ${first}`, ...rest]);
  }

  /** For onCtrlRecvParseErrorCb: the frame type, spdylay's error text and the 8-byte head. */
  parseError(elapsedMs: number, type: number, head: Uint8Array, errorCode: number): string {
    return this.block(elapsedMs, [
      `[PARSE_ERROR] recv ${frameName(type, 'recv', this.style)} frame`,
      `${INDENT}Error: ${strerror(errorCode)}`,
      headerDump(head),
    ]);
  }

  /** For onUnknownCtrlRecvCb. */
  unknownFrame(elapsedMs: number, head: Uint8Array): string {
    return this.block(elapsedMs, ['recv unknown frame', headerDump(head)]);
  }

  private block(elapsedMs: number, lines: readonly string[]): string {
    const [first, ...rest] = lines;
    const head = `${this.prefix}${formatTimer(elapsedMs, this.style)} ${first ?? ''}\n`;
    return head + rest.map((line) => `${line}\n`).join('');
  }
}
