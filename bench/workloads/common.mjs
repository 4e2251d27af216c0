// Small helpers every workload shares: sizes under --quick, and the clock.
import { performance } from 'node:perf_hooks';

/** A workload's item count at `scale` (1 in full mode), never below 1. */
export function countFor(full, scale) {
  return Math.max(1, Math.round(full * scale));
}

let clockHooks = null;

/**
 * Hooks called when a workload starts and stops its clock, so profile.mjs
 * records the timed part alone (not the header lists built before it).
 * null to remove. Called synchronously.
 */
export function setClockHooks(hooks) {
  clockHooks = hooks;
}

export function startClock() {
  clockHooks?.start();
  return performance.now();
}

/** Seconds since startClock() returned `t`. */
export function elapsedSince(t) {
  const seconds = (performance.now() - t) / 1000;
  clockHooks?.stop();
  return seconds;
}
