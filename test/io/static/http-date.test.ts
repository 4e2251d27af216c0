import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/core/errors.js';
import { httpDate, parseHttpDate } from '../../../src/io/static/http-date.js';

// RFC 7231's example instant, in each of its three forms.
const EXAMPLE = Date.UTC(1994, 10, 6, 8, 49, 37);

describe('httpDate', () => {
  it('writes IMF-fixdate', () => {
    expect(httpDate(new Date(EXAMPLE))).toBe('Sun, 06 Nov 1994 08:49:37 GMT');
    expect(httpDate(new Date(Date.UTC(2024, 1, 29, 0, 0, 0)))).toBe('Thu, 29 Feb 2024 00:00:00 GMT');
  });

  it('drops the sub-second part rather than rounding', () => {
    expect(httpDate(new Date(EXAMPLE + 999))).toBe('Sun, 06 Nov 1994 08:49:37 GMT');
  });

  it('pads small years to four digits', () => {
    const date = new Date(0);
    date.setUTCFullYear(33, 0, 2);
    expect(httpDate(date)).toMatch(/, 02 Jan 0033 00:00:00 GMT$/);
  });

  it('throws InvalidArgumentError for an invalid Date or a year HTTP cannot write', () => {
    expect(() => httpDate(new Date(Number.NaN))).toThrow(InvalidArgumentError);
    expect(() => httpDate(new Date(Date.UTC(10000, 0, 1)))).toThrow(/year 10000/);
    expect(() => httpDate(new Date(Date.UTC(-1, 0, 1)))).toThrow(InvalidArgumentError);
  });
});

describe('parseHttpDate', () => {
  it('reads the three forms RFC 7231 names', () => {
    expect(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT')?.getTime()).toBe(EXAMPLE);
    expect(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT', new Date(Date.UTC(2025, 0, 1)))?.getTime()).toBe(EXAMPLE);
    expect(parseHttpDate('Sun Nov  6 08:49:37 1994')?.getTime()).toBe(EXAMPLE);
    expect(parseHttpDate('Sun Nov 16 08:49:37 1994')?.getTime()).toBe(Date.UTC(1994, 10, 16, 8, 49, 37));
  });

  it('tolerates surrounding whitespace', () => {
    expect(parseHttpDate('  Sun, 06 Nov 1994 08:49:37 GMT\t')?.getTime()).toBe(EXAMPLE);
  });

  it('places a two-digit RFC 850 year no more than 50 years ahead of now', () => {
    const now = new Date(Date.UTC(2025, 5, 1));
    expect(parseHttpDate('Friday, 01-Jan-75 00:00:00 GMT', now)?.getUTCFullYear()).toBe(2075);
    expect(parseHttpDate('Saturday, 01-Jan-76 00:00:00 GMT', now)?.getUTCFullYear()).toBe(1976);
    expect(parseHttpDate('Monday, 01-Jan-24 00:00:00 GMT', now)?.getUTCFullYear()).toBe(2024);
  });

  it('keeps years below 100 as written in IMF-fixdate', () => {
    expect(parseHttpDate('Sun, 02 Jan 0033 00:00:00 GMT')?.getUTCFullYear()).toBe(33);
  });

  it('answers null for text that is not an HTTP date', () => {
    const bad = [
      '',
      'yesterday',
      'Sun, 06 Nov 1994 08:49:37',
      'Sun, 06 Nov 1994 08:49:37 UTC',
      'Sun, 06 Nov 1994 08:49:37 gmt',
      'sun, 06 Nov 1994 08:49:37 GMT',
      'Sun, 06 nov 1994 08:49:37 GMT',
      'Sun, 6 Nov 1994 08:49:37 GMT',
      'Sun, 06 Nov 94 08:49:37 GMT',
      'Sun, 06 Nov 1994 8:49:37 GMT',
      'Sun, 06 Nov 1994 08:49:37 GMT; length=1234',
      'Xyz, 06 Nov 1994 08:49:37 GMT',
      'Sun, 06 Foo 1994 08:49:37 GMT',
      'Sun, 06 Nov 1994 08:49:37 +0000',
      'Sun 06 Nov 1994 08:49:37 GMT',
      'Sun, 06-Nov-94 08:49:37 GMT',
      'Sunday, 06 Nov 1994 08:49:37 GMT',
      'Sun Nov 6 08:49:37 1994',
      '1994-11-06T08:49:37Z',
      '784111777',
    ];
    for (const text of bad) expect(parseHttpDate(text), text).toBeNull();
  });

  it('answers null for a day or time that does not exist', () => {
    expect(parseHttpDate('Sat, 31 Feb 2024 00:00:00 GMT')).toBeNull();
    expect(parseHttpDate('Thu, 29 Feb 2023 00:00:00 GMT')).toBeNull();
    expect(parseHttpDate('Tue, 29 Feb 2100 00:00:00 GMT')).toBeNull();
    expect(parseHttpDate('Tue, 29 Feb 2000 00:00:00 GMT')?.getTime()).toBe(Date.UTC(2000, 1, 29));
    expect(parseHttpDate('Sun, 00 Nov 1994 08:49:37 GMT')).toBeNull();
    expect(parseHttpDate('Sun, 06 Nov 1994 24:00:00 GMT')).toBeNull();
    expect(parseHttpDate('Sun, 06 Nov 1994 08:60:00 GMT')).toBeNull();
    expect(parseHttpDate('Sun, 06 Nov 1994 08:49:61 GMT')).toBeNull();
  });

  it('accepts the leap second the grammar allows', () => {
    expect(parseHttpDate('Sat, 31 Dec 2016 23:59:60 GMT')?.getTime()).toBe(Date.UTC(2017, 0, 1));
  });

  it('does not insist that the weekday fits the date, as recipients need not', () => {
    expect(parseHttpDate('Mon, 06 Nov 1994 08:49:37 GMT')?.getTime()).toBe(EXAMPLE);
  });

  it('answers null rather than throwing for a non-string', () => {
    expect(parseHttpDate(undefined as unknown as string)).toBeNull();
  });

  it('reads back every date httpDate writes, to the second', () => {
    const year0 = -62_167_219_200; // 0000-01-01T00:00:00Z in seconds
    const year9999End = Date.UTC(9999, 11, 31, 23, 59, 59) / 1000;
    fc.assert(
      fc.property(fc.integer({ min: year0, max: year9999End }), fc.integer({ min: 0, max: 999 }), (seconds, ms) => {
        const date = new Date(seconds * 1000 + ms);
        expect(parseHttpDate(httpDate(date))?.getTime()).toBe(seconds * 1000);
      }),
    );
  });
});
