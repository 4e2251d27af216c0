/** The package root: the protocol core and the Node adapters. */
export * from './core/index.js';
export * from './io/index.js';
export * from './kube/index.js';
