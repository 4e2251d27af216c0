/**
 * The block's one-string text (nv-pack.ts packText) for a list of a kept
 * shape (nv-shape.ts) whose names need no joining, built from the shape's
 * name parts and, where the values repeat the last list's, from kept runs
 * of text.
 *
 * The lists of one shape mostly repeat their values (a user agent, accept
 * headers, a server's content type); a few change from list to list (a
 * path, a date, a cookie). So a shape keeps, per length-field size, the
 * text between its changing values as flat strings (runs), and a list
 * whose other values equal the last list's is built as runs[0] + v +
 * runs[1] + ...: one concatenation per changing value instead of one per
 * pair, and a text of a few pieces for the flatten that prepareNv's NUL
 * search causes, instead of two per pair (docs/performance.md, "The
 * prepared text"). A list that changes another value adds its position to
 * the changing ones and the runs are rebuilt: a shape's changing positions
 * only grow, so it is rebuilt at most once per position. The text is the
 * same string whichever way it is built.
 */
import type { NameValue } from '../header-codec.js';
import { namePart, PLACEHOLDER_2, PLACEHOLDER_4, TEXT_MAX_CHARS } from './nv-pack.js';

/** Runs are kept for texts up to this many characters: what a kept shape holds on to stays small. */
const RUNS_MAX_CHARS = 8 * 1024;

/** A kept shape's text parts for one length-field size. */
export class ShapeText {
  /** Position k of the sorted list: placeholder + name + placeholder, what stands before its value. */
  private readonly parts: readonly string[];
  /** The values the runs were built from, by position ('' where it changes, so no old value is held); null: none yet. */
  private values: string[] | null = null;
  /** Whether each position's value has changed between lists: those are pieces of their own. */
  private changing: boolean[] | null = null;
  /** runs[j]: the text before the j-th changing value (after the one before it); the last run ends the text. */
  private runs: string[] = [];

  constructor(lower: readonly string[], wide: boolean) {
    this.parts = lower.map((name) => namePart(name, wide));
  }

  /**
   * The text for `sorted` (sortByShape's list of this shape, unique names),
   * with `placeholder` standing for the count; null for a block too long
   * for the one-string path.
   */
  text(sorted: readonly NameValue[], placeholder: typeof PLACEHOLDER_2 | typeof PLACEHOLDER_4): string | null {
    const parts = this.parts;
    const n = sorted.length;
    let chars = placeholder.length;
    for (let k = 0; k < n; k++) chars += parts[k]!.length + sorted[k]![1].length;
    if (chars > TEXT_MAX_CHARS) return null;
    const values = this.values;
    const changing = this.changing;
    if (values !== null && changing !== null) {
      let same = true;
      for (let k = 0; k < n && same; k++) same = changing[k]! || sorted[k]![1] === values[k];
      if (same) return this.fromRuns(sorted);
    }
    if (chars > RUNS_MAX_CHARS) return this.plain(sorted, placeholder);
    this.keepRuns(sorted, placeholder);
    return this.fromRuns(sorted);
  }

  private fromRuns(sorted: readonly NameValue[]): string {
    const runs = this.runs;
    const changing = this.changing!;
    let text = runs[0]!;
    for (let k = 0, j = 1; j < runs.length; k++) {
      if (changing[k]) text = text + sorted[k]![1] + runs[j++]!;
    }
    return text;
  }

  /** Marks the positions whose values differ from the last list's as changing, and rebuilds the runs. */
  private keepRuns(sorted: readonly NameValue[], placeholder: string): void {
    const parts = this.parts;
    const n = sorted.length;
    const last = this.values;
    const changing = this.changing ?? new Array<boolean>(n).fill(false);
    const values = new Array<string>(n);
    const runs: string[] = [];
    let run = placeholder;
    for (let k = 0; k < n; k++) {
      const value = sorted[k]![1];
      if (last !== null && !changing[k] && value !== last[k]) changing[k] = true;
      if (changing[k]) {
        values[k] = '';
        runs.push(flat(run + parts[k]!));
        run = '';
      } else {
        values[k] = value;
        run = run + parts[k]! + value;
      }
    }
    runs.push(flat(run));
    this.values = values;
    this.changing = changing;
    this.runs = runs;
  }

  private plain(sorted: readonly NameValue[], placeholder: string): string {
    const parts = this.parts;
    let text = placeholder;
    for (let k = 0; k < sorted.length; k++) text = text + parts[k]! + sorted[k]![1];
    return text;
  }
}

/** `s`, made flat: reading a character makes V8 store a concatenation as one string. */
function flat(s: string): string {
  s.charCodeAt(0);
  return s;
}
