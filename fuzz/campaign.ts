/**
 * A fuzz campaign: `runs` cases from one family, drawn by fast-check from
 * `seed`, each checked by the oracle. On the first failure fast-check
 * shrinks the case to the smallest it can find that still fails, and the
 * result says how to replay it (the seed and the counterexample's path).
 *
 * Memory: every `memoryEvery`-th case is run once more with the heap
 * weighed (after a full collection) before and after, against the same
 * session primed but given no input; a session that keeps more than
 * RETAINED_PER_INPUT_BYTE bytes per input byte (plus RETAINED_SLACK) fails
 * the `bounded-memory` check. The heap of the whole process is weighed at
 * the start and at the end too, to show that nothing builds up across
 * sessions.
 */
import fc from 'fast-check';
import { collectGarbage } from '../test/helpers/heap.js';
import { FAMILIES } from './arbitraries.js';
import type { Family } from './arbitraries.js';
import type { FuzzCase } from './case.js';
import { describeCase } from './case.js';
import { PropertyViolation, checkCase, sessionAfter } from './oracle.js';
import type { PropertyName } from './oracle.js';

/**
 * What a session may keep per byte of input (a stream or a queued reply
 * costs a few hundred bytes and takes at least 8 bytes to ask for), and
 * beyond that (a session's zlib state, some 300 KiB once it has sent a
 * level-9 header block, is made on first use).
 */
export const RETAINED_PER_INPUT_BYTE = 64;
export const RETAINED_SLACK = 1024 * 1024;
/** Sessions weighed together per measurement. */
const WEIGHED_COPIES = 4;

export interface CampaignOptions {
  runs: number;
  seed: number;
  family: Family;
  /** Replays fast-check's counterexample path (from a failure report) instead of searching. */
  path?: string;
  skip?: readonly PropertyName[];
  /** Weigh the memory a session keeps every this many cases (0: never). */
  memoryEvery?: number;
  /** Called about every `progressEvery` cases. */
  onProgress?: (done: number) => void;
  progressEvery?: number;
}

export interface CampaignFailure {
  property: string;
  message: string;
  /** Null when fast-check stopped without a counterexample (an error in the harness itself). */
  case: FuzzCase | null;
  summary: string;
  seed: number;
  path: string;
  /** Cases run before the failure was found (before shrinking). */
  foundAfter: number;
}

export interface CampaignResult {
  runs: number;
  seed: number;
  family: Family;
  durationMs: number;
  failure: CampaignFailure | null;
  memory: {
    samples: number;
    /** The most a sampled session kept beyond a primed one with no input, and that case's input size. */
    worstRetained: number;
    worstInputBytes: number;
    heapStart: number;
    heapEnd: number;
  };
}

function heapUsed(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
}

class MemoryViolation extends Error {}

/** Weighings of one case at most: a case over the bound is weighed again before it fails. */
const WEIGHINGS = 3;

/**
 * The heap a session keeps after `c`'s input beyond the same session
 * primed and given none, and the bound it must stay under. One weighing
 * can come out high (code compiled meanwhile, garbage a collection left),
 * never low, so a case over the bound is weighed again and the least
 * figure counts: what a session really keeps shows in every weighing.
 */
export function weighCase(c: FuzzCase): { kept: number; bound: number } {
  const bound = RETAINED_PER_INPUT_BYTE * c.input.length + RETAINED_SLACK;
  let kept = Infinity;
  for (let i = 0; i < WEIGHINGS && kept > bound; i++) {
    kept = Math.min(kept, retained(c, c.input) - retained(c, new Uint8Array(0)));
  }
  return { kept, bound };
}

/**
 * The heap one session keeps after `input`: several are made and kept at
 * once, after one made and dropped, so code compiled on first use and
 * buffers shared by the thread are not counted.
 */
function retained(c: FuzzCase, input: Uint8Array): number {
  void sessionAfter(c, input);
  const before = heapUsed();
  const sessions = Array.from({ length: WEIGHED_COPIES }, () => sessionAfter(c, input));
  const after = heapUsed();
  // Read after weighing, so the sessions are alive when weighed.
  for (const session of sessions) void session.wantRead();
  return Math.round((after - before) / WEIGHED_COPIES);
}

export function runCampaign(options: CampaignOptions): CampaignResult {
  const memoryEvery = options.memoryEvery ?? 0;
  const progressEvery = options.progressEvery ?? 10_000;
  const memory = { samples: 0, worstRetained: 0, worstInputBytes: 0, heapStart: heapUsed(), heapEnd: 0 };
  let done = 0;
  let lastFailure: unknown = null;
  /**
   * Every case is weighed once a sampled one kept too much (so shrinking
   * keeps the check) and when a failure is replayed by its path.
   */
  let weighAll = options.path !== undefined && memoryEvery > 0;
  const started = performance.now();
  const property = fc.property(FAMILIES[options.family], (c) => {
    done++;
    if (options.onProgress !== undefined && done % progressEvery === 0) options.onProgress(done);
    try {
      checkCase(c, { skip: options.skip ?? [] });
      if (weighAll || (memoryEvery > 0 && done % memoryEvery === 0)) weigh(c);
    } catch (error) {
      lastFailure = error;
      throw error;
    }
  });
  const weigh = (c: FuzzCase): void => {
    const { kept, bound } = weighCase(c);
    memory.samples++;
    if (kept > memory.worstRetained) {
      memory.worstRetained = kept;
      memory.worstInputBytes = c.input.length;
    }
    if (kept > bound) {
      weighAll = true;
      throw new MemoryViolation(`a session kept ${kept} bytes after ${c.input.length} bytes of input (bound ${bound})`);
    }
  };

  const details = fc.check(property, {
    seed: options.seed,
    numRuns: options.runs,
    ...(options.path !== undefined ? { path: options.path } : {}),
  });
  memory.heapEnd = heapUsed();
  let failure: CampaignFailure | null = null;
  if (details.failed && details.counterexample !== null) {
    const [c] = details.counterexample;
    // The failure fast-check reports is the last run of the shrunk case: run it again for its message.
    let error: unknown = details.errorInstance ?? lastFailure;
    try {
      checkCase(c, { skip: options.skip ?? [] });
    } catch (again) {
      error = again;
    }
    failure = {
      property: error instanceof PropertyViolation ? error.property : error instanceof MemoryViolation ? 'bounded-memory' : 'exception',
      message: error instanceof Error ? error.message : String(error),
      case: c,
      summary: describeCase(c),
      seed: details.seed,
      path: details.counterexamplePath ?? '',
      foundAfter: details.numRuns,
    };
  } else if (details.failed) {
    failure = {
      property: 'campaign',
      message: String(details.errorInstance),
      case: null,
      summary: 'fast-check stopped without a counterexample',
      seed: details.seed,
      path: '',
      foundAfter: details.numRuns,
    };
  }
  return {
    runs: details.numRuns,
    seed: options.seed,
    family: options.family,
    durationMs: Math.round(performance.now() - started),
    failure,
    memory,
  };
}
