// A CPU profile of part of a process's run (the inspector's Profiler: the
// same data as node --cpu-prof, without start-up and warm-up in it), or an
// allocation profile of it (the inspector's sampling heap profiler, counting
// the objects collected meanwhile too, so it weighs everything allocated).
// The in-thread inspector session answers synchronously, so the profile
// starts and stops exactly where it is called.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const SAMPLING_INTERVAL_US = 100;
/** Mean bytes between allocation samples: small enough for a few thousand requests to weigh well. */
const ALLOCATION_SAMPLING_BYTES = 256;

/**
 * Starts profiling (`kind` 'cpu' or 'alloc'); the returned function stops
 * and writes the profile to `file`.
 */
export function startProfiler(kind = 'cpu') {
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
  if (kind === 'alloc') {
    post('HeapProfiler.enable');
    post('HeapProfiler.startSampling', {
      samplingInterval: ALLOCATION_SAMPLING_BYTES,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
  } else {
    post('Profiler.enable');
    post('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
    post('Profiler.start');
  }
  return (file) => {
    const { profile } = post(kind === 'alloc' ? 'HeapProfiler.stopSampling' : 'Profiler.stop');
    session.disconnect();
    writeFileSync(file, JSON.stringify(profile));
  };
}
