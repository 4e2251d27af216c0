// Profiles our side of one workload: `node --expose-gc bench/profile.mjs
// <workload> [spdy/3|spdy/3.1] [scale] [out.cpuprofile]`. Warms up as
// measure.mjs does, then records a CPU profile of the timed part of one run
// only, between the workload's startClock() and elapsedSince() (the
// inspector's Profiler: the same data as node --cpu-prof, without the
// setup), writes it for Chrome DevTools or speedscope, and prints the top
// self-time functions.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { PROTO_SPDY3, PROTO_SPDY3_1 } from '../dist/index.js';
import { selfTimes } from './self-times.mjs';
import { warmUp } from './warmup.mjs';
import { setClockHooks } from './workloads/common.mjs';
import { WORKLOADS } from './workloads/index.mjs';

const TOP = 25;

async function main() {
  const [name, versionLabel = 'spdy/3.1', scaleArg = '1', out = `${process.cwd()}/bench-${(name ?? 'x').replace(/\s+/g, '-')}.cpuprofile`] =
    process.argv.slice(2);
  const workload = WORKLOADS.find((w) => w.name === name);
  if (workload === undefined) throw new Error(`usage: bench/profile.mjs <${WORKLOADS.map((w) => w.name).join('|')}> [spdy/3|spdy/3.1] [scale] [out]`);
  const version = versionLabel === 'spdy/3' ? PROTO_SPDY3 : PROTO_SPDY3_1;
  const scale = Number(scaleArg);
  await warmUp(() => workload.ours(version, scale / 20), 1000);
  const inspector = new Session();
  inspector.connect();
  // The in-thread session answers synchronously, so the profile starts and
  // stops exactly at the workload's clock.
  const post = (method, params) => {
    let answer;
    inspector.post(method, params, (error, result) => {
      if (error) throw error;
      answer = result;
    });
    return answer;
  };
  post('Profiler.enable');
  post('Profiler.setSamplingInterval', { interval: 100 });
  let profile = null;
  const start = () => post('Profiler.start');
  const stop = () => {
    profile = post('Profiler.stop').profile;
  };
  let result;
  if (workload.kind === 'memory') {
    // M has no clock: the whole run (session set-up and exchanges) is the work.
    start();
    result = await workload.ours(version, scale);
    stop();
  } else {
    setClockHooks({ start, stop });
    result = await workload.ours(version, scale);
    setClockHooks(null);
  }
  inspector.disconnect();
  if (profile === null) throw new Error('the workload never stopped its clock');
  writeFileSync(out, JSON.stringify(profile));
  const { total, rows } = selfTimes(profile);
  console.log(`${name} ${versionLabel} ours, scale ${scale}: ${Math.round(result.value).toLocaleString('en-US')} ${workload.unit}; profile: ${out}`);
  for (const [fn, us] of rows.slice(0, TOP)) {
    console.log(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${fn}`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
