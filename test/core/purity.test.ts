/**
 * src/core is pure: no Node built-ins, no timers, no clock, no randomness,
 * so it runs in browsers, Deno, Bun and workers and replays
 * deterministically. Comments are stripped before the scan, so prose may
 * still mention these names.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../src/core/', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.[cm]?ts$/.test(entry.name) ? [path] : [];
  });
}

/** Removes block and line comments (string literals containing comment markers are not expected in core). */
function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:\\])\/\/.*$/gm, '$1');
}

const forbidden: Array<[string, RegExp]> = [
  ['a node: import', /\bfrom\s*['"]node:|\bimport\s*\(\s*['"]node:/],
  ['a bare Node built-in import', /\bfrom\s*['"](fs|path|os|net|tls|zlib|crypto|events|stream|buffer|util|worker_threads|child_process|timers)(\/[^'"]*)?['"]/],
  ['require(', /\brequire\s*\(/],
  ['setTimeout', /\bsetTimeout\b/],
  ['setInterval', /\bsetInterval\b/],
  ['setImmediate', /\bsetImmediate\b/],
  ['Date.now', /\bDate\.now\b/],
  ['new Date', /\bnew\s+Date\b/],
  ['performance.now', /\bperformance\.now\b/],
  ['Math.random', /\bMath\.random\b/],
  ['crypto.getRandomValues', /\bgetRandomValues\b/],
  ['process.', /\bprocess\./],
  ['Buffer', /\bBuffer\s*[.(]/],
];

describe('core purity', () => {
  const files = sources(root);

  it('finds the core sources', () => {
    expect(files.length).toBeGreaterThan(5);
  });

  it.each(forbidden)('src/core contains no %s', (_what, pattern) => {
    const offenders = files.filter((file) => pattern.test(stripComments(readFileSync(file, 'utf8'))));
    expect(offenders.map((file) => relative(root, file))).toEqual([]);
  });
});
