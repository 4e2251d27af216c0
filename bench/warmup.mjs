// Warm-up before a timed run, the same for ours, the peer and the floor:
// short runs of the workload (a twentieth of its size), repeated until the
// JIT has had time to optimise the hot paths, then a GC to drop the
// warm-up's garbage, then a few more short runs, because a full GC shrinks
// the young generation and the first run after it pays for regrowing it.
// (Our W2 at a twentieth of its size takes ~10 ms: one warm-up run leaves
// the code half optimised and measures a third of the steady rate.)

const MAX_RUNS = 200;

async function repeat(run, ms) {
  const start = performance.now();
  for (let i = 0; i < MAX_RUNS && performance.now() - start < ms; i++) await run();
}

/** Calls `run` (sync or async) for `ms`, collects garbage, then for ms/4 more. Needs --expose-gc. */
export async function warmUp(run, ms) {
  await repeat(run, ms);
  globalThis.gc?.();
  await repeat(run, ms / 4);
}
