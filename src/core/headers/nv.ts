/**
 * Name/value lists as the session handles them: validating and normalising
 * what the user submits, splitting NUL-joined values for display, and the
 * SPDY/2 <-> SPDY/3 header-name mapping. The wire format itself (packing and
 * unpacking the uncompressed block) lives in nv-pack.ts and nv-unpack.ts.
 *
 * What spdylay does, which this module matches:
 * - On submit (spdylay_submit.c, spdylay_frame_nv_check_null) it rejects an
 *   empty name, a name with a byte outside 0x20..0x7E (a control character,
 *   DEL, anything not ASCII) and a NULL value; values are not looked at.
 *   Then spdylay_frame_nv_norm_copy lower-cases 'A'..'Z' in names (nothing
 *   else) and sorts the pairs by name with strcmp, i.e. by the names' bytes,
 *   which for printable ASCII is the order of JavaScript's string compare.
 * - When packing (spdylay_frame_pack_nv) consecutive pairs with the same
 *   name, adjacent after the sort, become one entry whose values are joined
 *   by a single NUL. An empty value is dropped from such a join (an empty
 *   piece would make the block invalid for the receiver); spdylay's own
 *   version of this rule mis-joins a third value after a dropped empty one,
 *   which is not reproduced.
 * - SPDY/2 (spdylay_session.c, spdylay_frame_nv_3to2 / nv_2to3): before a
 *   header frame is packed the names are mapped 3 -> 2 and re-sorted; the
 *   frame the callbacks see is mapped back. A received SPDY/2 block is
 *   mapped 2 -> 3 after unpacking, without re-sorting, so the application
 *   only ever sees SPDY/3 names.
 */
import { InvalidArgumentError } from '../errors.js';
import type { HeaderEncoding, NameValue } from '../header-codec.js';

/** Orders names as spdylay's strcmp orders their bytes: names are printable ASCII, so string order is byte order. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function comparePairs(a: NameValue, b: NameValue): number {
  return compareNames(a[0], b[0]);
}

/** Lists up to this long are sorted by insertion as they are built; longer ones by Array.prototype.sort. */
const INSERTION_MAX = 32;

/**
 * Names that passed checkName, mapped to their lower-cased form. Shared by
 * every session in the thread: the answer depends on the name alone, so
 * sharing changes no result. Bounded by emptying it when full, so an
 * application that makes up names cannot grow it.
 */
const knownNames = new Map<string, string>();
const KNOWN_NAMES_MAX = 512;

function rememberName(name: string, lower: string): void {
  if (knownNames.size >= KNOWN_NAMES_MAX) knownNames.clear();
  knownNames.set(name, lower);
}

/** The lower-cased form of a name sortNv has accepted, as sortNv makes it. */
export function lowerCaseName(name: string): string {
  return knownNames.get(name) ?? name.toLowerCase();
}

/** A name for an error message: quoted, control characters escaped. */
function describe(name: string): string {
  return JSON.stringify(name);
}

/**
 * Refuses a name holding a character outside printable ASCII (0x20..0x7E),
 * as spdylay_frame_nv_check_null does: a receiver (spdylay included) would
 * refuse the whole block, so it is refused here, at submit time, naming it.
 */
function checkName(name: string, index: number): void {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) {
      const code = name.codePointAt(i)!;
      const what = code === 0 ? 'NUL' : `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
      throw new InvalidArgumentError(
        `header #${index} ${describe(name)}: name contains ${what}; a name may hold only printable ASCII (0x20..0x7E)`,
      );
    }
  }
}

function notLatin1(name: string, c: number): InvalidArgumentError {
  const code = c.toString(16).toUpperCase().padStart(4, '0');
  return new InvalidArgumentError(`header ${describe(name)}: character U+${code} cannot be sent as latin1`);
}

/**
 * Validates a user's name/value list and returns it lower-cased and sorted:
 * spdylay_frame_nv_norm_copy, which gives the list a sent frame shows its
 * callbacks. Names lower-cased ('A'..'Z' only), pairs sorted by name
 * (stable, so the values of a repeated name keep their order), repeated
 * names still separate pairs. Always a new array of new pairs.
 *
 * Throws InvalidArgumentError, naming the header, for: an entry that is not
 * a [name, value] pair, a name that is not a string or is empty or holds a
 * character outside printable ASCII (0x20..0x7E), a value that is null,
 * undefined or not a string or holds NUL, and with `latin1` a value
 * character above U+00FF (which could not be sent).
 */
export function sortNv(nv: readonly (readonly [string, string])[], encoding: HeaderEncoding = 'utf8'): NameValue[] {
  return sortPairs(nv, encoding === 'latin1', true);
}

/**
 * sortNv, except that under UTF-8 values are not searched for NUL: the
 * caller must do it (prepareNv searches the packed block's text instead,
 * see there), or call checkValuesForNul. Under latin1 every value is
 * scanned character by character anyway, so NUL is still checked there.
 */
export function sortNvDeferringNul(nv: readonly (readonly [string, string])[], encoding: HeaderEncoding = 'utf8'): NameValue[] {
  return sortPairs(nv, encoding === 'latin1', false);
}

/** Throws InvalidArgumentError, naming the header, for the first value of `nv` that holds NUL. */
export function checkValuesForNul(nv: readonly NameValue[]): void {
  for (let i = 0; i < nv.length; i++) {
    const pair = nv[i]!;
    if (pair[1].indexOf('\0') !== -1) throw nulInValue(pair[0]);
  }
}

function nulInValue(name: string): InvalidArgumentError {
  return new InvalidArgumentError(`header ${describe(name)}: value contains NUL`);
}

function sortPairs(nv: readonly (readonly [string, string])[], latin1: boolean, checkNul: boolean): NameValue[] {
  if (!Array.isArray(nv)) throw new InvalidArgumentError('nv must be an array of [name, value] pairs');
  const n = nv.length;
  const out: NameValue[] = new Array<NameValue>(n);
  // Short lists (the usual header set) are insertion-sorted while they are
  // built: one comparison per pair when the input is already sorted, and no
  // comparator calls. Stable: a pair moves only past strictly greater names.
  const insert = n <= INSERTION_MAX;
  let sorted = true;
  for (let i = 0; i < n; i++) {
    const entry: unknown = nv[i];
    if (!Array.isArray(entry) || entry.length !== 2) {
      throw new InvalidArgumentError(`header #${i}: expected a [name, value] pair`);
    }
    const name: unknown = entry[0];
    const value: unknown = entry[1];
    if (typeof name !== 'string') throw new InvalidArgumentError(`header #${i}: name must be a string, got ${typeof name}`);
    if (name.length === 0) throw new InvalidArgumentError(`header #${i}: empty name`);
    // Names repeat on every request of an application: a name seen before
    // is valid and needs no scan.
    let lower = knownNames.get(name);
    if (lower === undefined) {
      checkName(name, i);
      // spdylay_frame_nv_downcase lowers 'A'..'Z' only: for an ASCII name, all toLowerCase changes.
      lower = name.toLowerCase();
      rememberName(name, lower);
    }
    if (value === null || value === undefined) {
      throw new InvalidArgumentError(`header ${describe(name)}: value is ${String(value)}`);
    }
    if (typeof value !== 'string') {
      throw new InvalidArgumentError(`header ${describe(name)}: value must be a string, got ${typeof value}`);
    }
    // Searching a value flattens it; prepareNv searches its block's text
    // instead (checkNul false; docs/performance.md, "Flattening").
    if ((checkNul || latin1) && value.indexOf('\0') !== -1) throw nulInValue(name);
    if (latin1) {
      for (let j = 0; j < value.length; j++) {
        const c = value.charCodeAt(j);
        if (c > 0xff) throw notLatin1(name, c);
      }
    }
    const pair: NameValue = [lower, value];
    if (!insert) {
      if (sorted && i > 0 && out[i - 1]![0] > lower) sorted = false;
      out[i] = pair;
      continue;
    }
    let j = i;
    while (j > 0 && out[j - 1]![0] > lower) {
      out[j] = out[j - 1]!;
      j--;
    }
    out[j] = pair;
  }
  if (!sorted) out.sort(comparePairs);
  return out;
}

/**
 * Merges the pairs of a sorted list that share a name into one pair whose
 * values are joined by NUL, as spdylay_frame_pack_nv does; an empty value is
 * dropped from a join. Does not modify `sorted`; returns it itself when no
 * name repeats.
 */
export function joinNv(sorted: readonly NameValue[]): NameValue[] {
  let i = 1;
  while (i < sorted.length && sorted[i]![0] !== sorted[i - 1]![0]) i++;
  if (i >= sorted.length) return sorted as NameValue[];
  const out: NameValue[] = sorted.slice(0, i - 1);
  let name = sorted[i - 1]![0];
  let value = sorted[i - 1]![1];
  for (; i <= sorted.length; i++) {
    const pair = sorted[i];
    if (pair !== undefined && pair[0] === name) {
      if (pair[1] !== '') value = value === '' ? pair[1] : value + '\0' + pair[1];
      continue;
    }
    out.push([name, value]);
    if (pair === undefined) break;
    name = pair[0];
    value = pair[1];
  }
  return out;
}

/**
 * sortNv then joinNv: the list the header encoder takes (unique lower-case
 * names in byte order, repeated values NUL-joined). Throws as sortNv does.
 */
export function normalizeNv(nv: readonly (readonly [string, string])[], encoding: HeaderEncoding = 'utf8'): NameValue[] {
  return joinNv(sortNv(nv, encoding));
}

/**
 * Expands NUL-joined values into repeated pairs, as a receiver shows them
 * (and as spdylay's frame structures hold them). Returns `nv` itself when no
 * value holds a NUL.
 */
export function splitNv(nv: readonly NameValue[]): NameValue[] {
  let i = 0;
  while (i < nv.length && nv[i]![1].indexOf('\0') === -1) i++;
  if (i === nv.length) return nv as NameValue[];
  const out: NameValue[] = nv.slice(0, i);
  for (; i < nv.length; i++) {
    const [name, value] = nv[i]!;
    if (value.indexOf('\0') === -1) out.push(nv[i]!);
    else for (const piece of value.split('\0')) out.push([name, piece]);
  }
  return out;
}

/** SPDY/3 name -> SPDY/2 wire name (spdylay's spdylay_nv_3to2 table). */
function nameTo2(name: string): string | undefined {
  switch (name) {
    case ':host':
      return 'host';
    case ':method':
      return 'method';
    case ':path':
      return 'url';
    case ':scheme':
      return 'scheme';
    case ':status':
      return 'status';
    case ':version':
      return 'version';
    default:
      return undefined;
  }
}

/** SPDY/2 wire name -> SPDY/3 name: the same table read the other way. */
function nameFrom2(name: string): string | undefined {
  switch (name) {
    case 'host':
      return ':host';
    case 'method':
      return ':method';
    case 'url':
      return ':path';
    case 'scheme':
      return ':scheme';
    case 'status':
      return ':status';
    case 'version':
      return ':version';
    default:
      return undefined;
  }
}

/**
 * For sending on SPDY/2: a normalised list (normalizeNv's output) with the
 * six SPDY/3 names renamed to their SPDY/2 forms, then re-sorted and
 * re-joined as spdylay does (`:host` and `host` both given become one `host`
 * entry, `:host`'s value first). Other names, `:`-prefixed or not, pass
 * unchanged, as in spdylay_frame_nv_3to2. Does not modify `nv`; returns
 * `nv` itself when no name is renamed.
 */
export function mapNamesTo2(nv: readonly NameValue[]): NameValue[] {
  let i = 0;
  while (i < nv.length && nameTo2(nv[i]![0]) === undefined) i++;
  if (i === nv.length) return nv as NameValue[];
  const out: NameValue[] = new Array<NameValue>(nv.length);
  for (let j = 0; j < nv.length; j++) {
    const pair = nv[j]!;
    const to = nameTo2(pair[0]);
    out[j] = to === undefined ? pair : [to, pair[1]];
  }
  return joinNv(out.sort(comparePairs));
}

/**
 * For a block received on SPDY/2: renames `host`, `method`, `url`, `scheme`,
 * `status` and `version` to `:host`, `:method`, `:path`, `:scheme`,
 * `:status` and `:version`, in place and without re-sorting
 * (spdylay_frame_nv_2to3, applied by spdylay to every received SYN_STREAM,
 * SYN_REPLY and HEADERS of a SPDY/2 session). Returns `nv`.
 */
export function mapNamesFrom2(nv: NameValue[]): NameValue[] {
  for (let i = 0; i < nv.length; i++) {
    const pair = nv[i]!;
    const to = nameFrom2(pair[0]);
    if (to !== undefined) pair[0] = to;
  }
  return nv;
}
