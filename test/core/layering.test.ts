/**
 * The direction of dependency between the core's wings: framing (frame/)
 * and header compression (headers/) both build on the base modules at the
 * top of src/core (header-codec.ts for NameValue and the codec contract),
 * and neither imports the other. The session is where they meet.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const core = fileURLToPath(new URL('../../src/core/', import.meta.url));

/** The relative module specifiers a directory's files import or re-export, by file. */
function importsOf(dir: string): Array<[file: string, specifier: string]> {
  const out: Array<[string, string]> = [];
  for (const name of readdirSync(join(core, dir))) {
    if (!name.endsWith('.ts')) continue;
    const text = readFileSync(join(core, dir, name), 'utf8');
    for (const m of text.matchAll(/\b(?:import|export)\b[^;]*?\bfrom\s*['"](\.[^'"]+)['"]/g)) out.push([`${dir}/${name}`, m[1]!]);
  }
  return out;
}

describe('layering of src/core', () => {
  it('frame/ imports nothing from headers/ or session/', () => {
    const found = importsOf('frame');
    expect(found.length).toBeGreaterThan(5);
    expect(found.filter(([, spec]) => /^\.\.\/(headers|session|api)\//.test(spec))).toEqual([]);
  });

  it('headers/ imports nothing from frame/ or session/', () => {
    const found = importsOf('headers');
    expect(found.length).toBeGreaterThan(5);
    expect(found.filter(([, spec]) => /^\.\.\/(frame|session|api)\//.test(spec))).toEqual([]);
  });
});
