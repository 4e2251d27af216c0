/**
 * Option objects are checked for keys nothing reads: a misspelt callback
 * would otherwise be silently never called. A key that is a known one in
 * another spelling (python-spdylay's `on_request_recv_cb`, another case) or
 * within two edits of one is told which one it meant.
 */
import { InvalidArgumentError } from './errors.js';

/** Most edits between a key and the known name it is taken for. */
const MAX_EDITS = 2;

/**
 * Throws InvalidArgumentError for the first own key of `given` that is not
 * in `known`, naming it and, when one is close, the known name.
 */
export function refuseUnknownKeys(given: object, known: readonly string[], what: string): void {
  for (const key of Object.keys(given)) {
    if (known.includes(key)) continue;
    const meant = nearest(key, known);
    const hint = meant === undefined ? `known: ${known.join(', ')}` : `did you mean ${meant}?`;
    throw new InvalidArgumentError(`unknown ${what} '${key}' (${hint})`);
  }
}

/** Throws InvalidArgumentError unless `value` is undefined or an object (not null, an array or a function). */
export function checkedObject<T extends object>(value: unknown, what: string): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidArgumentError(`${what} must be an object or undefined, got ${describeValue(value)}`);
  }
  return value as T;
}

/** A value as an argument error shows it: strings quoted, so '3' and 3 read differently. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}

/** Compared without case or underscores, so snake_case finds its camelCase. */
function folded(name: string): string {
  return name.toLowerCase().replaceAll('_', '');
}

function nearest(key: string, known: readonly string[]): string | undefined {
  const k = folded(key);
  let best: string | undefined;
  let bestEdits = MAX_EDITS + 1;
  for (const name of known) {
    const edits = editDistance(k, folded(name));
    if (edits < bestEdits) {
      best = name;
      bestEdits = edits;
    }
  }
  return best;
}

/** Levenshtein distance, one row at a time. */
function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      next.push(Math.min(substitution, row[j]! + 1, next[j - 1]! + 1));
    }
    row = next;
  }
  return row[b.length]!;
}
