/** The package root: the protocol core, the Node adapters, the zlib worker pool, Kubernetes' streams and the reverse proxy. */
export * from './core/index.js';
export * from './io/index.js';
export * from './workers/index.js';
export * from './kube/index.js';
export * from './proxy/index.js';
