/**
 * Short, stable texts for frames, status codes and error codes, so tests
 * can compare whole sequences of callbacks or frames with one toEqual and
 * a failure prints something a reader can follow.
 */
import * as C from '../../src/core/constants.js';

const FRAME_NAMES: Record<number, string> = {
  [C.SYN_STREAM]: 'SYN_STREAM',
  [C.SYN_REPLY]: 'SYN_REPLY',
  [C.RST_STREAM]: 'RST_STREAM',
  [C.SETTINGS]: 'SETTINGS',
  [C.NOOP]: 'NOOP',
  [C.PING]: 'PING',
  [C.GOAWAY]: 'GOAWAY',
  [C.HEADERS]: 'HEADERS',
  [C.WINDOW_UPDATE]: 'WINDOW_UPDATE',
  [C.CREDENTIAL]: 'CREDENTIAL',
};

const STATUS_NAMES: Record<number, string> = {
  [C.OK]: 'OK',
  [C.PROTOCOL_ERROR]: 'PROTOCOL_ERROR',
  [C.INVALID_STREAM]: 'INVALID_STREAM',
  [C.REFUSED_STREAM]: 'REFUSED_STREAM',
  [C.UNSUPPORTED_VERSION]: 'UNSUPPORTED_VERSION',
  [C.CANCEL]: 'CANCEL',
  [C.INTERNAL_ERROR]: 'INTERNAL_ERROR',
  [C.FLOW_CONTROL_ERROR]: 'FLOW_CONTROL_ERROR',
  [C.STREAM_IN_USE]: 'STREAM_IN_USE',
  [C.STREAM_ALREADY_CLOSED]: 'STREAM_ALREADY_CLOSED',
  [C.INVALID_CREDENTIALS]: 'INVALID_CREDENTIALS',
  [C.FRAME_TOO_LARGE]: 'FRAME_TOO_LARGE',
};

const GOAWAY_NAMES: Record<number, string> = {
  [C.GOAWAY_OK]: 'OK',
  [C.GOAWAY_PROTOCOL_ERROR]: 'PROTOCOL_ERROR',
  [C.GOAWAY_INTERNAL_ERROR]: 'INTERNAL_ERROR',
};

const ERROR_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(C)
    .filter(([name, value]) => name.startsWith('ERR_') && typeof value === 'number')
    .map(([name, value]) => [value as number, name]),
);

export function frameTypeName(type: number): string {
  return FRAME_NAMES[type] ?? `TYPE_${type}`;
}

/** RST_STREAM / stream-close status: its constant's name. */
export function statusName(status: number): string {
  return STATUS_NAMES[status] ?? `status=${status}`;
}

export function goawayStatusName(status: number): string {
  return GOAWAY_NAMES[status] ?? `status=${status}`;
}

export function errorName(code: number): string {
  return ERROR_NAMES[code] ?? `error=${code}`;
}

/** The fields labels read; frame records and the API's frame objects both have them. */
export interface FrameFields {
  streamId?: number;
  statusCode?: number;
  uniqueId?: number;
  lastGoodStreamId?: number;
  deltaWindowSize?: number;
}

/** `SYN_STREAM(1)`, `RST_STREAM(1,CANCEL)`, `PING(2)`, `GOAWAY(3,PROTOCOL_ERROR)`, `WINDOW_UPDATE(1,+4096)`, `SETTINGS`. */
export function frameLabel(type: number, frame: object): string {
  const f = frame as FrameFields;
  const name = frameTypeName(type);
  switch (type) {
    case C.SYN_STREAM:
    case C.SYN_REPLY:
    case C.HEADERS:
      return `${name}(${f.streamId})`;
    case C.RST_STREAM:
      return `${name}(${f.streamId},${statusName(f.statusCode!)})`;
    case C.PING:
      return `${name}(${f.uniqueId})`;
    case C.GOAWAY:
      return `${name}(${f.lastGoodStreamId},${goawayStatusName(f.statusCode!)})`;
    case C.WINDOW_UPDATE:
      return `${name}(${f.streamId},+${f.deltaWindowSize})`;
    default:
      return name;
  }
}

/** `len=5` plus `,FIN` when the DATA flags carry FIN (and the raw flags when anything else is set). */
export function dataLabel(streamId: number, flags: number, length: number): string {
  const extra = flags & ~C.DATA_FLAG_FIN ? `,flags=${flags}` : '';
  return `${streamId},len=${length}${flags & C.DATA_FLAG_FIN ? ',FIN' : ''}${extra}`;
}
