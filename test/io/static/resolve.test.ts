/**
 * resolveStatic against a real document root: spdyd's rules
 * (SpdyServer.cc, prepare_response) and what this server adds to them.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, open, realpath, rm, stat, symlink, truncate, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/core/errors.js';
import { httpDate } from '../../../src/io/static/http-date.js';
import { errorPage } from '../../../src/io/static/http-status.js';
import { asksForNoResponse, resolveStatic } from '../../../src/io/static/resolve.js';
import type { StaticOptions, StaticRequest } from '../../../src/io/static/resolve.js';
import { bodyText, header, headerNames, request } from '../../helpers/static-site.js';

const NOW = new Date(Date.UTC(2030, 0, 15, 12, 0, 0));
const OPTIONS: StaticOptions = { now: () => NOW, serverName: 'spdyd spdylay/1.4.0', port: 3000 };
// An mtime with a sub-second part, to show that HTTP's whole seconds are compared.
const MTIME = new Date(Date.UTC(2020, 0, 2, 3, 4, 5, 600));
const MTIME_HTTP = 'Thu, 02 Jan 2020 03:04:05 GMT';
const FIVE_GIB = 5 * 1024 ** 3;

let base: string;
let root: string;
let outside: string;

beforeAll(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), 'spdyd-static-')));
  root = join(base, 'htdocs');
  outside = join(base, 'outside');
  await mkdir(root);
  await mkdir(outside);
  await writeFile(join(outside, 'secret.txt'), 'secret');

  await writeFile(join(root, 'index.html'), '<p>home</p>');
  await writeFile(join(root, 'hello.txt'), 'hello\n');
  await utimes(join(root, 'hello.txt'), MTIME, MTIME);
  await writeFile(join(root, 'empty.txt'), '');
  await writeFile(join(root, '100%.txt'), 'percent');
  await writeFile(join(root, 'what?.txt'), 'question');
  await writeFile(join(root, 'sp ace.txt'), 'space');
  await writeFile(join(root, 'ünï.txt'), 'unicode');
  for (const name of ['a.css', 'a.js', 'a.json', 'a.png', 'A.PNG', 'README', 'data.xyz', '.hidden', 'a.svg']) {
    await writeFile(join(root, name), name);
  }
  await mkdir(join(root, 'sub'));
  await writeFile(join(root, 'sub', 'index.html'), '<p>sub</p>');
  await writeFile(join(root, 'sub', 'page.html'), '<p>page</p>');
  await mkdir(join(root, 'noindex'));
  await writeFile(join(root, 'noindex', 'x.txt'), 'x');

  await symlink(join(outside, 'secret.txt'), join(root, 'escape.txt'));
  await symlink(outside, join(root, 'escape-dir'));
  await symlink('hello.txt', join(root, 'alias.html'));
  await symlink('sub', join(root, 'sub-alias'));
  await symlink('missing.txt', join(root, 'dangling.txt'));
  await mkdir(join(root, 'evil-index'));
  await symlink(join(outside, 'secret.txt'), join(root, 'evil-index', 'index.html'));

  // Sparse: five gibibytes that take no space, and that no Buffer could hold.
  const big = await open(join(root, 'big.bin'), 'w');
  await big.close();
  await truncate(join(root, 'big.bin'), FIVE_GIB);
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

const resolve = (req: StaticRequest, options: StaticOptions = OPTIONS) => resolveStatic(root, req, options);

describe('a file', () => {
  it("is answered 200 with spdyd's headers in spdyd's order, then its content-type", async () => {
    const response = await resolve(request('/hello.txt'));
    expect(response.status).toBe(200);
    expect(response.headers).toEqual([
      [':status', '200 OK'],
      [':version', 'HTTP/1.1'],
      ['server', 'spdyd spdylay/1.4.0'],
      ['content-length', '6'],
      ['cache-control', 'max-age=3600'],
      ['date', 'Tue, 15 Jan 2030 12:00:00 GMT'],
      ['last-modified', MTIME_HTTP],
      ['content-type', 'text/plain; charset=utf-8'],
    ]);
  });

  it('comes as a description to stream, taken from one stat, not as its bytes', async () => {
    const response = await resolve(request('/hello.txt'));
    const info = await stat(join(root, 'hello.txt'), { bigint: true });
    expect(response.body).toEqual({
      kind: 'file',
      path: join(root, 'hello.txt'),
      size: 6,
      mtimeNs: info.mtimeNs,
      dev: info.dev,
      ino: info.ino,
    });
  });

  it('reports the size of a file larger than memory could hold, without reading it', async () => {
    const response = await resolve(request('/big.bin'));
    expect(response.status).toBe(200);
    expect(header(response, 'content-length')).toBe(String(FIVE_GIB));
    expect(response.body).toMatchObject({ kind: 'file', size: FIVE_GIB });
  });

  it('of length zero is a 200 with content-length 0', async () => {
    const response = await resolve(request('/empty.txt'));
    expect(response.status).toBe(200);
    expect(header(response, 'content-length')).toBe('0');
    expect(response.body).toMatchObject({ kind: 'file', size: 0 });
  });

  it('uses the default server name and the real clock when no options are given', async () => {
    const before = Math.floor(Date.now() / 1000) * 1000;
    const response = await resolveStatic(root, request('/hello.txt'));
    const after = Date.now();
    expect(header(response, 'server')).toBe('spdyd spdylay');
    const date = Date.parse(header(response, 'date'));
    expect(date).toBeGreaterThanOrEqual(before);
    expect(date).toBeLessThanOrEqual(after);
  });
});

describe('content-type', () => {
  it.each([
    ['/index.html', 'text/html; charset=utf-8'],
    ['/a.css', 'text/css; charset=utf-8'],
    ['/a.js', 'text/javascript; charset=utf-8'],
    ['/a.json', 'application/json; charset=utf-8'],
    ['/a.png', 'image/png'],
    ['/A.PNG', 'image/png'],
    ['/a.svg', 'image/svg+xml'],
    ['/README', 'application/octet-stream'],
    ['/data.xyz', 'application/octet-stream'],
    ['/.hidden', 'application/octet-stream'],
    ['/big.bin', 'application/octet-stream'],
  ])('of %s is %s', async (path, type) => {
    expect(header(await resolve(request(path)), 'content-type')).toBe(type);
  });

  it("follows the requested name, not a symlink target's", async () => {
    const response = await resolve(request('/alias.html'));
    expect(response.status).toBe(200);
    expect(header(response, 'content-type')).toBe('text/html; charset=utf-8');
    expect(response.body).toMatchObject({ kind: 'file', path: join(root, 'hello.txt') });
  });
});

describe('directories', () => {
  it("'/' serves the root's index.html", async () => {
    const response = await resolve(request('/'));
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ kind: 'file', path: join(root, 'index.html'), size: 11 });
    expect(header(response, 'content-type')).toBe('text/html; charset=utf-8');
  });

  it('a directory serves its index.html, with or without the trailing slash', async () => {
    for (const path of ['/sub/', '/sub', '/sub-alias/', '/sub/?q=1']) {
      const response = await resolve(request(path));
      expect(response.status, path).toBe(200);
      expect(response.body, path).toMatchObject({ kind: 'file', path: join(root, 'sub', 'index.html') });
    }
  });

  it('a file asked for as a directory is 404, as its index.html cannot exist', async () => {
    expect((await resolve(request('/hello.txt/'))).status).toBe(404);
  });

  it('a directory without index.html is listed instead', async () => {
    const response = await resolve(request('/noindex/'));
    expect(response.status).toBe(200);
    expect(header(response, 'content-type')).toBe('text/html; charset=utf-8');
    expect(bodyText(response)).toContain('<a href="/noindex/x.txt">x.txt</a>');
  });

  it('an index.html that is a symlink out of the root is not served: the directory is listed without it', async () => {
    const response = await resolve(request('/evil-index/'));
    expect(response.status).toBe(200);
    expect(response.body?.kind).toBe('bytes');
    const html = bodyText(response);
    expect(html).not.toContain('secret');
    expect(html).not.toContain('index.html');
  });
});

describe('400: a mandatory header missing', () => {
  it.each([':method', ':path', ':scheme', ':version', ':host'])('without %s', async (missing) => {
    const full = request('/hello.txt');
    const response = await resolve({ ...full, headers: full.headers.filter(([name]) => name !== missing) });
    expect(response.status).toBe(400);
    expect(header(response, ':status')).toBe('400 Bad Request');
  });

  it('only the names count: empty values are present headers, and the path then decides', async () => {
    const response = await resolve({
      method: '',
      path: '',
      headers: [
        [':method', ''],
        [':path', ''],
        [':version', ''],
        [':scheme', ''],
        [':host', ''],
      ],
    });
    expect(response.status).toBe(404);
  });

  it('is checked before the path is looked at', async () => {
    const response = await resolve({ method: 'GET', path: '/hello.txt', headers: [[':path', '/hello.txt']] });
    expect(response.status).toBe(400);
  });
});

describe('error replies', () => {
  it("carry spdyd's gzipped HTML page with its headers", async () => {
    const response = await resolve(request('/nothing-here'));
    expect(response.status).toBe(404);
    expect(headerNames(response)).toEqual([
      ':status',
      ':version',
      'server',
      'date',
      'content-encoding',
      'content-type',
      'content-length',
    ]);
    expect(header(response, ':status')).toBe('404 Not Found');
    expect(header(response, 'content-encoding')).toBe('gzip');
    expect(header(response, 'content-type')).toBe('text/html; charset=UTF-8');
    expect(header(response, 'date')).toBe(httpDate(NOW));
    expect(bodyText(response)).toBe(errorPage(404, undefined, 'spdyd spdylay/1.4.0 at port 3000'));
    const bytes = response.body?.kind === 'bytes' ? response.body.bytes : new Uint8Array();
    expect(header(response, 'content-length')).toBe(String(bytes.length));
    expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);
  });

  it('sign with the server name alone when no port is given', async () => {
    const response = await resolve(request('/nothing-here'), { now: () => NOW, serverName: 'test' });
    expect(bodyText(response)).toContain('<hr><address>test</address>');
  });

  it('of 400 have the same shape', async () => {
    const response = await resolve({ method: 'GET', path: '/', headers: [] });
    expect(bodyText(response)).toBe(errorPage(400, undefined, 'spdyd spdylay/1.4.0 at port 3000'));
  });
});

describe('404: the path', () => {
  it.each([
    ['a missing file', '/missing.txt'],
    ['a missing directory', '/no/such/dir/'],
    ['a path through a file', '/hello.txt/x'],
    ['a dangling symlink', '/dangling.txt'],
    ['no leading slash', 'hello.txt'],
    ['an empty path', ''],
    ['an absolute URI', 'https://localhost/hello.txt'],
  ])('%s (%s)', async (_what, path) => {
    expect((await resolve(request(path))).status).toBe(404);
  });
});

describe('traversal', () => {
  it.each([
    '/../etc/passwd',
    '/..',
    '/../',
    '/%2e%2e/etc/passwd',
    '/%2E%2E/%2e%2E/etc/passwd',
    '/.%2e/etc/passwd',
    '/a/../../x',
    '/sub/../hello.txt',
    '/sub/..',
    '/..%2f..%2fetc%2fpasswd',
    '/%2f..%2f..%2fetc/passwd',
    '/sub%2f..%2f..%2foutside/secret.txt',
    '/./hello.txt',
    '/sub/.',
    '/%2e/hello.txt',
    '/..\\..\\etc\\passwd',
    '/%5c..%5cetc%5cpasswd',
    '/hello.txt%00',
    '/hello.txt%00.png',
    '/%00',
    '/../outside/secret.txt',
    '/%2e%2e/outside/secret.txt',
  ])('%s is 404', async (path) => {
    const response = await resolve(request(path));
    expect(response.status).toBe(404);
    expect(bodyText(response)).not.toContain('secret');
  });

  it('a query cannot smuggle a path', async () => {
    const response = await resolve(request('/hello.txt?/../../etc/passwd'));
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ path: join(root, 'hello.txt') });
  });

  it('a symlink to a file out of the root is 404', async () => {
    expect((await resolve(request('/escape.txt'))).status).toBe(404);
  });

  it('a symlink to a directory out of the root is 404, for it and for what is under it', async () => {
    expect((await resolve(request('/escape-dir/'))).status).toBe(404);
    expect((await resolve(request('/escape-dir'))).status).toBe(404);
    expect((await resolve(request('/escape-dir/secret.txt'))).status).toBe(404);
  });

  it('a symlink that stays inside the root is served', async () => {
    const file = await resolve(request('/alias.html'));
    expect(file.status).toBe(200);
    expect(file.body).toMatchObject({ kind: 'file', path: join(root, 'hello.txt'), size: 6 });
    const page = await resolve(request('/sub-alias/page.html'));
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ kind: 'file', path: join(root, 'sub', 'page.html') });
  });

  it('a root given as a symlink still confines requests to its target', async () => {
    const link = join(base, 'root-link');
    await symlink(root, link);
    expect((await resolveStatic(link, request('/hello.txt'), OPTIONS)).status).toBe(200);
    expect((await resolveStatic(link, request('/escape.txt'), OPTIONS)).status).toBe(404);
    expect((await resolveStatic(link, request('/../outside/secret.txt'), OPTIONS)).status).toBe(404);
  });
});

describe('percent-decoding and the query', () => {
  it.each([
    ['/hello%2etxt', 'hello.txt'],
    ['/%68%65%6C%6C%6F.txt', 'hello.txt'],
    ['/sp%20ace.txt', 'sp ace.txt'],
    ['/what%3F.txt', 'what?.txt'],
    ['/%C3%BCn%C3%AF.txt', 'ünï.txt'],
    ['/ünï.txt', 'ünï.txt'],
    ['/100%25.txt', '100%.txt'],
    // spdyd leaves a '%' that starts no escape as it is.
    ['/100%.txt', '100%.txt'],
    // Decoded %2f separates like '/', as in spdyd.
    ['/sub%2fpage.html', join('sub', 'page.html')],
    ['//sub//page.html', join('sub', 'page.html')],
    ['/hello.txt?x=1&y=%2e%2e', 'hello.txt'],
    ['/hello.txt?', 'hello.txt'],
  ])('%s serves %s', async (path, file) => {
    const response = await resolve(request(path));
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ kind: 'file', path: join(root, file) });
  });

  it('a path that decodes to bytes that are not UTF-8 is 404', async () => {
    expect((await resolve(request('/%ff.txt'))).status).toBe(404);
    expect((await resolve(request('/%C3.txt'))).status).toBe(404);
  });

  it('a literal "?" in the path starts the query, so "what?.txt" must be encoded', async () => {
    expect((await resolve(request('/what?.txt'))).status).toBe(404);
  });
});

describe('if-modified-since (304)', () => {
  const since = (value: string, extra: Array<[string, string]> = []) =>
    resolve(request('/hello.txt', [['if-modified-since', value], ...extra]));

  it('equal to the mtime, to the second, is 304 (the sub-second part does not count)', async () => {
    const response = await since(MTIME_HTTP);
    expect(response.status).toBe(304);
    expect(response.body).toBeNull();
    expect(response.headers).toEqual([
      [':status', '304 Not Modified'],
      [':version', 'HTTP/1.1'],
      ['server', 'spdyd spdylay/1.4.0'],
      ['date', httpDate(NOW)],
      ['cache-control', 'max-age=3600'],
      ['last-modified', MTIME_HTTP],
    ]);
  });

  it('later than the mtime is 304', async () => {
    expect((await since('Thu, 02 Jan 2020 03:04:06 GMT')).status).toBe(304);
    expect((await since('Fri, 01 Jan 2100 00:00:00 GMT')).status).toBe(304);
  });

  it('one second older than the mtime is 200', async () => {
    const response = await since('Thu, 02 Jan 2020 03:04:04 GMT');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ kind: 'file', size: 6 });
  });

  it('in the obsolete RFC 850 and asctime forms is understood', async () => {
    expect((await since('Thursday, 02-Jan-20 03:04:05 GMT')).status).toBe(304);
    expect((await since('Thu Jan  2 03:04:05 2020')).status).toBe(304);
    expect((await since('Thu Jan  2 03:04:04 2020')).status).toBe(200);
  });

  it('that is not a date is ignored', async () => {
    expect((await since('yesterday')).status).toBe(200);
    expect((await since('')).status).toBe(200);
    expect((await since(`${MTIME_HTTP}; length=6`)).status).toBe(200);
  });

  it('is read from its first occurrence only, as spdyd does', async () => {
    expect((await since('Thu, 02 Jan 2020 03:04:04 GMT', [['if-modified-since', MTIME_HTTP]])).status).toBe(200);
    expect((await since(MTIME_HTTP, [['if-modified-since', 'Thu, 02 Jan 2020 03:04:04 GMT']])).status).toBe(304);
  });

  it('applies to a directory’s index.html through its own mtime', async () => {
    const index = join(root, 'sub', 'index.html');
    await utimes(index, MTIME, MTIME);
    expect((await resolve(request('/sub/', [['if-modified-since', MTIME_HTTP]]))).status).toBe(304);
  });

  it('does not turn a missing file into a 304', async () => {
    expect((await resolve(request('/missing.txt', [['if-modified-since', MTIME_HTTP]]))).status).toBe(404);
  });

  it('does not apply to a listing, which has no mtime of its own', async () => {
    const response = await resolve(request('/noindex/', [['if-modified-since', 'Fri, 01 Jan 2100 00:00:00 GMT']]));
    expect(response.status).toBe(200);
  });
});

describe('methods', () => {
  it("HEAD gets GET's headers and no body", async () => {
    const get = await resolve(request('/hello.txt'));
    const head = await resolve(request('/hello.txt', [], 'HEAD'));
    expect(head.status).toBe(200);
    expect(head.headers).toEqual(get.headers);
    expect(head.body).toBeNull();
  });

  it('HEAD of an error or a listing keeps the headers, content-length included, and drops the body', async () => {
    for (const path of ['/missing.txt', '/noindex/']) {
      const get = await resolve(request(path));
      const head = await resolve(request(path, [], 'HEAD'));
      expect(head.status, path).toBe(get.status);
      expect(head.headers, path).toEqual(get.headers);
      expect(head.body, path).toBeNull();
    }
  });

  it('any other method is served like GET, as spdyd never looks at the method', async () => {
    const get = await resolve(request('/hello.txt'));
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS', 'BREW', 'get']) {
      const response = await resolve(request('/hello.txt', [], method));
      expect(response.status, method).toBe(200);
      expect(response.headers, method).toEqual(get.headers);
      expect(response.body, method).toEqual(get.body);
    }
  });
});

describe('what is not a regular file', () => {
  const hasMkfifo = spawnSync('mkfifo', ['--version']).status === 0;

  it.skipIf(!hasMkfifo)('a FIFO is 404 at once, never opened (opening one blocks)', async () => {
    const fifo = join(root, 'pipe');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    try {
      expect((await resolve(request('/pipe'))).status).toBe(404);
    } finally {
      await rm(fifo);
    }
  });
});

describe('the document root', () => {
  it('that does not exist throws InvalidArgumentError naming it', async () => {
    const missing = join(base, 'no-such-root');
    await expect(resolveStatic(missing, request('/'), OPTIONS)).rejects.toThrow(InvalidArgumentError);
    await expect(resolveStatic(missing, request('/'), OPTIONS)).rejects.toThrow(missing);
  });

  it('that is a file throws InvalidArgumentError', async () => {
    await expect(resolveStatic(join(root, 'hello.txt'), request('/'), OPTIONS)).rejects.toThrow(/not a directory/);
  });

  it('that is empty throws InvalidArgumentError', async () => {
    await expect(resolveStatic('', request('/'), OPTIONS)).rejects.toThrow(InvalidArgumentError);
  });
});

describe('asksForNoResponse', () => {
  it("recognises spdyd's request to stay silent, in the query only", () => {
    expect(asksForNoResponse('/?spdyd_do_not_respond_to_req=yes')).toBe(true);
    expect(asksForNoResponse('/a.html?x=1&spdyd_do_not_respond_to_req=yes')).toBe(true);
    expect(asksForNoResponse('/spdyd_do_not_respond_to_req=yes')).toBe(false);
    expect(asksForNoResponse('/?spdyd_do_not_respond_to_req=no')).toBe(false);
    expect(asksForNoResponse('/')).toBe(false);
  });
});
