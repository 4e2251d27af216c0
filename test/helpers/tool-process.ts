/**
 * spdycat and spdyd as processes, the way a user runs them: the built bins
 * (dist/bin, made by `npm run build`, which CI runs before the tests) under
 * this Node. Every process is bounded: spdycat is killed past its time
 * limit, spdyd must say where it listens within a bound, and stopSpdyd()
 * ends it with SIGTERM (SIGKILL if that is ignored).
 */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
export const SPDYCAT = `${root}dist/bin/spdycat.js`;
export const SPDYD = `${root}dist/bin/spdyd.js`;

/** Throws a clear error when the bins are not built. */
export function requireBuiltTools(): void {
  for (const bin of [SPDYCAT, SPDYD]) {
    if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`npm run build\` before these tests (CI does)`);
  }
}

export interface ToolResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

/** Runs spdycat with `args`; kills it after `timeoutMs` (the result then has signal SIGKILL). */
export function runSpdycat(args: string[], options: { cwd?: string; stdin?: Uint8Array; timeoutMs?: number } = {}): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SPDYCAT, ...args], { cwd: options.cwd, stdio: 'pipe' });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin.end(options.stdin ?? Buffer.alloc(0));
  });
}

export interface RunningSpdyd {
  child: ChildProcessWithoutNullStreams;
  port: number;
  /** What it printed so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with its exit code and signal once it has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts spdyd with `args` (the port among them, 0 for a free one) and waits for `listening on HOST:PORT`. */
export function startSpdyd(args: string[], timeoutMs = 15_000): Promise<RunningSpdyd> {
  const child = spawn(process.execPath, [SPDYD, ...args], { stdio: 'pipe' });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (out += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (err += text));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`spdyd ${args.join(' ')} did not say where it listens within ${timeoutMs} ms; stderr: ${err}`));
    }, timeoutMs);
    const onData = () => {
      const match = /^listening on (?:\[[^\]]*\]|[^:\s]+):(\d+)$/m.exec(out);
      if (match === null) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      resolve({ child, port: Number(match[1]), stdout: () => out, stderr: () => err, exited });
    };
    child.stdout.on('data', onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`spdyd ${args.join(' ')} exited (${code ?? signal}) before listening; stderr: ${err}`));
    });
  });
}

/** Ends spdyd with SIGTERM and resolves with how it exited (SIGKILL after `graceMs`). */
export async function stopSpdyd(spdyd: RunningSpdyd, graceMs = 10_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (spdyd.child.exitCode !== null || spdyd.child.signalCode !== null) return spdyd.exited;
  const kill = setTimeout(() => spdyd.child.kill('SIGKILL'), graceMs);
  spdyd.child.kill('SIGTERM');
  const result = await spdyd.exited;
  clearTimeout(kill);
  return result;
}
