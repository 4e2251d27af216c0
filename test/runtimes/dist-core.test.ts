/**
 * What ships as `spdylay/core` stays free of Node: dist/core's JavaScript,
 * the files Deno, Bun and browsers load, names no Node built-in, no
 * require, no process and no Buffer, and imports no package that is not a
 * runtime dependency. test/core/purity.test.ts checks the sources; this
 * checks what the compiler made of them. Comments are stripped first, so
 * prose may still mention these names.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireBuiltCore, root } from './verdict.js';

const distCore = join(root, 'dist/core');

function scripts(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return scripts(path);
    return /\.[cm]?js$/.test(entry.name) ? [path] : [];
  });
}

/** Removes block and line comments (the compiler's output has no string literals holding comment markers). */
function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:\\])\/\/.*$/gm, '$1');
}

const forbidden: Array<[string, RegExp]> = [
  ['node: specifier', /['"`]node:/],
  ['require(', /(?<![\w$.])require\s*\(/],
  ['process.', /(?<![\w$.])process\s*\./],
  ['Buffer', /(?<![\w$.])Buffer\b/],
];

/** Every module specifier a file imports or re-exports, static or dynamic. */
function specifiers(code: string): string[] {
  const found = [
    ...code.matchAll(/\b(?:import|export)\b[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g),
    ...code.matchAll(/\bimport\s*\(?\s*['"]([^'"]+)['"]/g),
  ];
  return found.map((match) => match[1]!);
}

/** The package a bare specifier names: its first segment, or two for a scoped package. */
function packageName(specifier: string): string {
  const segments = specifier.split('/');
  return (specifier.startsWith('@') ? segments.slice(0, 2) : segments.slice(0, 1)).join('/');
}

describe('dist/core', () => {
  let files: string[] = [];

  beforeAll(() => {
    requireBuiltCore();
    files = scripts(distCore);
  });

  it('is built: the scan has files to read', () => {
    expect(files.map((file) => relative(distCore, file))).toContain('index.js');
    expect(files.length).toBeGreaterThan(5);
  });

  it.each(forbidden)('has no %s in any file', (_what, pattern) => {
    const offenders = files.filter((file) => pattern.test(stripComments(readFileSync(file, 'utf8'))));
    expect(offenders.map((file) => relative(root, file))).toEqual([]);
  });

  it('imports only its own modules and runtime dependencies', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    const dependencies = new Set(Object.keys(pkg.dependencies ?? {}));
    const imports = new Map(files.map((file) => [file, specifiers(stripComments(readFileSync(file, 'utf8')))]));
    // The scan sees imports at all: the index re-exports the core's modules.
    expect(imports.get(join(distCore, 'index.js'))).toContain('./constants.js');

    const strays = [...imports].flatMap(([file, found]) =>
      found
        .filter((specifier) => !specifier.startsWith('./') && !specifier.startsWith('../'))
        .filter((specifier) => !dependencies.has(packageName(specifier)))
        .map((specifier) => `${relative(root, file)}: ${specifier}`),
    );
    expect(strays).toEqual([]);
  });
});
