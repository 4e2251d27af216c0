/** The tools name this package's version, as spdylay's name SPDYLAY_VERSION. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PACKAGE_VERSION, SPDYD_SERVER, USER_AGENT } from '../../../src/io/cli/identity.js';

describe('identity', () => {
  it('is package.json\'s version', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(PACKAGE_VERSION).toBe(pkg.version);
  });

  it('reads spdylay/VERSION in user-agent and spdyd spdylay/VERSION in server', () => {
    expect(USER_AGENT).toBe(`spdylay/${PACKAGE_VERSION}`);
    expect(SPDYD_SERVER).toBe(`spdyd spdylay/${PACKAGE_VERSION}`);
  });
});
