// Every workload, in the order the table prints them. Each entry:
// { name, unit, kind: 'rate' (bigger is better) | 'memory' (smaller is
// better), ours(version, scale), peer(version, scale), floor(version, scale)
// or null, extras?: [{ key, label, unit, kind }] }. A variant returns
// { value, ...extras } (the peer's as a promise); `scale` is 1 in full mode.
import { workloads as w1 } from './w1-requests.mjs';
import { workloads as w2 } from './w2-bulk.mjs';
import { workloads as w3 } from './w3-headers.mjs';
import { workloads as w3r } from './w3r-replies.mjs';
import { workloads as m } from './m-memory.mjs';

export const WORKLOADS = [...w1, ...w2, ...w3, ...w3r, ...m];

/**
 * What each workload must reach (the targets): ratio is ours/peer
 * for rates and peer/ours for memory, floor is ours/floor, ours is an
 * absolute rate in the workload's unit.
 */
export const TARGETS = {
  W1: { ratio: 15, floor: 0.6 },
  'W2 64K': { ratio: 10, floor: null, ours: 3000 },
  'W2 1M': { ratio: 10, floor: null, ours: 3000 },
  W3: { ratio: 40, floor: 0.6 },
  W3r: { ratio: 5, floor: 0.7 },
  M: { ratio: 2, floor: null },
};
