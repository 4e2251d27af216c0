// Where spdyproxy's time goes under the P load: `node bench/proxy/profile.mjs
// [--perf] [requests] [out]`. Starts the P backend and spdyproxy (as P
// does, in processes of their own), warms up with 5,000 GETs on two
// connections (as P does), then profiles the proxy over `requests` more
// (default 30,000) at 32 in flight and prints the proxy's CPU per request
// (user and system, from /proc, over the profiled load) and where it went:
//
// - by default, V8's CPU profile (out: a .cpuprofile for Chrome DevTools or
//   speedscope): top self-time functions and self time per script. V8
//   samples wall time on the main thread: a socket write that is preempted
//   is charged for the wait, and the kernel's and the compiler threads'
//   work is not seen.
// - with --perf, Linux perf (out: perf.data): CPU time only, every thread,
//   the kernel included, in the buckets of perf-summary.mjs; `perf script`'s
//   text of it (JIT frames named) in out.txt. Needs `perf` and the
//   permission to record another process.
//
// Either profiler costs some CPU of its own: the per-request figure here
// runs above P's.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selfTimes, selfTimesByScript } from '../self-times.mjs';
import { perfBuckets } from './perf-summary.mjs';
import { cpuSplit, runProcess, startServer, stopServer } from './processes.mjs';

const here = (file) => fileURLToPath(new URL(file, import.meta.url));
const SPDYPROXY = fileURLToPath(new URL('../../dist/bin/spdyproxy.js', import.meta.url));
const CONCURRENCY = 32;
const WARM_UP = 5_000;
const TOP_FUNCTIONS = 40;
const TOP_SCRIPTS = 20;

/** Resolves with the next line of `child`'s stdout that equals `expected`. */
function nextLine(child, expected) {
  return new Promise((resolve) => {
    let seen = '';
    const onData = (chunk) => {
      seen += chunk;
      if (seen.split('\n').includes(expected)) {
        child.stdout.off('data', onData);
        resolve();
      }
    };
    child.stdout.on('data', onData);
  });
}

async function load(url, requests) {
  const child = await runProcess(process.execPath, [here('./load.mjs'), 'spdy', url, String(requests), String(CONCURRENCY)], 5 * 60 * 1000);
  if (child.status !== 0) throw new Error(`load failed (${child.status ?? child.signal}): ${child.stderr}`);
  const result = JSON.parse(child.stdout.trim().split('\n').at(-1));
  if (result.errors > 0) throw new Error(`${result.errors} requests failed: ${result.firstError}`);
  return result;
}

function print(title, { total, rows }, top, requests) {
  const idle = rows.find(([name]) => name === '(idle)')?.[1] ?? 0;
  const busy = total - idle;
  console.log(`\n${title}: ${(busy / requests).toFixed(1)} µs busy per request (${(idle / requests).toFixed(1)} idle)`);
  for (const [name, us] of rows.filter(([name]) => name !== '(idle)').slice(0, top)) {
    console.log(`${((100 * us) / busy).toFixed(1).padStart(5)}%  ${(us / requests).toFixed(2).padStart(6)} µs  ${name}`);
  }
}

/** perf record of `pid` until the returned function is called (it resolves once perf has written `out`). */
function perfRecord(pid, out) {
  const perf = spawn('perf', ['record', '-F', '1999', '-g', '-p', String(pid), '-o', out], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  perf.stderr.on('data', (chunk) => (err = (err + chunk).slice(-2000)));
  const exited = new Promise((resolve) => perf.once('exit', (code, signal) => resolve(code ?? signal)));
  return async () => {
    perf.kill('SIGINT');
    const status = await exited;
    if (status !== 0 && status !== 'SIGINT') throw new Error(`perf record failed (${status}): ${err}`);
  };
}

function printPerf(out, requests, cpuUsPerReq) {
  const script = spawnSync('perf', ['script', '-i', out], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (script.status !== 0) throw new Error(`perf script failed: ${script.stderr}`);
  // The samples with their JIT frames named: the symbol map perf needs for that goes with the proxy.
  writeFileSync(`${out}.txt`, script.stdout);
  const { samples, rows } = perfBuckets(script.stdout);
  console.log(`\nCPU by bucket (${samples} samples; µs per request as shares of the measured ${cpuUsPerReq.toFixed(1)})`);
  for (const [bucket, count] of rows) {
    console.log(`${((100 * count) / samples).toFixed(1).padStart(5)}%  ${((cpuUsPerReq * count) / samples).toFixed(1).padStart(6)} µs  ${bucket}`);
  }
}

async function main() {
  const args = process.argv.slice(2);
  const withPerf = args[0] === '--perf';
  if (withPerf) args.shift();
  const requests = Number(args[0] ?? 30_000);
  const out = args[1] ?? join(process.cwd(), withPerf ? 'spdyproxy-P.perf.data' : 'spdyproxy-P.cpuprofile');
  const backend = await startServer(process.execPath, [here('./backend.mjs')], /^port (\d+)$/m);
  let proxy = null;
  try {
    const proxyArgs = ['-b', `127.0.0.1,${backend.port}`, '-f', '127.0.0.1,0', '--frontend-spdy-no-tls', '--frontend-spdy-proto', 'spdy/3.1'];
    proxy = await startServer(
      process.execPath,
      // --logfile: the perf map is all we want of V8's logging, not an isolate log in the current directory.
      withPerf ? ['--perf-basic-prof', '--logfile=/dev/null', SPDYPROXY, ...proxyArgs] : [here('./profiled-proxy.mjs'), ...proxyArgs],
      /^listening on 127\.0\.0\.1:(\d+)$/m,
    );
    const url = `http://127.0.0.1:${proxy.port}`;
    for (let i = 0; i < 2; i++) await load(url, WARM_UP / 2);
    let stopProfile;
    if (withPerf) {
      stopProfile = perfRecord(proxy.child.pid, out);
      // perf attaches asynchronously: give it a moment before the clock starts.
      await new Promise((resolve) => setTimeout(resolve, 300));
    } else {
      const started = nextLine(proxy.child, 'started');
      proxy.child.stdin.write('start\n');
      await started;
      stopProfile = async () => {
        const stopped = nextLine(proxy.child, 'stopped');
        proxy.child.stdin.write(`stop ${out}\n`);
        await stopped;
      };
    }
    const before = cpuSplit(proxy.child.pid);
    const result = await load(url, requests);
    const after = cpuSplit(proxy.child.pid);
    await stopProfile();
    const user = ((after.user - before.user) * 1e6) / requests;
    const system = ((after.system - before.system) * 1e6) / requests;
    console.log(
      `spdyproxy under P, profiled (${withPerf ? 'perf' : 'V8'}): ${requests} GETs at ${CONCURRENCY} in flight, ${Math.round(requests / result.seconds)} req/s, ` +
        `${(user + system).toFixed(1)} µs of CPU per request (user ${user.toFixed(1)}, system ${system.toFixed(1)}; with the profiler's own cost); profile in ${out}`,
    );
    if (withPerf) {
      printPerf(out, requests, user + system);
    } else {
      const profile = JSON.parse(readFileSync(out, 'utf8'));
      print('self time by function', selfTimes(profile), TOP_FUNCTIONS, requests);
      print('self time by script', selfTimesByScript(profile), TOP_SCRIPTS, requests);
    }
  } finally {
    await stopServer(proxy);
    await stopServer(backend);
    // --perf-basic-prof's symbol map of the proxy, needed by perf script only.
    if (withPerf && proxy !== null) rmSync(join(tmpdir(), `perf-${proxy.child.pid}.map`), { force: true });
  }
}

await main();
