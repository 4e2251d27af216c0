/**
 * `npm run fuzz -- [options]`: runs a fuzz campaign and prints what it
 * found. On a failure it prints the smallest failing case fast-check could
 * shrink to, saves it as JSON, and prints the commands that replay it.
 *
 *   --runs N          cases to run (default 10000)
 *   --seed S          fast-check's seed (default: taken from the clock, and printed)
 *   --family F        any (default), random, plausible, built, recorded
 *   --path P          with --seed: replay the counterexample at this path (one case unless --runs says more)
 *   --case FILE       check one saved case (its memory too, unless --memory-every 0) and print the verdict
 *   --skip A,B        properties not checked (see fuzz/oracle.ts)
 *   --memory-every K  weigh the memory a session keeps every K cases (default 1000; 0: never)
 *   --json FILE       also write the result as JSON
 *
 * Exit status: 0 when every case passed, 1 on a failure, 2 on bad usage.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FAMILIES } from './arbitraries.js';
import type { Family } from './arbitraries.js';
import { runCampaign, weighCase } from './campaign.js';
import type { CampaignResult } from './campaign.js';
import { caseFromJson, caseToJson, describeCase } from './case.js';
import { PROPERTIES, PropertyViolation, checkCase } from './oracle.js';
import type { PropertyName } from './oracle.js';

/** Where failing cases are saved, relative to the working directory (the repository when run by npm). */
const FAILURES_DIR = '.fuzz-failures';

interface Args {
  runs: number;
  seed: number;
  seedGiven: boolean;
  family: Family;
  path: string | undefined;
  casePath: string | undefined;
  skip: PropertyName[];
  memoryEvery: number;
  json: string | undefined;
}

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = {
    runs: 10_000,
    seed: Date.now() % 0x7fffffff,
    seedGiven: false,
    family: 'any',
    path: undefined,
    casePath: undefined,
    skip: [],
    memoryEvery: 1000,
    json: undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    const integer = (min: number): number => {
      const text = value();
      const n = Number(text);
      if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`${flag} takes an integer of at least ${min}, got ${text}`);
      return n;
    };
    switch (flag) {
      case '--runs':
        args.runs = integer(1);
        break;
      case '--seed':
        args.seed = integer(-0x80000000) | 0;
        args.seedGiven = true;
        break;
      case '--family': {
        const family = value();
        if (!(family in FAMILIES)) throw new UsageError(`--family is one of ${Object.keys(FAMILIES).join(', ')}`);
        args.family = family as Family;
        break;
      }
      case '--path':
        args.path = value();
        break;
      case '--case':
        args.casePath = value();
        break;
      case '--skip':
        args.skip = value()
          .split(',')
          .map((name) => {
            if (!PROPERTIES.includes(name as PropertyName)) throw new UsageError(`--skip takes property names: ${PROPERTIES.join(', ')}`);
            return name as PropertyName;
          });
        break;
      case '--memory-every':
        args.memoryEvery = integer(0);
        break;
      case '--json':
        args.json = value();
        break;
      default:
        throw new UsageError(`unknown option ${flag}`);
    }
  }
  if (args.path !== undefined && !args.seedGiven) throw new UsageError('--path replays a failure: give its --seed too');
  // fast-check runs on from the path's case: one run is the case itself.
  if (args.path !== undefined && !argv.includes('--runs')) args.runs = 1;
  return args;
}

function replayOne(file: string, args: Args): number {
  const c = caseFromJson(readFileSync(file, 'utf8'));
  console.log(`case: ${describeCase(c)}`);
  try {
    checkCase(c, { skip: args.skip });
  } catch (error) {
    console.log(error instanceof PropertyViolation ? `FAIL ${error.message}` : `FAIL ${String(error)}`);
    if (!(error instanceof PropertyViolation) && error instanceof Error) console.log(error.stack);
    return 1;
  }
  if (args.memoryEvery > 0) {
    const { kept, bound } = weighCase(c);
    if (kept > bound) {
      console.log(`FAIL bounded-memory: a session kept ${kept} bytes after ${c.input.length} bytes of input (bound ${bound})`);
      return 1;
    }
    console.log(`memory: a session kept ${kept} bytes (bound ${bound})`);
  }
  console.log('ok: every property holds');
  return 0;
}

function report(result: CampaignResult, args: Args): void {
  const { memory } = result;
  const rate = Math.round(result.runs / (result.durationMs / 1000));
  console.log(`${result.runs} cases (family ${result.family}, seed ${result.seed}) in ${(result.durationMs / 1000).toFixed(1)} s, ${rate}/s`);
  console.log(
    `memory: ${memory.samples} sessions weighed, the most kept ${memory.worstRetained} bytes (for ${memory.worstInputBytes} bytes of input); ` +
      `heap ${(memory.heapStart / 2 ** 20).toFixed(1)} MiB at the start, ${(memory.heapEnd / 2 ** 20).toFixed(1)} MiB at the end`,
  );
  const failure = result.failure;
  if (failure === null) {
    console.log('ok: every case passed');
    return;
  }
  console.log(`\nFAIL after ${failure.foundAfter} cases: ${failure.message}`);
  console.log(`smallest failing case: ${failure.summary}`);
  if (failure.case === null) return;
  const json = caseToJson(failure.case);
  console.log(json);
  mkdirSync(FAILURES_DIR, { recursive: true });
  const file = join(FAILURES_DIR, `${failure.property}-${failure.seed}.json`);
  writeFileSync(file, json + '\n');
  const skip = args.skip.length > 0 ? ` --skip ${args.skip.join(',')}` : '';
  console.log(`\nreplay the shrunk case:   npm run fuzz -- --case ${file}${skip}`);
  console.log(`replay it by its path:    npm run fuzz -- --seed ${failure.seed} --path ${failure.path} --family ${args.family}${skip}`);
}

function main(argv: readonly string[]): number {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`fuzz: ${error.message}`);
      return 2;
    }
    throw error;
  }
  if (args.casePath !== undefined) return replayOne(args.casePath, args);
  console.log(`fuzzing ${args.runs} cases, family ${args.family}, seed ${args.seed}${args.skip.length > 0 ? `, skipping ${args.skip.join(', ')}` : ''}`);
  const started = performance.now();
  const result = runCampaign({
    runs: args.runs,
    seed: args.seed,
    family: args.family,
    ...(args.path !== undefined ? { path: args.path } : {}),
    skip: args.skip,
    memoryEvery: args.memoryEvery,
    progressEvery: Math.max(1000, Math.min(50_000, Math.round(args.runs / 20))),
    onProgress: (done) => {
      const seconds = (performance.now() - started) / 1000;
      console.log(`  ${done} cases, ${seconds.toFixed(0)} s`);
    },
  });
  report(result, args);
  if (args.json !== undefined) {
    const record = { ...result, failure: result.failure && { ...result.failure, case: result.failure.case && caseToJson(result.failure.case) } };
    writeFileSync(args.json, JSON.stringify(record, null, 2) + '\n');
  }
  return result.failure === null ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
