// The proxy workload of `npm run bench` (issue: a SPDY reverse proxy as
// shrpx): small GETs to a node:http backend, straight and through each
// proxy, in one run, every process on its own:
//
//   direct       HTTP/1.1 client -> backend
//   spdyproxy    SPDY/3.1 client (ours) -> spdyproxy (plain TCP) -> backend
//   http-proxy   HTTP/1.1 client -> http-proxy (npm) -> backend
//   nghttpx      h2load (HTTP/2, h2c) -> nghttpx -n1 -> backend, with
//                "direct (h2load)" as its baseline; skipped, with a note,
//                when nghttpx or h2load is not installed
//
// and the two halves of spdyproxy's floor, each without the other:
//
//   floor: undici    undici's dispatch() alone as the proxy's backend
//                    client (undici-floor.mjs), its own process's CPU
//   floor: SPDY      our SPDY server alone answering the same reply
//                    (spdy-server-floor.mjs), driven as spdyproxy is
//
// Each measurement: a warm-up load split over two connections (so the JIT
// has seen a connection open and close before the clock starts: the first
// new connection after a single one otherwise sends V8 re-optimising, a
// one-off a long-running proxy has long paid), then the measured load on a
// connection of its own; the proxy's CPU time (user + system, /proc) over
// the measured load alone, per request. Added latency is the proxy's
// p50/p99 minus the same run's baseline. The variants take turns going
// first, run by run; medians over the runs.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from '../stats.mjs';
import { percentile } from './percentile.mjs';
import { cpuSeconds, freePort, installed, runProcess, startServer, stopServer, waitForPort } from './processes.mjs';

const here = (file) => fileURLToPath(new URL(file, import.meta.url));
const SPDYPROXY = fileURLToPath(new URL('../../dist/bin/spdyproxy.js', import.meta.url));
const PORT_LINE = /^port (\d+)$/m;

const FULL = { requests: 30_000, warmUp: 5_000, concurrency: 32 };
const QUICK = { requests: 300, warmUp: 100, concurrency: 8 };
/** The warm-up is split over this many loads, each on a connection of its own. */
const WARM_UP_LOADS = 2;
const LOAD_TIMEOUT_MS = 5 * 60 * 1000;

/** One load of `requests` from our generator (`spdy` or `h1`) at `url`. */
async function jsLoad(mode, url, requests, concurrency) {
  const child = await runProcess(process.execPath, [here('./load.mjs'), mode, url, String(requests), String(concurrency)], LOAD_TIMEOUT_MS);
  if (child.status !== 0) throw new Error(`load ${mode} ${url} failed (${child.status ?? child.signal}): ${child.stderr}`);
  const result = JSON.parse(child.stdout.trim().split('\n').at(-1));
  if (result.errors > 0) throw new Error(`load ${mode} ${url}: ${result.errors} of ${requests} requests failed, the first with: ${result.firstError}`);
  return { reqPerS: requests / result.seconds, p50Ms: result.p50Ms, p99Ms: result.p99Ms };
}

/** One load from h2load: HTTP/2 on one connection with `concurrency` streams, or HTTP/1.1 (`h1`) on `concurrency` connections. */
async function h2load(url, requests, concurrency, h1) {
  const dir = mkdtempSync(join(tmpdir(), 'spdylay-h2load-'));
  try {
    const log = join(dir, 'requests.log');
    const shape = h1 ? ['--h1', '-c', String(concurrency)] : ['-c', '1', '-m', String(concurrency)];
    const child = await runProcess('h2load', ['-n', String(requests), ...shape, `--log-file=${log}`, url], LOAD_TIMEOUT_MS);
    const done = /requests: \d+ total, \d+ started, (\d+) done, (\d+) succeeded/.exec(child.stdout ?? '');
    if (child.status !== 0 || done === null || Number(done[2]) !== requests) {
      throw new Error(`h2load ${url} failed (${child.status ?? child.signal}): ${child.stdout}${child.stderr}`);
    }
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    const starts = [];
    const latencies = new Float64Array(lines.length);
    lines.forEach((line, i) => {
      const [start, , elapsed] = line.split('\t');
      starts.push(Number(start));
      latencies[i] = Number(elapsed) / 1000;
    });
    const finished = /finished in ([\d.]+)(m?s),/.exec(child.stdout);
    const seconds = Number(finished[1]) / (finished[2] === 'ms' ? 1000 : 1);
    return { reqPerS: requests / seconds, p50Ms: percentile(latencies, 0.5), p99Ms: percentile(latencies, 0.99) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `load` to warm up (WARM_UP_LOADS times), then measured, and the proxy process's CPU over the measured one. */
async function measured(load, size, proxyPid) {
  for (let i = 0; i < WARM_UP_LOADS; i++) await load(Math.ceil(size.warmUp / WARM_UP_LOADS));
  const before = proxyPid === null ? null : cpuSeconds(proxyPid);
  const result = await load(size.requests);
  const after = proxyPid === null ? null : cpuSeconds(proxyPid);
  const cpuUsPerReq = before === null || after === null ? null : ((after - before) * 1e6) / size.requests;
  return { ...result, cpuUsPerReq };
}

/** undici alone as spdyproxy's backend client: its own process's CPU per request (no latency: it is not a proxy). */
async function undiciFloor(backendUrl, size) {
  const args = [here('./undici-floor.mjs'), backendUrl, String(size.warmUp), String(size.requests), String(size.concurrency)];
  const child = await runProcess(process.execPath, args, LOAD_TIMEOUT_MS);
  if (child.status !== 0) throw new Error(`undici-floor failed (${child.status ?? child.signal}): ${child.stderr}`);
  const result = JSON.parse(child.stdout.trim().split('\n').at(-1));
  if (result.errors > 0) throw new Error(`undici-floor: ${result.errors} requests failed, the first with: ${result.firstError}`);
  return { reqPerS: size.requests / result.seconds, p50Ms: null, p99Ms: null, cpuUsPerReq: result.cpuUsPerReq };
}

/** The variants: each starts its proxy (if any), measures, and stops it. */
function variants(backendPort, withNghttpx) {
  const backendUrl = `http://127.0.0.1:${backendPort}`;
  const list = [
    { name: 'direct', path: 'HTTP/1.1 → backend', baseline: null, run: async (size) => measured((n) => jsLoad('h1', backendUrl, n, size.concurrency), size, null) },
    {
      name: 'spdyproxy',
      path: 'SPDY/3.1 → spdyproxy → HTTP/1.1',
      baseline: 'direct',
      run: async (size) => {
        const proxy = await startServer(
          process.execPath,
          [SPDYPROXY, '-b', `127.0.0.1,${backendPort}`, '-f', '127.0.0.1,0', '--frontend-spdy-no-tls', '--frontend-spdy-proto', 'spdy/3.1'],
          /^listening on 127\.0\.0\.1:(\d+)$/m,
        );
        try {
          return await measured((n) => jsLoad('spdy', `http://127.0.0.1:${proxy.port}`, n, size.concurrency), size, proxy.child.pid);
        } finally {
          await stopServer(proxy);
        }
      },
    },
    {
      name: 'http-proxy',
      path: 'HTTP/1.1 → http-proxy → HTTP/1.1',
      baseline: 'direct',
      run: async (size) => {
        const proxy = await startServer(process.execPath, [here('./http-proxy-server.mjs'), String(backendPort)], PORT_LINE);
        try {
          return await measured((n) => jsLoad('h1', `http://127.0.0.1:${proxy.port}`, n, size.concurrency), size, proxy.child.pid);
        } finally {
          await stopServer(proxy);
        }
      },
    },
    {
      name: 'floor: undici',
      path: "undici's dispatch() alone → backend (as spdyproxy's backend client)",
      baseline: null,
      run: async (size) => undiciFloor(backendUrl, size),
    },
    {
      name: 'floor: SPDY',
      path: 'SPDY/3.1 → our SPDY server alone (same reply, no backend)',
      baseline: null,
      run: async (size) => {
        const server = await startServer(process.execPath, [here('./spdy-server-floor.mjs')], PORT_LINE);
        try {
          return await measured((n) => jsLoad('spdy', `http://127.0.0.1:${server.port}`, n, size.concurrency), size, server.child.pid);
        } finally {
          await stopServer(server);
        }
      },
    },
  ];
  if (withNghttpx) {
    list.push(
      { name: 'direct (h2load)', path: 'HTTP/1.1 (h2load --h1) → backend', baseline: null, run: async (size) => measured((n) => h2load(backendUrl, n, size.concurrency, true), size, null) },
      {
        name: 'nghttpx',
        path: 'HTTP/2 (h2load) → nghttpx -n1 → HTTP/1.1',
        baseline: 'direct (h2load)',
        run: async (size) => {
          const port = await freePort();
          const args = ['--conf=/dev/null', '-n1', `--frontend=127.0.0.1,${port};no-tls`, `--backend=127.0.0.1,${backendPort}`, '--errorlog-file=/dev/null'];
          const child = spawnNghttpx(args);
          try {
            await waitForPort(port);
            return await measured((n) => h2load(`http://127.0.0.1:${port}/`, n, size.concurrency, false), size, child.pid);
          } finally {
            await stopServer({ child });
          }
        },
      },
    );
  }
  return list;
}

/** nghttpx prints no port line: it gets a free port, and the caller waits for it to accept. */
function spawnNghttpx(args) {
  const child = spawn('nghttpx', args, { stdio: 'ignore' });
  child.once('exit', () => {});
  return child;
}

/**
 * Runs the proxy workload: `runs` runs (alternating order), each variant
 * measured once per run. Returns { rows, table, notes }.
 */
export async function runProxyBench({ quick, runs, log = (line) => process.stderr.write(`${line}\n`) }) {
  const size = quick ? QUICK : FULL;
  const notes = [];
  const withNghttpx = installed('nghttpx') && installed('h2load');
  if (!withNghttpx) notes.push('nghttpx skipped: nghttpx and h2load are not installed (Debian packages nghttp2-proxy, nghttp2-client).');
  const backend = await startServer(process.execPath, [here('./backend.mjs')], PORT_LINE);
  const samples = new Map();
  try {
    const list = variants(backend.port, withNghttpx);
    for (let run = 0; run < runs; run++) {
      // Rotate who goes first, so nobody always runs on a machine the others just warmed.
      const order = list.map((_, i) => list[(i + run) % list.length]);
      const perRun = new Map();
      for (const variant of order) {
        const t = Date.now();
        const result = await variant.run(size);
        perRun.set(variant.name, result);
        const cpu = result.cpuUsPerReq === null ? '' : `, ${result.cpuUsPerReq.toFixed(1)} µs CPU/req`;
        const p50 = result.p50Ms === null ? '' : `, p50 ${result.p50Ms.toFixed(2)} ms`;
        log(`[proxy run ${run + 1}/${runs}] ${variant.name}: ${Math.round(result.reqPerS).toLocaleString('en-US')} req/s${p50}${cpu} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
      }
      for (const variant of list) {
        const result = perRun.get(variant.name);
        const base = variant.baseline === null ? null : perRun.get(variant.baseline);
        const entry = samples.get(variant.name) ?? { variant, runs: [] };
        entry.runs.push({
          ...result,
          addedP50Ms: base === undefined || base === null ? null : result.p50Ms - base.p50Ms,
          addedP99Ms: base === undefined || base === null ? null : result.p99Ms - base.p99Ms,
        });
        samples.set(variant.name, entry);
      }
    }
  } finally {
    await stopServer(backend);
  }
  const rows = [...samples.values()].map(({ variant, runs: r }) => {
    const med = (field) => (r.every((x) => typeof x[field] === 'number') ? median(r.map((x) => x[field])) : null);
    return {
      workload: 'P',
      variant: variant.name,
      path: variant.path,
      reqPerS: med('reqPerS'),
      p50Ms: med('p50Ms'),
      p99Ms: med('p99Ms'),
      addedP50Ms: med('addedP50Ms'),
      addedP99Ms: med('addedP99Ms'),
      cpuUsPerReq: med('cpuUsPerReq'),
      runs: r.length,
    };
  });
  const ours = rows.find((row) => row.variant === 'spdyproxy')?.cpuUsPerReq;
  const perRun = (name) => samples.get(name)?.runs.map((r) => (typeof r.cpuUsPerReq === 'number' ? r.cpuUsPerReq.toFixed(1) : '—')).join(', ');
  notes.push(`CPU µs/req per run: ${[...samples.keys()].filter((name) => !name.startsWith('direct')).map((name) => `${name} ${perRun(name)}`).join('; ')}`);
  const undici = rows.find((row) => row.variant === 'floor: undici')?.cpuUsPerReq;
  const spdy = rows.find((row) => row.variant === 'floor: SPDY')?.cpuUsPerReq;
  if (typeof undici === 'number' && typeof spdy === 'number') {
    notes.push(`spdyproxy's floor (undici alone + our SPDY server alone): ${(undici + spdy).toFixed(1)} µs/req` + (typeof ours === 'number' ? `; spdyproxy / floor: ${(ours / (undici + spdy)).toFixed(2)}` : ''));
  }
  for (const other of ['nghttpx', 'http-proxy']) {
    const theirs = rows.find((row) => row.variant === other)?.cpuUsPerReq;
    if (typeof ours === 'number' && typeof theirs === 'number' && theirs > 0) {
      notes.push(`spdyproxy CPU per request / ${other}'s: ${(ours / theirs).toFixed(2)}`);
    }
  }
  return { rows, table: formatProxyTable(rows, size), notes };
}

const fixed = (v, digits) => (typeof v === 'number' ? v.toFixed(digits) : '—');

/** The proxy workload's Markdown table. */
export function formatProxyTable(rows, size) {
  const lines = [
    `P: ${size.requests.toLocaleString('en-US')} small GETs, ${size.concurrency} in flight, after ${size.warmUp.toLocaleString('en-US')} to warm up (on ${WARM_UP_LOADS} connections); medians of the runs.`,
    '',
    '| P | path | req/s | p50 ms | p99 ms | added p50 ms | added p99 ms | proxy CPU µs/req |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const row of rows) {
    lines.push(
      `| ${row.variant} | ${row.path} | ${fixed(row.reqPerS, 0)} | ${fixed(row.p50Ms, 2)} | ${fixed(row.p99Ms, 2)} | ${fixed(row.addedP50Ms, 2)} | ${fixed(row.addedP99Ms, 2)} | ${fixed(row.cpuUsPerReq, 1)} |`,
    );
  }
  return lines.join('\n');
}

/**
 * run.mjs's entry: runs P with the run's --quick and --runs, prints its
 * table and notes, and with --json FILE writes P's rows to FILE with
 * `.proxy` before its extension. A failure is reported and fails the run.
 */
export async function runProxyWorkload(args) {
  const runs = args.runs ?? (args.quick ? 1 : 3);
  try {
    const { rows, table, notes } = await runProxyBench({ quick: args.quick, runs });
    console.log(`\nproxy workload — ${args.quick ? 'QUICK (smoke test only)' : 'full size'}, ${runs} run(s)`);
    console.log(table);
    for (const note of notes) console.log(`\n${note}`);
    if (args.json !== null) writeFileSync(proxyJsonPath(args.json), JSON.stringify(rows, null, 2) + '\n');
  } catch (error) {
    console.error(`\nproxy workload failed: ${error.stack ?? error}`);
    process.exitCode = 1;
  }
}

/** bench.json -> bench.proxy.json */
export function proxyJsonPath(file) {
  return /\.json$/.test(file) ? file.replace(/\.json$/, '.proxy.json') : `${file}.proxy.json`;
}
