/**
 * The core under Bun (the npm package `bun`): test/runtimes/main.mjs,
 * loading dist/core with `pako` resolved from node_modules, runs the
 * in-memory exchange over SPDY/2, SPDY/3 and SPDY/3.1, with Bun's
 * auto-install off so nothing is fetched.
 */
import { beforeAll, describe, it } from 'vitest';
import { TEST_LIMIT_MS, expectGoodExchange, findVerdict, installedBinary, installedVersion, mainScript, requireBuiltCore, runBounded } from './verdict.js';

describe('the core under Bun', () => {
  beforeAll(() => requireBuiltCore());

  it('exchanges a GET and a 1 MiB POST over every version, bodies hashed by WebCrypto as Node hashes them', async () => {
    const bun = installedBinary('bun');
    const { stdout } = await runBounded(bun, ['run', '--no-install', mainScript], { DO_NOT_TRACK: '1' });
    const version = installedVersion('bun').replaceAll('.', '\\.');
    await expectGoodExchange(findVerdict(stdout.split('\n')), new RegExp(`^Bun/${version}$`));
  }, TEST_LIMIT_MS);
});
