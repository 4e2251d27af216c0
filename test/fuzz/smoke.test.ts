/**
 * The fuzz harness (fuzz/) in CI: a fixed-seed campaign per input family,
 * every property of fuzz/oracle.ts checked on every case, the memory a
 * session keeps weighed every 250 cases. Fixed seeds: a failure here
 * replays with the command the message prints. Long campaigns run with
 * `npm run fuzz -- --runs N` (docs/fuzzing.md).
 */
import { describe, expect, it } from 'vitest';
import { runCampaign } from '../../fuzz/campaign.js';
import type { CampaignResult } from '../../fuzz/campaign.js';
import { caseFromJson, caseToJson } from '../../fuzz/case.js';
import type { Family } from '../../fuzz/arbitraries.js';

const CAMPAIGNS: Array<{ family: Family; seed: number; runs: number }> = [
  { family: 'random', seed: 0x16_0001, runs: 800 },
  { family: 'plausible', seed: 0x16_0002, runs: 1000 },
  { family: 'built', seed: 0x16_0003, runs: 1000 },
  { family: 'recorded', seed: 0x16_0004, runs: 1200 },
];

function failureText(result: CampaignResult): string {
  const f = result.failure;
  if (f === null) return '';
  return `${f.message}\n${f.summary}\n${f.case === null ? '' : caseToJson(f.case)}\nreplay: npm run fuzz -- --seed ${f.seed} --path ${f.path} --family ${result.family}`;
}

describe('fuzz smoke (fixed seeds)', () => {
  it.each(CAMPAIGNS)('$family: $runs cases, every property', ({ family, seed, runs }) => {
    const result = runCampaign({ family, seed, runs, memoryEvery: 250 });
    expect(failureText(result)).toBe('');
    expect(result.runs).toBe(runs);
    expect(result.memory.samples).toBe(Math.floor(runs / 250));
  });

  it('a case survives its JSON form byte for byte (what --case replays)', () => {
    const c = {
      side: 2 as const,
      version: 4,
      config: 3,
      script: null,
      input: Uint8Array.from([0x80, 3, 0, 6, 0, 0, 0, 4, 0, 0, 0, 1]),
      cuts: [1, 0],
      drains: [true, false],
      throwAt: 5,
    };
    expect(caseFromJson(caseToJson(c))).toEqual(c);
    expect(() => caseFromJson('{"side":7}')).toThrow(/not a fuzz case/);
  });
});
