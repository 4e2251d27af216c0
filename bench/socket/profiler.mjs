// A CPU profile of part of a process's run (the inspector's Profiler: the
// same data as node --cpu-prof, without start-up and warm-up in it). The
// in-thread inspector session answers synchronously, so the profile starts
// and stops exactly where it is called.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const SAMPLING_INTERVAL_US = 100;

/** Starts profiling; the returned function stops and writes the profile to `file`. */
export function startProfiler() {
  const session = new Session();
  session.connect();
  const post = (method, params) => {
    let answer;
    session.post(method, params, (error, result) => {
      if (error) throw error;
      answer = result;
    });
    return answer;
  };
  post('Profiler.enable');
  post('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
  post('Profiler.start');
  return (file) => {
    const { profile } = post('Profiler.stop');
    session.disconnect();
    writeFileSync(file, JSON.stringify(profile));
  };
}
