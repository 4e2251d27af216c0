/**
 * The entry each runtime loads: runs the exchange and prints its verdict as
 * one line of JSON (on stdout in Deno and Bun, on the console in the browser).
 */
import { exchange } from './exchange.mjs';

console.log(JSON.stringify(await exchange()));
