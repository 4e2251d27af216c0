// The zlib pool workloads of `npm run bench` (issue: zlib in a worker pool):
//
//   H  W3r-style header-heavy replies (level 9), the server's header codec
//      in-thread or in the pool, at 1, 8 and 64 concurrent sessions
//   G  gzip of 1 MiB bodies in 64 KiB chunks, in-thread (pako), in the
//      pool (pako in a worker) or node:zlib's streams (native, libuv's
//      threadpool), at 1, 8 and 64 bodies at a time
//   T  the pool threshold: gzip of 4 KiB .. 256 KiB bodies, 8 at a time,
//      the same three ways
//
// Each measurement runs in its own process (bench/pool/measure.mjs); the
// modes take turns going first, run by run. Reported: medians (min–max)
// over the runs of the rate, p50/p99 latency, and CPU per item on the main
// thread and in the whole process (workers included).
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { median } from '../stats.mjs';

const MEASURE = fileURLToPath(new URL('./measure.mjs', import.meta.url));
const TIMEOUT_MS = 5 * 60 * 1000;
const MIB = 1 << 20;
const SPDY3_1 = 4;

function plan(quick) {
  const configs = [];
  for (const sessions of quick ? [1, 8] : [1, 8, 64]) {
    const requests = quick ? 64 : 6000;
    for (const mode of ['in-thread', 'pool']) configs.push({ workload: 'H', mode, concurrency: sessions, count: requests, extra: SPDY3_1, unit: 'req/s' });
  }
  for (const concurrency of quick ? [1, 8] : [1, 8, 64]) {
    const size = quick ? 64 * 1024 : MIB;
    const bodies = quick ? concurrency * 2 : { 1: 24, 8: 48, 64: 128 }[concurrency];
    for (const mode of ['in-thread', 'pool', 'node:zlib']) configs.push({ workload: 'G', mode, concurrency, count: bodies, extra: size, unit: 'MB/s' });
  }
  for (const size of quick ? [16384] : [4096, 16384, 65536, 262144]) {
    const bodies = quick ? 16 : Math.min(6000, Math.max(64, Math.round((24 * MIB) / size)));
    for (const mode of ['in-thread', 'pool', 'node:zlib']) configs.push({ workload: 'T', mode, concurrency: 8, count: bodies, extra: size, unit: 'MB/s' });
  }
  return configs;
}

function measure(config) {
  const argv = ['--expose-gc', MEASURE, config.workload === 'T' ? 'G' : config.workload, config.mode, String(config.concurrency), String(config.count), String(config.extra)];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`${label(config)} failed (${code ?? signal}): ${err.trim()}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1)));
    });
  });
}

function label(c) {
  const what = c.workload === 'H' ? `${c.concurrency} sessions` : c.workload === 'G' ? `${c.concurrency} at a time` : `${c.extra / 1024} KiB`;
  return `${c.workload} ${what} ${c.mode}`;
}

const fmt = (v, digits = 0) => (v === null || v === undefined ? '—' : v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));

function summary(values) {
  const ok = values.filter((v) => v !== null && Number.isFinite(v));
  if (ok.length === 0) return null;
  return { median: median(ok), min: Math.min(...ok), max: Math.max(...ok) };
}

export async function runPoolWorkload(args) {
  const quick = args.quick;
  const runs = args.runs ?? (quick ? 1 : 3);
  const configs = plan(quick);
  const results = new Map(configs.map((c) => [c, []]));
  const failures = [];
  const started = Date.now();
  for (let run = 0; run < runs; run++) {
    // Group by workload and concurrency; alternate the order of the modes.
    const groups = new Map();
    for (const c of configs) {
      const k = `${c.workload} ${c.concurrency} ${c.extra}`;
      groups.set(k, [...(groups.get(k) ?? []), c]);
    }
    for (const group of groups.values()) {
      const order = run % 2 === 0 ? group : [...group].reverse();
      for (const config of order) {
        try {
          const result = await measure(config);
          results.get(config).push(result);
          process.stderr.write(`[pool ${run + 1}/${runs}] ${label(config)}: ${fmt(rateOf(config, result))} ${config.unit}, p50 ${fmt(result.p50Ms, 2)} ms, main ${fmt(result.mainCpuUs)} µs\n`);
        } catch (error) {
          failures.push(error.message);
          process.stderr.write(`[pool ${run + 1}/${runs}] ${error.message}\n`);
        }
      }
    }
  }
  const rows = configs.map((c) => {
    const list = results.get(c);
    const bytes = c.workload === 'H' ? null : c.extra;
    return {
      workload: c.workload,
      mode: c.mode,
      concurrency: c.concurrency,
      size: bytes,
      unit: c.unit,
      rate: summary(list.map((r) => rateOf(c, r))),
      p50Ms: summary(list.map((r) => r.p50Ms)),
      p99Ms: summary(list.map((r) => r.p99Ms)),
      mainCpuUs: summary(list.map((r) => r.mainCpuUs)),
      processCpuUs: summary(list.map((r) => r.processCpuUs)),
      poolSize: list[0]?.poolSize ?? null,
      runs: list.length,
    };
  });
  const minutes = ((Date.now() - started) / 60000).toFixed(1);
  console.log(`\nzlib pool workloads — ${quick ? 'QUICK (smoke test only)' : 'full size'}, ${runs} run(s), ${minutes} min; pool size ${rows.find((r) => r.mode === 'pool')?.poolSize ?? '?'} (cores minus one)`);
  console.log('medians (min–max); CPU per request (H) or per body (G, T), main thread alone and the whole process (workers included)\n');
  console.log('| workload | load | mode | rate | p50 ms | p99 ms | main-thread CPU µs | process CPU µs |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const load = r.workload === 'H' ? `${r.concurrency} sessions` : `${r.concurrency} × ${r.size >= MIB ? `${r.size / MIB} MiB` : `${r.size / 1024} KiB`}`;
    const range = (s, d = 0) => (s === null ? '—' : `${fmt(s.median, d)} (${fmt(s.min, d)}–${fmt(s.max, d)})`);
    console.log(`| ${r.workload} | ${load} | ${r.mode} | ${range(r.rate)} ${r.unit} | ${range(r.p50Ms, 2)} | ${range(r.p99Ms, 2)} | ${range(r.mainCpuUs)} | ${range(r.processCpuUs)} |`);
  }
  if (args.json !== null && args.json !== undefined) writeFileSync(`${args.json.replace(/\.json$/, '')}.pool.json`, JSON.stringify(rows, null, 2) + '\n');
  if (failures.length > 0) {
    console.error(`\n${failures.length} pool measurement(s) failed`);
    process.exitCode = 1;
  }
  return rows;
}

function rateOf(config, result) {
  return config.workload === 'H' ? result.rate : (result.rate * config.extra) / 1e6;
}

// Run alone: node bench/pool/index.mjs [--quick] [--runs N] [--json FILE]
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  const at = (flag) => argv.indexOf(flag);
  await runPoolWorkload({
    quick: argv.includes('--quick'),
    runs: at('--runs') >= 0 ? Number(argv[at('--runs') + 1]) : null,
    json: at('--json') >= 0 ? argv[at('--json') + 1] : null,
  });
}
