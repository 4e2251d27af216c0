/**
 * The listing of a directory without index.html: something spdyd lacks, so
 * judged by what a static server owes its users: every name shown safely,
 * every link leading back to that entry, nothing listed that is not served.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listingPage } from '../../../src/io/static/listing.js';
import { resolveStatic } from '../../../src/io/static/resolve.js';
import type { StaticOptions } from '../../../src/io/static/resolve.js';
import { bodyText, request } from '../../helpers/static-site.js';

const OPTIONS: StaticOptions = { now: () => new Date(Date.UTC(2030, 0, 1)), serverName: 'spdyd test', port: 8443 };
const NASTY = `<b>&"x'.txt`;
const hasMkfifo = spawnSync('mkfifo', ['--version']).status === 0;

let base: string;
let root: string;

beforeAll(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), 'spdyd-listing-')));
  root = join(base, 'htdocs');
  await mkdir(join(root, 'list', 'beta dir', 'deeper'), { recursive: true });
  await writeFile(join(base, 'secret.txt'), 'secret');
  await writeFile(join(root, 'top.txt'), 'top');
  for (const name of [NASTY, 'zeta.txt', 'Alpha.txt', 'ü.txt', '100%.txt', 'q?.txt', '#frag.txt', 'back\\slash.txt']) {
    await writeFile(join(root, 'list', name), name);
  }
  await writeFile(join(root, 'list', 'beta dir', 'inner.txt'), 'inner');
  await symlink('../top.txt', join(root, 'list', 'link-in.txt'));
  await symlink('beta dir', join(root, 'list', 'link-dir'));
  await symlink(join(base, 'secret.txt'), join(root, 'list', 'link-out.txt'));
  await symlink(base, join(root, 'list', 'link-out-dir'));
  await symlink('nowhere', join(root, 'list', 'dangling.txt'));
  if (hasMkfifo) expect(spawnSync('mkfifo', [join(root, 'list', 'pipe')]).status).toBe(0);
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

/** The [href, text] of each link, with HTML's escapes undone. */
function links(html: string): Array<[string, string]> {
  const unescape = (s: string) =>
    s
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&');
  return [...html.matchAll(/<a href="([^"]*)">([^<]*)<\/a>/g)].map((m) => [unescape(m[1]!), unescape(m[2]!)]);
}

async function listing(path: string): Promise<string> {
  const response = await resolveStatic(root, request(path), OPTIONS);
  expect(response.status).toBe(200);
  expect(response.body?.kind).toBe('bytes');
  return bodyText(response);
}

describe('a directory listing', () => {
  it('is HTML with its length, not cached, titled with the directory', async () => {
    const response = await resolveStatic(root, request('/list/'), OPTIONS);
    expect(response.headers).toEqual([
      [':status', '200 OK'],
      [':version', 'HTTP/1.1'],
      ['server', 'spdyd test'],
      ['content-length', String(response.body?.kind === 'bytes' ? response.body.bytes.length : -1)],
      ['cache-control', 'no-cache'],
      ['date', 'Tue, 01 Jan 2030 00:00:00 GMT'],
      ['content-type', 'text/html; charset=utf-8'],
    ]);
    const html = bodyText(response);
    expect(html).toMatch(/^<html><head><title>Index of \/list\/<\/title><\/head><body><h1>Index of \/list\/<\/h1>/);
    expect(html).toContain('<address>spdyd test at port 8443</address>');
  });

  it('lists the servable entries sorted by name, directories marked with "/", after the parent', async () => {
    const texts = links(await listing('/list/')).map(([, text]) => text);
    expect(texts).toEqual([
      '../',
      '#frag.txt',
      '100%.txt',
      NASTY,
      'Alpha.txt',
      'beta dir/',
      'link-dir/',
      'link-in.txt',
      'q?.txt',
      'zeta.txt',
      'ü.txt',
    ]);
  });

  it('leaves out what would not be served: symlinks out of the root, dangling ones, FIFOs, backslashes', async () => {
    const html = await listing('/list/');
    for (const name of ['link-out', 'secret', 'dangling', 'back', 'slash']) expect(html).not.toContain(name);
    if (hasMkfifo) expect(html).not.toContain('pipe');
  });

  it('escapes names in text and encodes them in links', async () => {
    const html = await listing('/list/');
    expect(html).toContain(
      '<a href="/list/%3Cb%3E%26%22x&#39;.txt">&lt;b&gt;&amp;&quot;x&#39;.txt</a>',
    );
    expect(html).not.toContain('<b>');
    expect(html).toContain('<a href="/list/q%3F.txt">q?.txt</a>');
    expect(html).toContain('<a href="/list/%23frag.txt">#frag.txt</a>');
    expect(html).toContain('<a href="/list/100%25.txt">100%.txt</a>');
    expect(html).toContain('<a href="/list/beta%20dir/">beta dir/</a>');
  });

  it('has links that each lead back to their entry, whether or not the request ended in "/"', async () => {
    for (const path of ['/list/', '/list']) {
      for (const [href, text] of links(await listing(path))) {
        if (text === '../') continue;
        const response = await resolveStatic(root, request(href), OPTIONS);
        expect(response.status, href).toBe(200);
        if (text.endsWith('/')) {
          expect(bodyText(response), href).toContain(`Index of /list/${text}`);
        } else {
          const target = text === 'link-in.txt' ? join(root, 'top.txt') : join(root, 'list', text);
          expect(response.body, href).toMatchObject({ kind: 'file', path: target });
        }
      }
    }
  });

  it('offers the parent below the root, and the parent link leads there', async () => {
    const [parentHref, parentText] = links(await listing('/list/beta%20dir/'))[0]!;
    expect([parentHref, parentText]).toEqual(['/list/', '../']);
    expect(links(await listing('/list/'))[0]).toEqual(['/', '../']);
    expect(links(await listing('/list/beta%20dir/deeper/'))[0]).toEqual(['/list/beta%20dir/', '../']);
  });

  it('does not offer ".." at the root', async () => {
    const html = await listing('/');
    expect(links(html)).toEqual([
      ['/list/', 'list/'],
      ['/top.txt', 'top.txt'],
    ]);
    expect(html).toContain('<title>Index of /</title>');
  });

  it('titles a directory reached through a symlink by its requested path', async () => {
    expect(await listing('/list/link-dir/')).toContain('<title>Index of /list/link-dir/</title>');
  });
});

describe('listingPage', () => {
  it('escapes the directory path in the title', () => {
    const page = listingPage(['<i>'], [], 'x');
    expect(page).toContain('<title>Index of /&lt;i&gt;/</title>');
    expect(page).toContain('<a href="/">../</a>');
    expect(page).not.toContain('<i>');
  });

  it('escapes the address', () => {
    expect(listingPage([], [], 'a&b')).toContain('<address>a&amp;b</address>');
  });

  it('does not reorder the entries it was given', () => {
    const entries = [
      { name: 'b', isDirectory: false },
      { name: 'a', isDirectory: true },
    ];
    listingPage([], entries, 'x');
    expect(entries.map((e) => e.name)).toEqual(['b', 'a']);
  });
});
