// Self time per function or per script in a V8 CPU profile (the
// inspector's Profiler, or node --cpu-prof): bench/profile.mjs and
// bench/socket/profile.mjs print their top rows from it.

/**
 * Self time per profile node, in µs. Samples inside the inspector's own
 * call that started the profiler are left out (the profiler charges them
 * the time before its first tick).
 */
function nodeSelfTimes(profile) {
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node);
  const inInspector = (node) => {
    for (let n = node; n !== undefined; n = parent.get(n.id)) if (n.callFrame.url.startsWith('node:inspector')) return true;
    return false;
  };
  const excluded = new Set(profile.nodes.filter(inInspector).map((n) => n.id));
  const sampled = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    if (excluded.has(id)) continue;
    sampled.set(id, (sampled.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  return sampled;
}

/** Sums self time by `keyOf(callFrame)`; returns { total, rows: [key, µs] largest first }. */
function grouped(profile, keyOf) {
  const sampled = nodeSelfTimes(profile);
  const groups = new Map();
  let total = 0;
  for (const node of profile.nodes) {
    const us = sampled.get(node.id) ?? 0;
    total += us;
    const key = keyOf(node.callFrame);
    groups.set(key, (groups.get(key) ?? 0) + us);
  }
  return { total, rows: [...groups].sort((a, b) => b[1] - a[1]) };
}

/** Self time per function (name, file, line), largest first. */
export function selfTimes(profile) {
  return grouped(profile, (f) => {
    const where = f.url ? `${shortUrl(f.url)}:${f.lineNumber + 1}` : '';
    return `${f.functionName || '(anonymous)'} ${where}`.trim();
  });
}

/** Self time per script; V8's pseudo-frames ((garbage collector), (idle)) and natives by their names. */
export function selfTimesByScript(profile) {
  return grouped(profile, (f) => (f.url ? shortUrl(f.url) : f.functionName || '(native)'));
}

/** A script's URL as the rows print it: from node_modules/, dist/ or bench/ on. */
export function shortUrl(url) {
  return url.replace(/^.*\/(node_modules|dist|bench)\//, '$1/');
}

/**
 * Bytes allocated per function or per script in a sampling heap profile
 * (bench/socket/profiler.mjs with 'alloc'): { total, rows: [key, bytes]
 * largest first }. A built-in (subarray, Map.prototype.set, ...) is named
 * with its caller, which is the function to look at.
 */
export function allocatedBytes(profile, byScript = false) {
  const groups = new Map();
  let total = 0;
  const walk = (node, caller) => {
    const f = node.callFrame;
    const here = `${f.functionName || '(anonymous)'} ${f.url ? `${shortUrl(f.url)}:${f.lineNumber + 1}` : ''}`.trim();
    const builtIn = f.url === '' || f.url.startsWith('node:');
    if (node.selfSize > 0) {
      const key = byScript ? (f.url ? shortUrl(f.url) : f.functionName || '(native)') : builtIn ? `${here} <- ${caller}` : here;
      groups.set(key, (groups.get(key) ?? 0) + node.selfSize);
      total += node.selfSize;
    }
    for (const child of node.children) walk(child, builtIn ? caller : here);
  };
  walk(profile.head, '(root)');
  return { total, rows: [...groups].sort((a, b) => b[1] - a[1]) };
}
