/** spdykube's entry and its argument reader (the bin is src/bin/spdykube.ts). */
export { spdykube } from './spdykube.js';
export type { SpdykubeIo } from './spdykube.js';
export { parseSpdykubeArgs, spdykubeHelp } from './spdykube-args.js';
export type { SpdykubeArgs } from './spdykube-args.js';
