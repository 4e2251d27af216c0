/**
 * The argv scanner reads words as the tools' getopt_long does (GNU getopt:
 * option forms, bundling, permutation of operands, unambiguous long
 * prefixes, `--`), and names the option in every error.
 */
import { describe, expect, it } from 'vitest';
import { CliUsageError, parseWholeNumber, scanArgv } from '../../../src/io/cli/argv.js';
import type { OptionSpec } from '../../../src/io/cli/argv.js';

const SPECS: OptionSpec[] = [
  { key: 'verbose', short: 'v', long: 'verbose', takesValue: false },
  { key: 'null-out', short: 'n', long: 'null-out', takesValue: false },
  { key: 'timeout', short: 't', long: 'timeout', takesValue: true },
  { key: 'spdy3', short: '3', long: 'spdy3', takesValue: false },
  { key: 'spdy3-1', long: 'spdy3-1', takesValue: false },
  { key: 'stat', short: 's', long: 'stat', takesValue: false },
];

/** Each item as `key=value`, `key` or `@operand`. */
function scan(...argv: string[]): string[] {
  return [...scanArgv(argv, SPECS)].map((item) =>
    item.kind === 'operand' ? `@${item.value}` : item.value === undefined ? item.key : `${item.key}=${item.value}`);
}

function usageError(...argv: string[]): string {
  try {
    scan(...argv);
  } catch (e) {
    expect(e).toBeInstanceOf(CliUsageError);
    expect((e as Error).name).toBe('CliUsageError');
    return (e as Error).message;
  }
  throw new Error('no CliUsageError');
}

describe('scanArgv', () => {
  it('reads a value in all four spellings', () => {
    expect(scan('--timeout=5', '--timeout', '6', '-t7', '-t', '8')).toEqual(['timeout=5', 'timeout=6', 'timeout=7', 'timeout=8']);
  });

  it('keeps an empty --opt= value and takes the next word even when it starts with a dash', () => {
    expect(scan('--timeout=', '-t', '-v')).toEqual(['timeout=', 'timeout=-v']);
  });

  it('splits a bundle of short options; one taking a value takes the rest of the word', () => {
    expect(scan('-nv')).toEqual(['null-out', 'verbose']);
    expect(scan('-vt5')).toEqual(['verbose', 'timeout=5']);
    expect(scan('-vt', '5', 'x')).toEqual(['verbose', 'timeout=5', '@x']);
  });

  it('reads options after operands (getopt permutes) and stops at --', () => {
    expect(scan('a', '-v', 'b', '--', '-n', '--stat')).toEqual(['@a', 'verbose', '@b', '@-n', '@--stat']);
  });

  it('takes a lone - as an operand', () => {
    expect(scan('-', '-v')).toEqual(['@-', 'verbose']);
  });

  it('accepts an unambiguous prefix of a long name; an exact name wins over longer ones', () => {
    expect(scan('--verb', '--time=3', '--st')).toEqual(['verbose', 'timeout=3', 'stat']);
    expect(scan('--spdy3')).toEqual(['spdy3']);
    expect(scan('--spdy3-')).toEqual(['spdy3-1']);
  });

  it('reports the option as typed, spelled out in full when a prefix was used', () => {
    const items = [...scanArgv(['-t1', '--tim', '2'], SPECS)];
    expect(items.map((i) => (i.kind === 'option' ? i.name : ''))).toEqual(['-t', '--timeout']);
  });

  it('names an unknown, ambiguous, valueless or value-refusing option', () => {
    expect(usageError('--frobnicate')).toBe("unknown option '--frobnicate'");
    expect(usageError('-vx')).toBe("unknown option '-x'");
    expect(usageError('--spd')).toBe("option '--spd' is ambiguous: --spdy3, --spdy3-1");
    expect(usageError('-t')).toBe("option '-t' needs a value");
    expect(usageError('--timeout')).toBe("option '--timeout' needs a value");
    expect(usageError('--verbose=yes')).toBe("option '--verbose' takes no value");
    expect(usageError('--=1')).toBe("unknown option '--'");
  });

  it('is lazy: a caller that stops early never sees a later mistake', () => {
    const items = scanArgv(['-v', '--bogus'], SPECS);
    expect(items.next().value).toMatchObject({ key: 'verbose' });
  });
});

describe('parseWholeNumber', () => {
  it('reads a whole decimal number in range', () => {
    expect(parseWholeNumber('-m', '12', 1, 100, 'a count')).toBe(12);
    expect(parseWholeNumber('PORT', '0', 0, 65535, 'a port')).toBe(0);
  });

  it.each(['', '5x', 'x', '-1', '1.5', ' 5', '1e3', '0x10', '101'])('refuses %j, naming the option and the value', (text) => {
    expect(() => parseWholeNumber('-m', text, 1, 100, 'a count')).toThrow(
      new CliUsageError(`-m: '${text}' is not a count (a whole number from 1 to 100)`));
  });
});
