/** Headers between Node's object form and SPDY's name/value lists. */
import { describe, expect, it } from 'vitest';
import { fromNv, parseStatus, toNv } from '../../src/io/headers.js';
import { SpdyError } from '../../src/index.js';

describe('parseStatus', () => {
  it('splits code and reason, with or without a reason, and tolerates leading space', () => {
    expect(parseStatus('200 OK')).toEqual({ code: 200, message: 'OK' });
    expect(parseStatus('404 Not Found')).toEqual({ code: 404, message: 'Not Found' });
    expect(parseStatus('204')).toEqual({ code: 204, message: '' });
    expect(parseStatus('  301   Moved')).toEqual({ code: 301, message: 'Moved' });
  });

  it('refuses what is not a three-digit status', () => {
    for (const bad of [undefined, '', '20', '2000 X', 'OK 200', '2x0 OK', '200\tOK\n']) expect(parseStatus(bad)).toBeNull();
  });
});

describe('toNv and fromNv', () => {
  it('lower-cases names, spreads arrays, skips undefined, keeps a list as given', () => {
    expect(toNv({ Accept: 'a', 'X-N': 3, Multi: ['1', '2'], gone: undefined })).toEqual([
      ['accept', 'a'],
      ['x-n', '3'],
      ['multi', '1'],
      ['multi', '2'],
    ]);
    expect(toNv([['X-A', 'b']])).toEqual([['x-a', 'b']]);
  });

  it('refuses connection-specific headers and values that are not strings or numbers', () => {
    expect(() => toNv({ Connection: 'keep-alive' })).toThrow(SpdyError);
    expect(() => toNv({ 'transfer-encoding': 'chunked' })).toThrow(/connection-specific/);
    expect(() => toNv({ x: {} as unknown as string })).toThrow(/object value/);
  });

  it('gives received headers no prototype: a "__proto__" or "constructor" header is an ordinary own header', () => {
    const headers = fromNv([['__proto__', 'x'], ['constructor', 'y'], ['a', '1']]);
    expect(Object.getPrototypeOf(headers)).toBeNull();
    expect(Object.keys(headers)).toEqual(['__proto__', 'constructor', 'a']);
    expect(headers['__proto__']).toBe('x');
    expect(headers['toString']).toBeUndefined();
  });

  it('gathers repeated names into arrays, in order', () => {
    const headers = fromNv([['a', '1'], ['b', '2'], ['a', '3'], ['a', '4']]);
    expect(headers).toEqual({ a: ['1', '3', '4'], b: '2' });
  });
});
