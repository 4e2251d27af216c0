/**
 * The core in a real headless browser: Debian's Chromium, driven by
 * playwright-core (no browser download), loads test/runtimes/page.html
 * from a static server on 127.0.0.1. The page has an import map for `pako`
 * and one module script, test/runtimes/main.mjs, which imports the built
 * dist/core as served: no bundler, no polyfills. Its verdict arrives on
 * the page's console.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Verdict } from './exchange.mjs';
import { StaticServer } from './static-server.js';
import { RUN_LIMIT_MS, TEST_LIMIT_MS, expectGoodExchange, findVerdict, requireBuiltCore, root } from './verdict.js';

const CHROMIUM = '/usr/bin/chromium';

/** Quiet, self-contained Chromium: no sandbox (CI runs as root), no GPU, no traffic of its own. */
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** What the server may hand out: the page and the scripts, the built core, and pako's ES module build. */
const SERVED_PREFIXES = ['/test/runtimes/', '/dist/core/', '/node_modules/pako/dist/'];

describe('the core in headless Chromium', () => {
  let server: StaticServer;
  let profile: string;
  let context: BrowserContext | undefined;

  beforeAll(async () => {
    requireBuiltCore();
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium); .ci/run does`);
    }
    server = await StaticServer.start(root, SERVED_PREFIXES);
    profile = mkdtempSync(join(tmpdir(), 'spdylay-chromium-'));
  });

  afterAll(async () => {
    await context?.close();
    await server?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('exchanges a GET and a 1 MiB POST over every version, bodies hashed by WebCrypto as Node hashes them', async () => {
    // A persistent context over a fresh directory is playwright's way of
    // passing --user-data-dir; it adds --headless and --no-sandbox itself too.
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      chromiumSandbox: false,
      args: CHROMIUM_FLAGS.filter((flag) => flag !== '--headless' && flag !== '--no-sandbox'),
      timeout: RUN_LIMIT_MS,
    });
    const page = context.pages()[0] ?? (await context.newPage());

    const lines: string[] = [];
    const verdict = new Promise<Verdict>((resolve, reject) => {
      const limit = setTimeout(() => reject(new Error(`no verdict within ${RUN_LIMIT_MS} ms; console:\n${lines.join('\n')}\nnot served: ${server.missing.join(', ')}`)), RUN_LIMIT_MS);
      page.on('console', (message) => {
        lines.push(message.text());
        const found = findVerdict([message.text()]);
        if (found) {
          clearTimeout(limit);
          resolve(found);
        }
      });
      page.on('pageerror', (error) => {
        clearTimeout(limit);
        reject(new Error(`the page threw: ${error.message}\nnot served: ${server.missing.join(', ')}`));
      });
    });
    // A page error can reject the verdict while goto is still awaited: mark it handled here, it is awaited below.
    verdict.catch(() => undefined);
    await page.goto(`${server.origin}/test/runtimes/page.html`, { timeout: RUN_LIMIT_MS });

    await expectGoodExchange(await verdict, /HeadlessChrome\/\d+/);
    expect(server.missing).toEqual([]);
    // The core came from dist/core, and pako from its own ES module build.
    expect(server.served).toContain('/dist/core/index.js');
    expect(server.served).toContain('/node_modules/pako/dist/pako.mjs');
  }, TEST_LIMIT_MS);
});
