// spdyproxy as the P workload runs it, in a process of its own that can CPU
// profile part of its run: `node profiled-proxy.mjs SPDYPROXY_ARGS...`. The
// command's own code serves (dist/proxy/cli), so the profile is of what
// `spdyproxy` does. Driven by lines on stdin:
//
//   start        starts the profiler; answers "started"
//   stop FILE    stops it and writes the profile to FILE; answers "stopped"
//
// The proxy ends with its parent (stdin closes).
import { createInterface } from 'node:readline';
import { spdyproxy } from '../../dist/proxy/cli/spdyproxy.js';
import { startProfiler } from '../socket/profiler.mjs';

let stop = null;
createInterface({ input: process.stdin }).on('line', (line) => {
  const [command, file] = line.trim().split(/\s+/);
  if (command === 'start' && stop === null) {
    stop = startProfiler();
    process.stdout.write('started\n');
  } else if (command === 'stop' && stop !== null) {
    stop(file);
    stop = null;
    process.stdout.write('stopped\n');
  }
});
process.stdin.on('end', () => process.exit(0));
process.exitCode = await spdyproxy(process.argv.slice(2));
