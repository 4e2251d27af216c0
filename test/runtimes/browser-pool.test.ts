/**
 * The zlib worker pool in headless Chromium: the same built worker module
 * that Node runs in worker_threads, here in Web Workers made by the web
 * spawner. A body gzipped in the pool is read back by the browser's own
 * DecompressionStream, and a session whose header codec lives in the pool
 * answers a request. Bare module names (comlink, pako) are resolved by the
 * static server as a bundler would: Chromium gives a Web Worker no import
 * map.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaticServer } from './static-server.js';
import { RUN_LIMIT_MS, TEST_LIMIT_MS, requireBuiltCore, root } from './verdict.js';

const CHROMIUM = '/usr/bin/chromium';
const SERVED_PREFIXES = ['/test/runtimes/', '/dist/core/', '/dist/workers/', '/node_modules/pako/dist/', '/node_modules/comlink/dist/esm/'];
const BARE = { pako: '/node_modules/pako/dist/pako.mjs', comlink: '/node_modules/comlink/dist/esm/comlink.mjs' };

interface PoolVerdict {
  ok: boolean;
  error?: string;
  hasNodeWorkers: boolean;
  bodyOk: boolean;
  gzLength: number;
  bodyLength: number;
  reply: Array<[string, string]> | null;
  userAgent: string;
}

describe('the zlib pool in headless Chromium', () => {
  let server: StaticServer;
  let profile: string;
  let context: BrowserContext | undefined;

  beforeAll(async () => {
    requireBuiltCore();
    if (!existsSync(`${root}dist/workers/zlib.worker.js`)) throw new Error('dist/workers is missing: run `npm run build` (CI does)');
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium); .ci/run does`);
    server = await StaticServer.start(root, SERVED_PREFIXES, BARE);
    profile = mkdtempSync(join(tmpdir(), 'spdylay-chromium-pool-'));
  });

  afterAll(async () => {
    await context?.close();
    await server?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('gzips a body and compresses a session\'s headers in Web Workers', async () => {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      chromiumSandbox: false,
      args: ['--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      timeout: RUN_LIMIT_MS,
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const lines: string[] = [];
    const verdict = new Promise<PoolVerdict>((resolve, reject) => {
      const limit = setTimeout(() => reject(new Error(`no verdict within ${RUN_LIMIT_MS} ms; console:\n${lines.join('\n')}\nnot served: ${server.missing.join(', ')}`)), RUN_LIMIT_MS);
      page.on('console', (message) => {
        const text = message.text();
        lines.push(text);
        if (text.startsWith('POOL-VERDICT ')) {
          clearTimeout(limit);
          resolve(JSON.parse(text.slice('POOL-VERDICT '.length)) as PoolVerdict);
        }
      });
      page.on('pageerror', (error) => {
        clearTimeout(limit);
        reject(new Error(`the page threw: ${error.message}\nnot served: ${server.missing.join(', ')}`));
      });
    });
    verdict.catch(() => undefined);
    await page.goto(`${server.origin}/test/runtimes/pool-page.html`, { timeout: RUN_LIMIT_MS });
    const result = await verdict;
    expect(result.error).toBeUndefined();
    expect(result.ok).toBe(true);
    expect(result.userAgent).toMatch(/HeadlessChrome\/\d+/);
    // No Node here: the pool made Web Workers.
    expect(result.hasNodeWorkers).toBe(false);
    expect(result.bodyOk).toBe(true);
    expect(result.gzLength).toBeLessThan(result.bodyLength / 10);
    expect(result.reply).toContainEqual(['x-from', 'a pooled codec']);
    expect(server.served).toContain('/dist/workers/zlib.worker.js');
  }, TEST_LIMIT_MS);
});
