// Where a stack's time goes in a socket workload: `node
// bench/socket/profile.mjs <S1|S2> <tls|tcp> [ours|spdy|http2] [scale]
// [out dir] [--alloc]`. Runs one measurement (measure.mjs: warm-up, then the
// timed part) with both processes CPU-profiling the timed part only, keeps
// the two .cpuprofile files (for Chrome DevTools or speedscope) and prints,
// for the server and the client, the top self-time functions and the self
// time per script, as shares of the time the process was busy. With
// --alloc, both sample what they allocate instead (.heapprofile files) and
// it prints the bytes allocated per request (or per MB), by function and
// by script.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allocatedBytes, selfTimes, selfTimesByScript } from '../self-times.mjs';

const MEASURE = fileURLToPath(new URL('./measure.mjs', import.meta.url));
const TOP_FUNCTIONS = 25;
const TOP_SCRIPTS = 15;

/** Prints the top rows as shares of the busy time (all but "(idle)": waiting for the other process). */
function print(title, { total, rows }, top) {
  const idle = rows.find(([name]) => name === '(idle)')?.[1] ?? 0;
  const busy = total - idle;
  console.log(`\n${title}: ${(busy / 1000).toFixed(0)} ms busy, ${(idle / 1000).toFixed(0)} ms idle`);
  for (const [name, us] of rows.filter(([name]) => name !== '(idle)').slice(0, top)) {
    console.log(`${((100 * us) / busy).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${name}`);
  }
}

/** Prints the top rows as bytes per unit of work, and their share of all the process allocated. */
function printBytes(title, { total, rows }, top, units) {
  console.log(`\n${title}: ${Math.round(total / units).toLocaleString('en-US')} B per unit`);
  for (const [name, bytes] of rows.slice(0, top)) {
    console.log(`${((100 * bytes) / total).toFixed(1).padStart(5)}%  ${Math.round(bytes / units).toString().padStart(6)} B  ${name}`);
  }
}

function main() {
  const args = process.argv.slice(2).filter((a) => a !== '--alloc');
  const alloc = args.length !== process.argv.length - 2;
  const [workload, transport, stack = 'ours', scale = '1', out = join(process.cwd(), `bench-${workload}-${transport}-${stack}`)] = args;
  if (workload === undefined || transport === undefined) {
    throw new Error('usage: bench/socket/profile.mjs <S1|S2> <tls|tcp> [ours|spdy|http2] [scale] [out dir] [--alloc]');
  }
  mkdirSync(out, { recursive: true });
  const kind = alloc ? 'alloc' : 'cpu';
  const child = spawnSync(process.execPath, ['--expose-gc', MEASURE, workload, stack, transport, scale, '1000', out, kind], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (child.status !== 0) throw new Error(`measure.mjs failed (exit ${child.status ?? child.signal})`);
  const result = JSON.parse(child.stdout.trim().split('\n').pop());
  console.log(
    `${workload} ${transport} ${stack} (${result.protocol}), scale ${scale}: ${Math.round(result.value).toLocaleString('en-US')}/s, ` +
      `server ${result.serverCpu.toFixed(1)} µs (system ${result.serverSystemCpu.toFixed(1)}), ` +
      `client ${result.clientCpu.toFixed(1)} µs (system ${result.clientSystemCpu.toFixed(1)}) of CPU per unit; profiles in ${out}`,
  );
  if (alloc) console.log('(the allocation sampling costs CPU of its own: the CPU figures above are not a measurement)');
  for (const side of ['server', 'client']) {
    if (alloc) {
      const profile = JSON.parse(readFileSync(join(out, `${side}.heapprofile`), 'utf8'));
      // The work done: requests, or MB, as the rate counts them.
      const units = result.units;
      printBytes(`${side}: bytes allocated by function`, allocatedBytes(profile), TOP_FUNCTIONS, units);
      printBytes(`${side}: bytes allocated by script`, allocatedBytes(profile, true), TOP_SCRIPTS, units);
      continue;
    }
    const profile = JSON.parse(readFileSync(join(out, `${side}.cpuprofile`), 'utf8'));
    print(`${side}: self time by function`, selfTimes(profile), TOP_FUNCTIONS);
    print(`${side}: self time by script`, selfTimesByScript(profile), TOP_SCRIPTS);
  }
}

main();
