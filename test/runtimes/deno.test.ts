/**
 * The core under Deno (the npm package `deno`): test/runtimes/main.mjs,
 * loading dist/core with `pako` resolved from node_modules, runs the
 * in-memory exchange over SPDY/2, SPDY/3 and SPDY/3.1 with no permission at
 * all granted and remote imports refused.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { TEST_LIMIT_MS, expectGoodExchange, findVerdict, installedBinary, installedVersion, mainScript, requireBuiltCore, runBounded } from './verdict.js';

describe('the core under Deno', () => {
  let denoDir: string;

  beforeAll(() => {
    requireBuiltCore();
    // Deno's cache of compiled modules goes here, not into the user's home.
    denoDir = mkdtempSync(join(tmpdir(), 'spdylay-deno-'));
  });

  afterAll(() => {
    if (denoDir) rmSync(denoDir, { recursive: true, force: true });
  });

  it('exchanges a GET and a 1 MiB POST over every version, bodies hashed by WebCrypto as Node hashes them', async () => {
    const deno = installedBinary('deno');
    const { stdout } = await runBounded(
      deno,
      ['run', '--no-prompt', '--no-remote', '--node-modules-dir=manual', mainScript],
      { DENO_DIR: denoDir, DENO_NO_UPDATE_CHECK: '1' },
    );
    const version = installedVersion('deno').replaceAll('.', '\\.');
    await expectGoodExchange(findVerdict(stdout.split('\n')), new RegExp(`^Deno/${version}$`));
  }, TEST_LIMIT_MS);
});
