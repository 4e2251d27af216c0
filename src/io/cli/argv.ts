/**
 * The command-line scanner behind `spdycat` and `spdyd`, reading argv the
 * way their getopt_long does: `-v`, bundled `-nv`, `-t5` and `-t 5`,
 * `--timeout=5` and `--timeout 5`, unambiguous prefixes of long names
 * (`--verb`), operands anywhere among the options, `-` as an operand and
 * `--` ending the options. What the options mean is the tools' business;
 * this only splits the words. Pure: no process, no I/O.
 */

/** A mistake on the command line. The message is one line naming the option or value. */
export class CliUsageError extends Error {
  override name = 'CliUsageError';
}

export interface OptionSpec {
  /** What the tool calls the option; every spelling of it reports this key. */
  readonly key: string;
  /** The one-character spelling, without its dash. */
  readonly short?: string;
  /** The long spelling, without its dashes. */
  readonly long?: string;
  readonly takesValue: boolean;
}

export type ArgvItem =
  /** `name` is the option as the user spelled it (`-t`, `--timeout`), for messages. */
  | { readonly kind: 'option'; readonly key: string; readonly name: string; readonly value: string | undefined }
  | { readonly kind: 'operand'; readonly value: string };

/**
 * The options and operands of `argv` (without the program name), in order.
 * Lazy, so a tool can stop at `-h` before the words after it are judged,
 * as getopt's caller does. Throws CliUsageError for an unknown or ambiguous
 * option, a missing value, or a value given to an option that takes none.
 */
export function* scanArgv(argv: readonly string[], specs: readonly OptionSpec[]): Generator<ArgvItem> {
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === '--') {
      for (const rest of argv.slice(i + 1)) yield { kind: 'operand', value: rest };
      return;
    }
    if (word.startsWith('--')) {
      const eq = word.indexOf('=');
      const typed = eq < 0 ? word.slice(2) : word.slice(2, eq);
      const spec = findLong(typed, specs);
      const name = `--${spec.long}`;
      if (eq >= 0) {
        if (!spec.takesValue) throw new CliUsageError(`option '${name}' takes no value`);
        yield { kind: 'option', key: spec.key, name, value: word.slice(eq + 1) };
      } else if (spec.takesValue) {
        if (i + 1 >= argv.length) throw new CliUsageError(`option '${name}' needs a value`);
        yield { kind: 'option', key: spec.key, name, value: argv[++i] };
      } else {
        yield { kind: 'option', key: spec.key, name, value: undefined };
      }
      continue;
    }
    if (word.startsWith('-') && word.length > 1) {
      // A bundle of short options; the first that takes a value takes the
      // rest of the word, or else the next word.
      for (let j = 1; j < word.length; j++) {
        const letter = word[j]!;
        const spec = specs.find((s) => s.short === letter);
        if (spec === undefined) throw new CliUsageError(`unknown option '-${letter}'`);
        const name = `-${letter}`;
        if (!spec.takesValue) {
          yield { kind: 'option', key: spec.key, name, value: undefined };
          continue;
        }
        if (j + 1 < word.length) {
          yield { kind: 'option', key: spec.key, name, value: word.slice(j + 1) };
        } else {
          if (i + 1 >= argv.length) throw new CliUsageError(`option '${name}' needs a value`);
          yield { kind: 'option', key: spec.key, name, value: argv[++i] };
        }
        break;
      }
      continue;
    }
    yield { kind: 'operand', value: word };
  }
}

/** An exact long name, else the one long name that starts with what was typed. */
function findLong(typed: string, specs: readonly OptionSpec[]): OptionSpec & { long: string } {
  const withLong = specs.filter((s): s is OptionSpec & { long: string } => s.long !== undefined);
  const exact = withLong.find((s) => s.long === typed);
  if (exact !== undefined) return exact;
  const candidates = typed === '' ? [] : withLong.filter((s) => s.long.startsWith(typed));
  if (candidates.length === 1) return candidates[0]!;
  if (candidates.length === 0) throw new CliUsageError(`unknown option '--${typed}'`);
  const names = candidates.map((s) => `--${s.long}`).join(', ');
  throw new CliUsageError(`option '--${typed}' is ambiguous: ${names}`);
}

/**
 * A whole decimal number within [min, max], or a CliUsageError naming the
 * option. Stricter than the C tools' atoi/strtoul, which read "5x" as 5
 * and "x" as 0.
 */
export function parseWholeNumber(name: string, value: string, min: number, max: number, what: string): number {
  const n = /^[0-9]+$/.test(value) ? Number(value) : NaN;
  if (!(n >= min && n <= max)) {
    throw new CliUsageError(`${name}: '${value}' is not ${what} (a whole number from ${min} to ${max})`);
  }
  return n;
}
