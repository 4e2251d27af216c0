// Summary statistics for repeated measurements. Medians, not means: one
// run disturbed by another process on the machine must not move the result.

/** The median of a non-empty list of numbers (the mean of the middle two for an even count). */
export function median(values) {
  if (values.length === 0) throw new RangeError('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** { median, min, max } of a non-empty list. */
export function summarize(values) {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/**
 * The median of per-run ratios a[i] / b[i]. Ours and the peer alternate run
 * by run, so pairing them keeps the ratio honest while the machine's speed
 * drifts between runs.
 */
export function pairedRatio(a, b) {
  const n = Math.min(a.length, b.length);
  const ratios = [];
  for (let i = 0; i < n; i++) if (b[i] > 0) ratios.push(a[i] / b[i]);
  return ratios.length === 0 ? null : median(ratios);
}
