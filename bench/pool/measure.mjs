// One pool-workload measurement in its own process:
//   node bench/pool/measure.mjs H <in-thread|pool> <sessions> <requests> <version>
//   node bench/pool/measure.mjs G <in-thread|pool|node:zlib> <concurrency> <bodies> <size>
// A warm-up of the same shape first (a tenth), then the measured run.
// Prints one JSON line: rate, p50/p99 latency (ms), main-thread and process
// CPU per item (µs).
import { createZlibPool } from '../../dist/workers/zlib-pool.js';
import { mainThreadCpuMs, processCpuMs } from './cpu.mjs';
import { gzipBodies } from './gzip.mjs';
import { headerReplies } from './headers.mjs';

const [workload, mode, concurrencyText, countText, extraText] = process.argv.slice(2);
const concurrency = Number(concurrencyText);
const count = Number(countText);
const pool = mode === 'pool' ? createZlibPool() : null;

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))];
}

async function once(n) {
  if (workload === 'H') return headerReplies({ version: Number(extraText), sessions: concurrency, requests: n, pool });
  return gzipBodies({ mode, concurrency, bodies: n, size: Number(extraText), pool });
}

try {
  await once(Math.max(concurrency, Math.ceil(count / 10)));
  globalThis.gc?.();
  const main0 = mainThreadCpuMs();
  const proc0 = processCpuMs();
  const result = await once(count);
  const main1 = mainThreadCpuMs();
  const proc1 = processCpuMs();
  const sorted = Array.from(result.latencies).sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      rate: count / result.seconds,
      p50Ms: percentile(sorted, 0.5),
      p99Ms: percentile(sorted, 0.99),
      mainCpuUs: main0 === null ? null : ((main1 - main0) * 1000) / count,
      processCpuUs: ((proc1 - proc0) * 1000) / count,
      poolSize: pool?.size ?? 0,
      ratio: result.ratio ?? null,
    }),
  );
} finally {
  await pool?.close();
}
