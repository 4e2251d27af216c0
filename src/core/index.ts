/**
 * `spdylay/core`: the pure protocol core. No Node built-ins, no timers, no
 * clock, no randomness: it runs in Node, browsers, Deno, Bun and workers.
 */
export * from './constants.js';
export * from './errors.js';
