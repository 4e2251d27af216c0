/**
 * The shape cache (nv-shape.ts) behind prepareNv: a list whose names come
 * in the order of a recent list's takes the kept outcome of sortNv's work
 * on the names. Whatever the lists, prepareNv must give exactly what the
 * plain path gives (sortNv, joinNv, the SPDY/2 mapping, packText) and throw
 * exactly what it throws. Fixed fast-check seeds: a failure replays.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PROTO_SPDY2, PROTO_SPDY3, PROTO_SPDY3_1 } from '../../../src/core/constants.js';
import { InvalidArgumentError } from '../../../src/core/errors.js';
import { packText } from '../../../src/core/headers/nv-pack.js';
import { joinNv, mapNamesTo2, sortNv } from '../../../src/core/headers/nv.js';
import { prepareNv } from '../../../src/core/headers/prepare.js';
import { versionFacts } from '../../../src/core/version.js';

const RUNS = { seed: 0x5a4e_77, numRuns: 300 } as const;
const VERSIONS = [PROTO_SPDY2, PROTO_SPDY3, PROTO_SPDY3_1];

/** What prepareNv gives without any kept shape. */
function plain(nv: Array<[string, string]>, version: number) {
  const facts = versionFacts(version)!;
  const sorted = sortNv(nv);
  const joined = joinNv(sorted);
  const wireNv = facts.wireVersion === 2 ? mapNamesTo2(joined) : joined;
  return { nv: sorted, wireNv, wireText: packText(wireNv, facts.nvLengthSize) };
}

// Few names, some upper-case, some repeated, some special (renamed in SPDY/2), one after 'z' in byte order.
const name = fc.constantFrom(':path', ':host', 'host', 'Accept', 'accept', 'cookie', 'x-a', 'X-B', 'z', '~x');
const value = fc.constantFrom('', 'v', 'GET', 'a=1; b=2', 'ü', 'x'.repeat(40));

describe('prepareNv with kept shapes', () => {
  it('a list shaped like an earlier one prepares exactly as the plain path, whatever its values', () => {
    fc.assert(
      fc.property(
        fc.array(name, { maxLength: 9 }),
        fc.array(fc.array(value, { minLength: 9, maxLength: 9 }), { minLength: 1, maxLength: 4 }),
        fc.constantFrom(...VERSIONS),
        (names, valueSets, version) => {
          for (const values of valueSets) {
            const nv = names.map((n, i) => [n, values[i]!] as [string, string]);
            expect(prepareNv(nv, versionFacts(version)!)).toEqual(plain(nv, version));
          }
        },
      ),
      RUNS,
    );
  });

  it('a long run of lists of one shape, values kept, rebuilt equal, or changed, prepares each as the plain path', () => {
    // The kept text runs (shape-text.ts) serve a list whose unchanging values
    // equal the last list's; every other list rebuilds them. Fresh strings of
    // equal content, values that change only now and then, and texts too long
    // to keep runs for all take their turn.
    const names = fc.uniqueArray(fc.constantFrom('a', 'b', 'Cookie', 'x-id', 'user-agent', 'z', ':path', 'date'), {
      minLength: 1,
      maxLength: 8,
    });
    const step = fc.array(fc.constantFrom('same', 'fresh', 'other', 'long', 'empty'), { minLength: 8, maxLength: 8 });
    fc.assert(
      fc.property(names, fc.array(step, { minLength: 2, maxLength: 30 }), fc.constantFrom(...VERSIONS), (keys, steps, version) => {
        let values = keys.map((_, i) => `value-${i}`);
        for (const [n, kinds] of steps.entries()) {
          values = values.map((value, i) => {
            switch (kinds[i]) {
              case 'fresh':
                return [...value].join(''); // equal content, another string
              case 'other':
                return `${value.slice(0, 20)}/${n}`;
              case 'long':
                return 'L'.repeat(3000 + n);
              case 'empty':
                return '';
              default:
                return value;
            }
          });
          const nv = keys.map((key, i) => [key, values[i]!] as [string, string]);
          expect(prepareNv(nv, versionFacts(version)!)).toEqual(plain(nv, version));
        }
      }),
      RUNS,
    );
  });

  it('lists of the same length and different names, alternating, each prepare as the plain path', () => {
    const a: Array<[string, string]> = [['b', '1'], ['A', '2'], ['c', '3']];
    const b: Array<[string, string]> = [['c', '1'], ['b', '2'], ['a', '3']];
    const c: Array<[string, string]> = [['b', '1'], ['a', '2'], ['b', '3']];
    for (let round = 0; round < 3; round++) {
      for (const nv of [a, b, a, c, c, b]) {
        for (const version of VERSIONS) expect(prepareNv(nv, versionFacts(version)!)).toEqual(plain(nv, version));
      }
    }
  });

  it('a list with a kept shape but a bad value still throws the plain path error', () => {
    const facts = versionFacts(PROTO_SPDY3)!;
    const good: Array<[string, string]> = [['x-a', '1'], [':path', '/']];
    prepareNv(good, facts);
    prepareNv(good, facts);
    const cases: Array<[unknown, RegExp]> = [
      [[['x-a', null], [':path', '/']], /"x-a".*value is null/],
      [[['x-a', 1], [':path', '/']], /"x-a".*value must be a string/],
      [[['x-a', '1'], [':path', 'a\0b']], /":path".*value contains NUL/],
      [[['x-a', '1'], [':path']], /header #1: expected a \[name, value\] pair/],
      [[['x-a', '1'], 'nope'], /header #1: expected a \[name, value\] pair/],
      [[['x-\u00e9', '1'], [':path', '/']], /header #0 "x-\u00e9".*name contains U\+00E9/],
      [[['x-a', '1'], [':path\n', '/']], /header #1 .*name contains U\+000A/],
    ];
    for (const [nv, message] of cases) {
      expect(() => prepareNv(nv as Array<[string, string]>, facts)).toThrow(InvalidArgumentError);
      expect(() => prepareNv(nv as Array<[string, string]>, facts)).toThrow(message);
      // The kept shape still serves the good list afterwards.
      expect(prepareNv(good, facts)).toEqual(plain(good, PROTO_SPDY3));
    }
  });

  it('a list too large to keep (many names) still prepares as the plain path', () => {
    const nv = Array.from({ length: 80 }, (_, i) => [`x-${(i * 37) % 80}`, String(i)] as [string, string]);
    for (let round = 0; round < 2; round++) expect(prepareNv(nv, versionFacts(PROTO_SPDY3)!)).toEqual(plain(nv, PROTO_SPDY3));
  });

  it('each prepared list has pairs of its own, never shared with an earlier list', () => {
    const facts = versionFacts(PROTO_SPDY3)!;
    const nv: Array<[string, string]> = [['b', '1'], ['a', '2']];
    const first = prepareNv(nv, facts);
    const second = prepareNv(nv, facts);
    expect(second.nv).not.toBe(first.nv);
    for (let i = 0; i < second.nv.length; i++) expect(second.nv[i]).not.toBe(first.nv[i]);
    second.nv[0]![1] = 'changed';
    expect(first.nv[0]![1]).toBe('2');
  });
});
