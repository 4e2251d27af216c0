// One measurement in a fresh process: `node --expose-gc bench/measure.mjs
// <workload> <ours|peer|floor> <version> <scale> <warm-up ms>`. Warms up
// (warmup.mjs; not for a workload marked warmUp: false), runs the workload
// at `scale`, and prints the result as one JSON line. run.mjs starts one of these per measurement so that no run
// inherits another's heap, and so that M starts from a clean one.
import { warmUp } from './warmup.mjs';
import { WORKLOADS } from './workloads/index.mjs';

async function main() {
  const [name, impl, versionArg, scaleArg, warmArg = '1000'] = process.argv.slice(2);
  const workload = WORKLOADS.find((w) => w.name === name);
  if (workload === undefined) throw new Error(`unknown workload ${name}`);
  const variant = workload[impl];
  if (typeof variant !== 'function') throw new Error(`workload ${name} has no ${impl} variant`);
  const version = Number(versionArg);
  const scale = Number(scaleArg);
  if (!(scale > 0)) throw new Error(`bad scale ${scaleArg}`);
  if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');
  if (workload.warmUp !== false) await warmUp(() => variant(version, scale / 20), Number(warmArg));
  const result = await variant(version, scale);
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().then(
  // The peer's connections stay open; nothing else is left to wait for.
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
  },
);
