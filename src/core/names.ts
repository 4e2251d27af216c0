/**
 * Names for the numbers of the protocol, for messages and logs.
 * (Provisional: replaced by the public names helper of issue #19.)
 */
import * as C from './constants.js';

const STATUS = ['OK', 'PROTOCOL_ERROR', 'INVALID_STREAM', 'REFUSED_STREAM', 'UNSUPPORTED_VERSION', 'CANCEL',
  'INTERNAL_ERROR', 'FLOW_CONTROL_ERROR', 'STREAM_IN_USE', 'STREAM_ALREADY_CLOSED', 'INVALID_CREDENTIALS', 'FRAME_TOO_LARGE'];
const GOAWAY_STATUS = ['OK', 'PROTOCOL_ERROR', 'INTERNAL_ERROR'];

export function statusCodeName(code: number): string {
  return STATUS[code] ?? `UNKNOWN_STATUS(${code})`;
}

export function goawayStatusName(code: number): string {
  return GOAWAY_STATUS[code] ?? `UNKNOWN_STATUS(${code})`;
}

export function errorCodeName(code: number): string {
  for (const [name, value] of Object.entries(C)) if (name.startsWith('ERR_') && value === code) return name;
  return `UNKNOWN_ERROR(${code})`;
}
