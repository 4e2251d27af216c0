// `npm run bench`: ours against spdy-transport and the zlib floor in
// memory, then over real sockets on 127.0.0.1 ours against the `spdy`
// server with a spdy-transport client and against node:http2, all in one
// run, alternated run by run; then the proxy workload P (bench/proxy/) and the zlib pool workloads Z
// (bench/pool/: H, G, T). Every measurement runs in its own child
// process (bench/measure.mjs, with --expose-gc), so no run inherits another's
// heap; a socket measurement (bench/socket/measure.mjs) forks its server
// into a process of its own. Prints two Markdown tables of medians with
// min–max: in memory, and over sockets.
//
//   node bench/run.mjs [--quick] [--runs N] [--only W1,W3r,S1,P,Z] [--json FILE]
//
// Full mode: every workload at its full size, 3 runs (the minimum
// for a median): about 15 minutes on a 2-core machine in memory, nearly all
// of it the peer (W3r alone is ~30 s per run and version, M ~30 s), and
// about 3 minutes per run over sockets (again mostly the peer). --quick: a
// twentieth of every size (a 64th of the download), a token warm-up and 1
// run: a smoke test of the harness (about a minute), not a measurement.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { PROTO_SPDY3, PROTO_SPDY3_1 } from '../dist/index.js';
import { OBUF_PATCH_NOTE } from './peer/obuf-patch.mjs';
import { buildRows, formatTable, key, toJson } from './report.mjs';
import { buildSocketRows, formatSocketTable, socketJson, socketKey, TRANSPORTS } from './socket/report.mjs';
import { STACK_LABELS, STACK_NAMES } from './socket/stacks/index.mjs';
import { SOCKET_WORKLOADS } from './socket/workloads.mjs';
import { TARGETS, WORKLOADS } from './workloads/index.mjs';
import { runProxyWorkload } from './proxy/index.mjs';
import { runPoolWorkload } from './pool/index.mjs';

const FULL_RUNS = 3;
const QUICK_RUNS = 1;
const QUICK_SCALE = 1 / 20;
/** Warm-up per measurement (bench/warmup.mjs): long enough for the JIT in full mode, a token in quick mode. */
const FULL_WARMUP_MS = 1000;
const QUICK_WARMUP_MS = 150;
const VERSIONS = [
  { id: PROTO_SPDY3, label: 'spdy/3' },
  { id: PROTO_SPDY3_1, label: 'spdy/3.1' },
];
const MEASURE = fileURLToPath(new URL('./measure.mjs', import.meta.url));
const MEASURE_SOCKET = fileURLToPath(new URL('./socket/measure.mjs', import.meta.url));
/** A measurement that takes longer than this has hung. */
const CHILD_TIMEOUT_MS = 10 * 60 * 1000;

function parseArgs(argv) {
  const args = { quick: false, runs: null, only: null, json: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--quick') args.quick = true;
    else if (a === '--runs') args.runs = Number(value());
    else if (a === '--only') args.only = value().split(',');
    else if (a === '--json') args.json = value();
    else throw new Error(`unknown argument ${a} (use --quick, --runs N, --only W1,W2 64K,S1,P, --json FILE)`);
  }
  if (args.runs !== null && !(Number.isInteger(args.runs) && args.runs >= 1)) throw new Error('--runs needs a positive integer');
  return args;
}

function machine() {
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpu = m[1].trim();
  } catch {
    // Not Linux: os.cpus() has the model.
  }
  return { node: process.version, cpu, cores: os.cpus().length, platform: `${os.platform()} ${os.arch()}` };
}

/** Runs `node --expose-gc <argv>` in a child process; returns the result object it printed last, or throws. */
function runChild(argv, what) {
  const child = spawnSync(process.execPath, ['--expose-gc', ...argv], {
    encoding: 'utf8',
    timeout: CHILD_TIMEOUT_MS,
    maxBuffer: 1024 * 1024,
  });
  if (child.status !== 0) {
    const why = child.error ? child.error.message : `exit ${child.status ?? child.signal}`;
    throw new Error(`${what} failed (${why}):\n${child.stderr}`);
  }
  const lines = child.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

/** One in-memory measurement. */
function measure(workload, impl, version, scale, warmUpMs) {
  const argv = [MEASURE, workload.name, impl, String(version.id), String(scale), String(warmUpMs)];
  return runChild(argv, `${workload.name} ${version.label} ${impl}`);
}

/** One socket measurement: this stack's server and client, each in a process of its own. */
function measureSocket(workload, stack, transport, scale, warmUpMs) {
  const argv = [MEASURE_SOCKET, workload.name, stack, transport.id, String(scale), String(warmUpMs)];
  return runChild(argv, `${workload.name} ${transport.label} ${STACK_LABELS[stack]}`);
}

/**
 * Every socket workload over each transport, the three stacks back to back
 * in each run (reversed every other run, as in memory). Returns socketKey
 * -> { stack: [result per run] }; failures are logged and added to `failures`.
 */
function measureSockets(workloads, runs, quick, warmUpMs, failures) {
  const results = new Map();
  for (let run = 0; run < runs; run++) {
    for (const workload of workloads) {
      for (const transport of TRANSPORTS) {
        const order = run % 2 === 0 ? STACK_NAMES : [...STACK_NAMES].reverse();
        const slot = results.get(socketKey(workload.name, transport.id)) ?? Object.fromEntries(STACK_NAMES.map((s) => [s, []]));
        results.set(socketKey(workload.name, transport.id), slot);
        for (const stack of order) {
          const t = Date.now();
          try {
            const result = measureSocket(workload, stack, transport, quick ? workload.quickScale : 1, warmUpMs);
            slot[stack].push(result);
            process.stderr.write(
              `[run ${run + 1}/${runs}] ${workload.name} ${transport.label} ${STACK_LABELS[stack]}: ${Math.round(result.value).toLocaleString('en-US')} ${workload.unit}, ` +
                `server ${result.serverCpu.toFixed(1)} ${workload.costUnit} (${((Date.now() - t) / 1000).toFixed(1)} s)\n`,
            );
          } catch (error) {
            failures.push(error.message);
            process.stderr.write(`[run ${run + 1}/${runs}] ${error.message}\n`);
          }
        }
      }
    }
  }
  return results;
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const scale = args.quick ? QUICK_SCALE : 1;
  const runs = args.runs ?? (args.quick ? QUICK_RUNS : FULL_RUNS);
  const selected = (list) => (args.only === null ? list : list.filter((w) => args.only.includes(w.name)));
  const workloads = selected(WORKLOADS);
  const socketWorkloads = selected(SOCKET_WORKLOADS);
  if (workloads.length === 0 && socketWorkloads.length === 0) {
    if (args.only.includes('P') || args.only.includes('Z')) return args;
    throw new Error(`--only matched no workload (have: ${[...WORKLOADS, ...SOCKET_WORKLOADS].map((w) => w.name).join(', ')}, P, Z)`);
  }
  const warmUpMs = args.quick ? QUICK_WARMUP_MS : FULL_WARMUP_MS;
  const plan = { workloads, versions: VERSIONS };
  const host = machine();
  const load = os.loadavg();
  const started = new Date();

  const results = new Map();
  const failures = [];
  for (let run = 0; run < runs; run++) {
    for (const workload of workloads) {
      for (const version of VERSIONS) {
        // Alternate who goes first, so neither side always runs on a machine
        // the other has just warmed (or heated).
        const order = run % 2 === 0 ? ['ours', 'peer'] : ['peer', 'ours'];
        if (workload.floor) order.splice(1, 0, 'floor');
        const slot = results.get(key(workload.name, version.id)) ?? { ours: [], peer: [], floor: [] };
        results.set(key(workload.name, version.id), slot);
        for (const impl of order) {
          const t = Date.now();
          try {
            const result = measure(workload, impl, version, scale, warmUpMs);
            slot[impl].push(result);
            process.stderr.write(
              `[run ${run + 1}/${runs}] ${workload.name} ${version.label} ${impl}: ${Math.round(result.value).toLocaleString('en-US')} ${workload.unit} (${((Date.now() - t) / 1000).toFixed(1)} s)\n`,
            );
          } catch (error) {
            failures.push(error.message);
            process.stderr.write(`[run ${run + 1}/${runs}] ${error.message}\n`);
          }
        }
      }
    }
  }

  const socketResults = measureSockets(socketWorkloads, runs, args.quick, warmUpMs, failures);

  const rows = buildRows(plan, results, TARGETS);
  const socketRows = buildSocketRows(socketWorkloads, socketResults);
  const minutes = ((Date.now() - started.getTime()) / 60000).toFixed(1);
  console.log(`spdylay benchmarks — ${args.quick ? 'QUICK (1/20 size, smoke test only)' : 'full size'}, ${runs} run(s), ${started.toISOString()}, ${minutes} min`);
  console.log(`machine: ${host.cpu}, ${host.cores} cores, ${host.platform}, node ${host.node}`);
  console.log(`load average before the run: ${load.map((l) => l.toFixed(2)).join(', ')}; after: ${os.loadavg().map((l) => l.toFixed(2)).join(', ')}`);
  console.log(`${OBUF_PATCH_NOTE}.`);
  if (workloads.length > 0) {
    console.log('\nIn memory (no socket): ours and the peer (spdy-transport) on stream.duplexPair().');
    console.log('medians (min–max) of the runs; ratio = ours/peer (memory: peer/ours), the median of per-run ratios, bigger is better;');
    console.log('floor = the zlib work alone for the same header blocks (pako, our settings); ours/floor paired per run likewise.\n');
    console.log(formatTable(rows));
  }
  if (socketWorkloads.length > 0) {
    console.log('\nOver sockets on 127.0.0.1, server and client in separate processes: ours (spdy/3.1), the spdy server with a');
    console.log('spdy-transport client (spdy/3.1), node:http2 (h2 over TLS, h2c over TCP). Rates, and each process\'s CPU time');
    console.log('(user + system) per request or per MB over the timed part; vs = ours/theirs for rates, theirs/ours for CPU,');
    console.log('medians of per-run ratios, bigger is better.\n');
    console.log(formatSocketTable(socketRows));
  }
  if (args.json !== null) writeFileSync(args.json, JSON.stringify([...toJson(rows), ...socketJson(socketRows)], null, 2) + '\n');
  if (failures.length > 0) {
    console.error(`\n${failures.length} measurement(s) failed`);
    process.exitCode = 1;
  }
  return args;
}

const args = main();
if (args.only === null || args.only.includes('P')) await runProxyWorkload(args);
if (args.only === null || args.only.includes('Z')) await runPoolWorkload(args);
