// Percentiles of a sample (nearest rank on the sorted values).

/** The value below which a `q` fraction of `values` lie (0 < q <= 1). */
export function percentile(values, q) {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}
