/**
 * What spdycat sends and where, from spdylay's sources: the header list of
 * Spdylay::submit_request (src/spdylay_ssl.cc: its static name/value table,
 * POST and content-length with a body, -H replacing a built-in name);
 * run() and SpdySession::add_request in src/spdycat.cc (grouping by host
 * and port, multiply, the per-connection repeat filter); spdy_evloop's
 * SETTINGS for -w; communicate()'s SNI rule; -O's file name from
 * print_help.
 */
import { describe, expect, it } from 'vitest';
import {
  ID_FLAG_SETTINGS_NONE,
  PROTO_SPDY2,
  PROTO_SPDY3,
  PROTO_SPDY3_1,
  SETTINGS_INITIAL_WINDOW_SIZE,
} from '../../../src/core/constants.js';
import { InvalidArgumentError } from '../../../src/core/errors.js';
import { USER_AGENT } from '../../../src/io/cli/identity.js';
import { parseSpdycatArgs } from '../../../src/io/cli/spdycat-args.js';
import type { SpdycatOptions } from '../../../src/io/cli/spdycat-args.js';
import {
  initialSettings,
  planSessions,
  portOf,
  remoteFileName,
  requestHeaders,
  tlsServerName,
} from '../../../src/io/cli/spdycat-plan.js';

function options(...argv: string[]): SpdycatOptions {
  const result = parseSpdycatArgs(argv);
  if ('help' in result) throw new Error('unexpected help');
  return result;
}

describe('requestHeaders', () => {
  it('sends spdycat\'s GET: method, path, version, scheme, host, accept, user-agent, in that order', () => {
    expect(requestHeaders(new URL('https://example.org/index.html'), { headers: [], gzip: false })).toEqual([
      [':method', 'GET'],
      [':path', '/index.html'],
      [':version', 'HTTP/1.1'],
      [':scheme', 'https'],
      [':host', 'example.org'],
      ['accept', '*/*'],
      ['user-agent', USER_AGENT],
    ]);
  });

  it('takes path and query for :path, "/" for an empty path, and no fragment', () => {
    const o = options('http://a.example?x=1&y=2#frag', 'http://a.example/p/q?#f');
    expect(requestHeaders(o.uris[0]!.url, o)[1]).toEqual([':path', '/?x=1&y=2']);
    expect(requestHeaders(o.uris[1]!.url, o)[1]).toEqual([':path', '/p/q']);
  });

  it('puts the port in :host only when it is not the scheme\'s own, and brackets an IPv6 host', () => {
    const host = (uri: string) => requestHeaders(new URL(uri), { headers: [], gzip: false })[4];
    expect(host('https://example.org:443/')).toEqual([':host', 'example.org']);
    expect(host('http://example.org:80/')).toEqual([':host', 'example.org']);
    expect(host('http://example.org:443/')).toEqual([':host', 'example.org:443']);
    expect(host('https://127.0.0.1:3000/')).toEqual([':host', '127.0.0.1:3000']);
    expect(host('https://[::1]:3000/')).toEqual([':host', '[::1]:3000']);
    expect(requestHeaders(new URL('http://a/'), { headers: [], gzip: false })[3]).toEqual([':scheme', 'http']);
  });

  it('with a body: POST and content-length, right after the built-in headers', () => {
    expect(requestHeaders(new URL('https://a/upload'), { headers: [], gzip: false }, 1234)).toEqual([
      [':method', 'POST'],
      [':path', '/upload'],
      [':version', 'HTTP/1.1'],
      [':scheme', 'https'],
      [':host', 'a'],
      ['accept', '*/*'],
      ['user-agent', USER_AGENT],
      ['content-length', '1234'],
    ]);
    expect(requestHeaders(new URL('https://a/'), { headers: [], gzip: false }, 0)[7]).toEqual(['content-length', '0']);
  });

  it('with -z: accept-encoding between accept and user-agent, where spdylay had it', () => {
    expect(requestHeaders(new URL('https://a/'), { headers: [], gzip: true }).slice(5)).toEqual([
      ['accept', '*/*'],
      ['accept-encoding', 'gzip, deflate'],
      ['user-agent', USER_AGENT],
    ]);
  });

  it('-H replaces a built-in value in place and appends other names in order', () => {
    const o = options('-H', ':method: HEAD', '-H', 'x-b: 2', '-H', 'User-Agent: test/1', '-H', 'x-a: 1',
      '-H', 'accept: text/html', 'https://a/');
    expect(requestHeaders(o.uris[0]!.url, o)).toEqual([
      [':method', 'HEAD'],
      [':path', '/'],
      [':version', 'HTTP/1.1'],
      [':scheme', 'https'],
      [':host', 'a'],
      ['accept', 'text/html'],
      ['user-agent', 'test/1'],
      ['x-b', '2'],
      ['x-a', '1'],
    ]);
  });

  it('-H host overrides :host; the last of repeated built-in overrides wins; repeated other names all go', () => {
    const o = options('-H', 'host: other.example', '-H', 'accept: a', '-H', 'accept: b', '-H', 'x: 1', '-H', 'x: 2', 'https://a/');
    const nv = requestHeaders(o.uris[0]!.url, o);
    expect(nv[4]).toEqual([':host', 'other.example']);
    expect(nv[5]).toEqual(['accept', 'b']);
    expect(nv.slice(7)).toEqual([['x', '1'], ['x', '2']]);
  });

  it('-H content-length replaces the body\'s, as any built-in name', () => {
    const nv = requestHeaders(new URL('https://a/'), { headers: [['content-length', '9']], gzip: false }, 3);
    expect(nv.filter(([n]) => n === 'content-length')).toEqual([['content-length', '9']]);
  });

  it('refuses a body length that is not a whole number of bytes', () => {
    for (const bad of [-1, 1.5, Number.NaN, 2 ** 53]) {
      expect(() => requestHeaders(new URL('https://a/'), { headers: [], gzip: false }, bad)).toThrow(InvalidArgumentError);
    }
  });
});

describe('planSessions', () => {
  const texts = (plan: ReturnType<typeof planSessions>) =>
    plan.map((p) => `${p.host}:${p.port} ${p.requests.map((r) => r.text).join(' ')}`);

  it('shares a connection among consecutive URIs of one host and port; the scheme\'s port counts', () => {
    const o = options('https://a/1', 'https://a:443/2', 'http://a/3', 'http://a:80/4', 'https://b/5', 'https://a/6');
    expect(texts(planSessions(o.uris, 1))).toEqual([
      'a:443 https://a/1 https://a:443/2',
      'a:80 http://a/3 http://a:80/4',
      'b:443 https://b/5',
      'a:443 https://a/6',
    ]);
  });

  it('requests a repeated URI once per connection, unless -m is more than 1', () => {
    const o = options('https://a/x', 'https://a/y', 'https://a/x', 'https://b/', 'https://a/x');
    expect(texts(planSessions(o.uris, 1))).toEqual(['a:443 https://a/x https://a/y', 'b:443 https://b/', 'a:443 https://a/x']);
    expect(texts(planSessions(o.uris.slice(0, 3), 2))).toEqual([
      'a:443 https://a/x https://a/x https://a/y https://a/y https://a/x https://a/x',
    ]);
  });

  it('compares URIs as typed (less the fragment), as spdycat\'s path cache does', () => {
    const o = options('https://a/x#1', 'https://a/x#2', 'https://a:443/x');
    expect(texts(planSessions(o.uris, 1))).toEqual(['a:443 https://a/x https://a:443/x']);
  });

  it('gives an IPv6 host without brackets, ready for connect', () => {
    const [plan] = planSessions(options('http://[::1]:8080/').uris, 1);
    expect(plan).toMatchObject({ host: '::1', port: 8080 });
  });

  it('refuses a multiply below 1', () => {
    expect(() => planSessions([], 0)).toThrow(InvalidArgumentError);
  });
});

describe('portOf (get_default_port)', () => {
  it('is the URI\'s port, else 443 for https and 80 for http', () => {
    expect(portOf(new URL('https://a/'))).toBe(443);
    expect(portOf(new URL('http://a/'))).toBe(80);
    expect(portOf(new URL('http://a:3000/'))).toBe(3000);
  });
});

describe('initialSettings (spdy_evloop with -w)', () => {
  it('asks for a 2**N initial window on SPDY/3 and SPDY/3.1', () => {
    expect(initialSettings(PROTO_SPDY3, 16)).toEqual([[SETTINGS_INITIAL_WINDOW_SIZE, ID_FLAG_SETTINGS_NONE, 65536]]);
    expect(initialSettings(PROTO_SPDY3_1, 30)).toEqual([[SETTINGS_INITIAL_WINDOW_SIZE, ID_FLAG_SETTINGS_NONE, 2 ** 30]]);
    expect(initialSettings(PROTO_SPDY3, 0)).toEqual([[SETTINGS_INITIAL_WINDOW_SIZE, ID_FLAG_SETTINGS_NONE, 1]]);
  });

  it('sends nothing without -w, or on SPDY/2, which has no flow control', () => {
    expect(initialSettings(PROTO_SPDY3, null)).toEqual([]);
    expect(initialSettings(PROTO_SPDY2, 16)).toEqual([]);
  });
});

describe('tlsServerName', () => {
  it('is the URI\'s host name, or the -H host override without its port', () => {
    expect(tlsServerName(new URL('https://example.org:8443/'), [])).toBe('example.org');
    expect(tlsServerName(new URL('https://127.0.0.1:3000/'), [[':host', 'example.net:3000']])).toBe('example.net');
    expect(tlsServerName(new URL('https://a/'), [[':host', 'first'], ['x', 'y'], [':host', 'second']])).toBe('second');
  });

  it('is undefined for an IP address, which SNI cannot carry', () => {
    expect(tlsServerName(new URL('https://127.0.0.1/'), [])).toBeUndefined();
    expect(tlsServerName(new URL('https://[::1]:3000/'), [])).toBeUndefined();
    expect(tlsServerName(new URL('https://a/'), [[':host', '[::1]:443']])).toBeUndefined();
    expect(tlsServerName(new URL('https://a/'), [[':host', '10.0.0.1:443']])).toBeUndefined();
  });
});

describe('remoteFileName (-O)', () => {
  it('is the last path segment, or index.html for a path ending in /', () => {
    expect(remoteFileName(new URL('https://a/dir/file.tar.gz?x=1'))).toBe('file.tar.gz');
    expect(remoteFileName(new URL('https://a/dir/'))).toBe('index.html');
    expect(remoteFileName(new URL('https://a'))).toBe('index.html');
  });

  it('never climbs out of the directory: dot segments are resolved before', () => {
    expect(remoteFileName(new URL('https://a/x/..'))).toBe('index.html');
    expect(remoteFileName(new URL('https://a/x/%2e%2e'))).toBe('index.html');
    expect(remoteFileName(new URL('https://a/x/..%2f..%2fetc'))).toBe('..%2f..%2fetc');
  });
});
