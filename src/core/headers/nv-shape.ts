/**
 * The shapes of recently submitted name/value lists: for a list whose names
 * came in exactly the order of an earlier list's, sortNv's work on the names
 * (cache lookups, validation, lower-casing, the sort) has the same outcome,
 * so it is done once and its outcome kept.
 *
 * An application builds its requests (or its replies) in one place, so
 * consecutive lists nearly always share their names and their order and
 * differ only in values. A shape is the names as submitted, in order; it
 * keeps, for each position of the sorted list, the lower-cased name and the
 * index of the submitted pair that lands there. A stable sort of the same
 * names always puts the same pairs in the same places, so the result is
 * sortNv's, exactly.
 *
 * A shape also keeps, per length-field size, what builds the block's
 * one-string text (nv-pack.ts packText) for a list of that shape
 * (shape-text.ts): the name parts, and the text around the values that
 * change from list to list.
 *
 * Shared by every session in the thread, as the answers depend on the
 * names alone. Direct-mapped on the list's length: a miss replaces the
 * slot, so two shapes of the same length that alternate only cost the full
 * path, never a wrong answer. Bounded: at most SLOTS shapes, each of at most
 * MAX_NAMES names of at most MAX_NAME_CHARS characters in all.
 */
import type { NameValue } from '../header-codec.js';
import { compareNames, lowerCaseName } from './nv.js';
import { PLACEHOLDER_2, PLACEHOLDER_4 } from './nv-pack.js';
import { ShapeText } from './shape-text.js';

const SLOTS = 8;
const MAX_NAMES = 64;
const MAX_NAME_CHARS = 4096;

export interface NvShape {
  /** The names as submitted, in submission order. */
  readonly names: readonly string[];
  /** Position k of the sorted list: its lower-cased name. */
  readonly lower: readonly string[];
  /** Position k of the sorted list: the index of its pair in the submitted list. */
  readonly source: readonly number[];
  /** No lower-cased name repeats: joinNv leaves the sorted list as it is. */
  readonly unique: boolean;
  /** The text's parts for 2- and 4-byte length fields, made on first use. */
  text2: ShapeText | null;
  text4: ShapeText | null;
}

const shapes: (NvShape | undefined)[] = new Array<NvShape | undefined>(SLOTS);

/**
 * The shape `nv` has, if one is kept: every entry a two-element array whose
 * name is the shape's name at that position and whose value is a string.
 * null otherwise, including for anything sortNv would refuse (the full path
 * then throws its own error).
 */
export function matchShape(nv: readonly (readonly [string, string])[]): NvShape | null {
  if (!Array.isArray(nv)) return null;
  const n = nv.length;
  const shape = shapes[n & (SLOTS - 1)];
  if (shape === undefined || shape.names.length !== n) return null;
  const names = shape.names;
  for (let i = 0; i < n; i++) {
    const entry: unknown = nv[i];
    if (!Array.isArray(entry) || entry.length !== 2 || entry[0] !== names[i] || typeof entry[1] !== 'string') return null;
  }
  return shape;
}

/** sortNv's result for a list that matched `shape`: new pairs, lower-cased names, sorted. */
export function sortByShape(nv: readonly (readonly [string, string])[], shape: NvShape): NameValue[] {
  const n = shape.lower.length;
  const lower = shape.lower;
  const source = shape.source;
  const out = new Array<NameValue>(n);
  for (let k = 0; k < n; k++) out[k] = [lower[k]!, nv[source[k]!]![1]];
  return out;
}

/**
 * Keeps the shape of `nv`, whose names sortNv has just validated, and
 * returns it; null for a list too large to keep.
 */
export function rememberShape(nv: readonly (readonly [string, string])[]): NvShape | null {
  const n = nv.length;
  if (n > MAX_NAMES) return null;
  const names = new Array<string>(n);
  const lowered = new Array<string>(n);
  let chars = 0;
  for (let i = 0; i < n; i++) {
    const name = nv[i]![0];
    chars += name.length;
    names[i] = name;
    lowered[i] = lowerCaseName(name);
  }
  if (chars > MAX_NAME_CHARS) return null;
  // Byte order of the lower-cased names, ties in submission order: sortNv's stable sort.
  const source = Array.from({ length: n }, (_, i) => i);
  source.sort((a, b) => compareNames(lowered[a]!, lowered[b]!) || a - b);
  const lower = source.map((i) => lowered[i]!);
  let unique = true;
  for (let k = 1; k < n; k++) if (lower[k] === lower[k - 1]) unique = false;
  const shape: NvShape = { names, lower, source, unique, text2: null, text4: null };
  shapes[n & (SLOTS - 1)] = shape;
  return shape;
}

/**
 * packText for sortByShape's result `sorted`, when the shape is unique (so
 * `sorted` is also the wire list): the same string, built from the kept
 * parts (shape-text.ts). null for a block too long for the one-string path.
 */
export function shapeText(shape: NvShape, sorted: readonly NameValue[], lengthSize: 2 | 4): string | null {
  if (lengthSize === 4) return (shape.text4 ??= new ShapeText(shape.lower, true)).text(sorted, PLACEHOLDER_4);
  return (shape.text2 ??= new ShapeText(shape.lower, false)).text(sorted, PLACEHOLDER_2);
}
