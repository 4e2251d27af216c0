/**
 * The proxy's header mapping, error page and access-log lines as pure
 * functions: what the backend is sent for a SPDY or HTTP/1.1 request,
 * what the client is sent for a backend's reply, and which requests are
 * refused before anything reaches a backend.
 */
import { describe, expect, it } from 'vitest';
import { ctime, formatAcceptLine, formatAccessLine } from '../../src/proxy/access-log.js';
import { errorReply } from '../../src/proxy/error-reply.js';
import { connectionTokens, viaVersion } from '../../src/proxy/header-rules.js';
import { isRefusal, mapHttp1Request, mapSpdyRequest } from '../../src/proxy/request-mapping.js';
import type { BackendRequest, ForwardingContext } from '../../src/proxy/request-mapping.js';
import { forwardedResponseHeaders, spdyResponseNv } from '../../src/proxy/response-mapping.js';

const context: ForwardingContext = { clientAddress: '10.1.2.3', scheme: 'https', addXForwardedFor: false, viaName: 'spdyproxy' };

const request = (extra: Array<[string, string]> = [], base?: Array<[string, string]>): Array<[string, string]> => [
  ...(base ?? [
    [':method', 'GET'],
    [':path', '/a?b=1'],
    [':host', 'example.org'],
    [':scheme', 'https'],
    [':version', 'HTTP/1.1'],
  ]),
  ...extra,
];

function mapped(nv: Array<[string, string]>, ctx: ForwardingContext = context): BackendRequest {
  const result = mapSpdyRequest(nv, ctx);
  if (isRefusal(result)) throw new Error(`refused: ${result.refused}`);
  return result;
}

describe('mapSpdyRequest', () => {
  it('makes the request line from :method and :path, Host from :host, and adds X-Forwarded-Proto and Via', () => {
    expect(mapped(request([['accept', '*/*'], ['user-agent', 'ua']]))).toEqual({
      method: 'GET',
      path: '/a?b=1',
      headers: ['host', 'example.org', 'accept', '*/*', 'user-agent', 'ua', 'x-forwarded-proto', 'https', 'via', '1.1 spdyproxy'],
    });
  });

  it('drops hop-by-hop headers, pseudo-headers other than the request line, a Host header and the client X-Forwarded-Proto', () => {
    const hop = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'upgrade'].map((n): [string, string] => [n, 'x']);
    const r = mapped(request([...hop, ['host', 'evil.example'], ['x-forwarded-proto', 'http'], [':weird', 'y'], ['expect', '100-continue'], ['x-kept', 'k']]));
    expect(r.headers).toEqual(['host', 'example.org', 'x-kept', 'k', 'x-forwarded-proto', 'https', 'via', '1.1 spdyproxy']);
  });

  it('appends to Via with the request version, and leaves Via alone with --no-via', () => {
    const nv = request([['via', '1.0 first'], ['via', '1.1 second']]);
    nv[4] = [':version', 'HTTP/1.0'];
    expect(mapped(nv).headers.slice(-2)).toEqual(['via', '1.0 first, 1.1 second, 1.0 spdyproxy']);
    const plain = mapped(nv, { ...context, viaName: null }).headers;
    expect(plain).toEqual(['host', 'example.org', 'via', '1.0 first', 'via', '1.1 second', 'x-forwarded-proto', 'https']);
  });

  it('passes X-Forwarded-For on, and appends the client address with --add-x-forwarded-for', () => {
    const nv = request([['x-forwarded-for', '192.0.2.1']]);
    expect(mapped(nv).headers).toContain('192.0.2.1');
    const withXff = mapped(nv, { ...context, addXForwardedFor: true }).headers;
    expect(withXff.slice(2, 4)).toEqual(['x-forwarded-for', '192.0.2.1, 10.1.2.3']);
    expect(mapped(request(), { ...context, addXForwardedFor: true }).headers.slice(2, 4)).toEqual(['x-forwarded-for', '10.1.2.3']);
  });

  it('keeps one content-length and refuses conflicting or non-numeric ones', () => {
    expect(mapped(request([['content-length', '5'], ['content-length', '5']])).headers).toEqual([
      'host', 'example.org', 'content-length', '5', 'x-forwarded-proto', 'https', 'via', '1.1 spdyproxy',
    ]);
    expect(isRefusal(mapSpdyRequest(request([['content-length', '5'], ['content-length', '6']]), context))).toBe(true);
    expect(isRefusal(mapSpdyRequest(request([['content-length', '5x']]), context))).toBe(true);
  });

  it.each([
    ['no :method', request([], [[':path', '/'], [':host', 'h']])],
    ['no :path', request([], [[':method', 'GET'], [':host', 'h']])],
    ['no :host', request([], [[':method', 'GET'], [':path', '/']])],
    ['CR/LF in :path', request([], [[':method', 'GET'], [':path', '/a\r\nX-Injected: 1'], [':host', 'h']])],
    ['CR/LF in :host', request([], [[':method', 'GET'], [':path', '/'], [':host', 'h\r\nX: 1']])],
    ['a space in :method', request([], [[':method', 'GET /x'], [':path', '/'], [':host', 'h']])],
    ['a :path that is not origin-form', request([], [[':method', 'GET'], [':path', 'http://h/'], [':host', 'h']])],
    ['a header name that is no token', request([['bad name', 'v']])],
    ['a control byte in a value', request([['x-a', 'v\u0000w']])],
  ])('refuses a request with %s', (_what, nv) => {
    expect(isRefusal(mapSpdyRequest(nv, context))).toBe(true);
  });
});

describe('mapHttp1Request', () => {
  it('keeps the Host header, drops hop-by-hop ones and the names Connection lists', () => {
    const raw = ['Host', 'example.org', 'Connection', 'keep-alive, X-Trace', 'X-Trace', '1', 'Accept', '*/*', 'TE', 'trailers'];
    const r = mapHttp1Request('GET', '/p', '1.1', raw, context);
    expect(r).toEqual({ method: 'GET', path: '/p', headers: ['host', 'example.org', 'accept', '*/*', 'x-forwarded-proto', 'https', 'via', '1.1 spdyproxy'] });
  });

  it('takes the host of an absolute-form target over the Host header, and refuses other targets', () => {
    const r = mapHttp1Request('GET', 'http://origin.example:8080/p?q=1', '1.1', ['Host', 'other.example'], context);
    expect(r).toEqual({ method: 'GET', path: '/p?q=1', headers: ['host', 'origin.example:8080', 'x-forwarded-proto', 'https', 'via', '1.1 spdyproxy'] });
    expect((mapHttp1Request('GET', 'https://h', '1.1', [], context) as BackendRequest).path).toBe('/');
    expect(isRefusal(mapHttp1Request('OPTIONS', '*', '1.1', [], context))).toBe(true);
    expect(isRefusal(mapHttp1Request('CONNECT', 'h:443', '1.1', [], context))).toBe(true);
  });

  it('writes an HTTP/1.0 request into Via as 1.0', () => {
    const r = mapHttp1Request('GET', '/', '1.0', [], context) as BackendRequest;
    expect(r.headers).toEqual(['x-forwarded-proto', 'https', 'via', '1.0 spdyproxy']);
  });
});

describe('response mapping', () => {
  const raw = (...pairs: string[]) => pairs.map((s) => Buffer.from(s, 'latin1'));

  it('drops hop-by-hop headers and what Connection names, lower-cases names, appends Via, keeps latin1 bytes', () => {
    const headers = forwardedResponseHeaders(
      raw('Content-Type', 'text/plain', 'Connection', 'close, X-Hop', 'X-Hop', 'h', 'Keep-Alive', 'timeout=5', 'Transfer-Encoding', 'chunked', 'Via', '1.0 origin', 'X-Bytes', 'caf\u00e9'),
      'spdyproxy',
    );
    expect(headers).toEqual([
      ['content-type', 'text/plain'],
      ['x-bytes', 'caf\u00e9'],
      ['via', '1.0 origin, 1.1 spdyproxy'],
    ]);
    expect(forwardedResponseHeaders(raw('Via', '1.0 origin'), null)).toEqual([['via', '1.0 origin']]);
  });

  it('a Connection that names only hop-by-hop headers drops those and keeps the rest', () => {
    const headers = forwardedResponseHeaders(raw('Connection', 'Keep-Alive, TE', 'Keep-Alive', 'timeout=5', 'X-A', 'a', 'Date', 'd'), null);
    expect(headers).toEqual([
      ['x-a', 'a'],
      ['date', 'd'],
    ]);
  });

  it('gives :status the backend reason phrase, or the standard one, and :version HTTP/1.1; Host never goes into a reply', () => {
    expect(spdyResponseNv(200, 'Fine', [['host', 'x'], ['a', 'b']])).toEqual([[':status', '200 Fine'], [':version', 'HTTP/1.1'], ['a', 'b']]);
    expect(spdyResponseNv(404, '', [])[0]).toEqual([':status', '404 Not Found']);
  });
});

describe('shrpx error page and access log', () => {
  it('makes the 502 page with the server name and port as signature', () => {
    const page = errorReply(502, 'spdyproxy spdylay/0.1.0', 3000);
    const html = '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr><address>spdyproxy spdylay/0.1.0 at port 3000</address></body></html>';
    expect(page.body.toString()).toBe(html);
    expect(page.headers).toEqual([
      ['content-type', 'text/html; charset=UTF-8'],
      ['server', 'spdyproxy spdylay/0.1.0'],
      ['content-length', String(html.length)],
    ]);
  });

  it('formats lines as shrpx: address, ctime date, status, stream id, request line', () => {
    const time = new Date(1993, 5, 3, 21, 9, 8);
    expect(ctime(time)).toBe('Thu Jun  3 21:09:08 1993');
    const entry = { time, clientAddress: '127.0.0.1', status: 200, streamId: 3, method: 'GET', path: '/i', httpVersion: '1.1' };
    expect(formatAccessLine(entry)).toBe('127.0.0.1 [Thu Jun  3 21:09:08 1993] 200 3 "GET /i HTTP/1.1"');
    expect(formatAccessLine({ ...entry, status: 502 }, true)).toBe('\x1b[1;35m127.0.0.1 [Thu Jun  3 21:09:08 1993] 502\x1b[0m 3 "GET /i HTTP/1.1"');
    expect(formatAcceptLine('::1', time)).toBe('::1 [Thu Jun  3 21:09:08 1993] ACCEPT');
  });

  it('reads Connection tokens and Via versions', () => {
    expect([...connectionTokens(['close, X-A', ' x-b '])]).toEqual(['close', 'x-a', 'x-b']);
    expect(viaVersion('HTTP/1.0')).toBe('1.0');
    expect(viaVersion(undefined)).toBe('1.1');
    expect(viaVersion('garbage')).toBe('1.1');
  });
});
