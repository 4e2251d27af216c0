/** The package root: the protocol core, and (with the I/O issue) the Node adapters. */
export * from './core/index.js';
