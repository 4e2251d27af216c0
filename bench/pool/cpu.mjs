// CPU time of the main thread alone (Linux: /proc/self/task/<pid>/schedstat,
// whose first field is the thread's time on a CPU in nanoseconds), and of
// the whole process (process.cpuUsage: every thread, workers included).
import { readFileSync } from 'node:fs';

export function mainThreadCpuMs() {
  try {
    const schedstat = readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8');
    return Number(schedstat.split(' ')[0]) / 1e6;
  } catch {
    return null;
  }
}

export function processCpuMs() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
