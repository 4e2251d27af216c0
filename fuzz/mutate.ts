/**
 * Mutations of a recorded byte stream, as an attacker or a broken peer
 * would produce them: on its frames (duplicated, dropped, reordered,
 * spliced with another recording's, a length field that lies, a version
 * or type changed, a foreign frame inserted) and then on its bytes (bits
 * flipped, bytes overwritten, inserted or deleted, spans duplicated, the
 * stream truncated). Each mutation is plain data, so fast-check shrinks a
 * failing list towards the fewest and smallest.
 */
import { concat } from './bytes.js';

export type FrameMutation =
  | { op: 'duplicate'; at: number }
  | { op: 'drop'; at: number }
  | { op: 'swap'; at: number; with: number }
  | { op: 'splice'; at: number; other: Uint8Array[]; from: number }
  | { op: 'lie'; at: number; length: number }
  | { op: 'version'; at: number; version: number }
  | { op: 'type'; at: number; type: number }
  | { op: 'insert'; at: number; frame: Uint8Array };

export type ByteMutation =
  | { op: 'flip'; at: number; mask: number }
  | { op: 'set'; at: number; value: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'delete'; at: number; span: number }
  | { op: 'repeat'; at: number; span: number }
  | { op: 'truncate'; at: number };

/** `at` fields are fractions 0..1 of the list or stream, so a mutation fits any length. */
function index(at: number, length: number): number {
  return Math.min(length - 1, Math.floor(at * length));
}

export function mutateFrames(frames: readonly Uint8Array[], mutations: readonly FrameMutation[]): Uint8Array[] {
  let list = frames.slice();
  for (const m of mutations) {
    if (list.length === 0 && m.op !== 'insert') continue;
    const i = list.length === 0 ? 0 : index(m.at, list.length);
    switch (m.op) {
      case 'duplicate':
        list.splice(i, 0, list[i]!);
        break;
      case 'drop':
        list.splice(i, 1);
        break;
      case 'swap': {
        const j = index(m.with, list.length);
        [list[i], list[j]] = [list[j]!, list[i]!];
        break;
      }
      case 'splice':
        if (m.other.length > 0) list = [...list.slice(0, i), ...m.other.slice(index(m.from, m.other.length))];
        break;
      case 'lie': {
        const frame = list[i]!.slice();
        if (frame.length >= 8) {
          frame[5] = (m.length >>> 16) & 0xff;
          frame[6] = (m.length >>> 8) & 0xff;
          frame[7] = m.length & 0xff;
        }
        list[i] = frame;
        break;
      }
      case 'version':
      case 'type': {
        const frame = list[i]!.slice();
        // Control frames only: a DATA frame's first word is its stream id.
        if (frame.length >= 4 && frame[0]! & 0x80) {
          const at = m.op === 'version' ? 0 : 2;
          const value = m.op === 'version' ? 0x8000 | (m.version & 0x7fff) : m.type & 0xffff;
          frame[at] = value >>> 8;
          frame[at + 1] = value & 0xff;
        }
        list[i] = frame;
        break;
      }
      case 'insert':
        list.splice(list.length === 0 ? 0 : index(m.at, list.length + 1), 0, m.frame);
        break;
    }
  }
  return list;
}

export function mutateBytes(input: Uint8Array, mutations: readonly ByteMutation[]): Uint8Array {
  let b = input;
  for (const m of mutations) {
    if (b.length === 0 && m.op !== 'insert') continue;
    const at = b.length === 0 ? 0 : index(m.at, b.length);
    switch (m.op) {
      case 'flip':
        b = b.slice();
        b[at] = b[at]! ^ (m.mask || 1);
        break;
      case 'set':
        b = b.slice();
        b[at] = m.value;
        break;
      case 'insert':
        b = concat([b.subarray(0, at), m.bytes, b.subarray(at)]);
        break;
      case 'delete':
        b = concat([b.subarray(0, at), b.subarray(at + m.span)]);
        break;
      case 'repeat':
        b = concat([b.subarray(0, at + m.span), b.subarray(at, at + m.span), b.subarray(at + m.span)]);
        break;
      case 'truncate':
        b = b.subarray(0, at);
        break;
    }
  }
  return b;
}
