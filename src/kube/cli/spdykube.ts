/**
 * spdykube: kubectl's `exec`, `attach` and `port-forward` on this
 * library. exec passes stdin through with -i (its EOF is the command's),
 * copies stdout and stderr, and exits with the remote command's status;
 * with -t on a terminal, the terminal is raw and its size follows the
 * window. port-forward prints one "Forwarding from" line per port, as
 * kubectl does, and runs until SIGINT/SIGTERM or the connection ends.
 * Errors are one line on stderr and exit status 1.
 */
import { readFile } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import { CliUsageError } from '../../io/cli/argv.js';
import type { KubeConnectOptions } from '../connection.js';
import { exec, attach } from '../exec.js';
import { portForward } from '../port-forward.js';
import type { ForwardContext } from '../port-forward.js';
import { parseSpdykubeArgs, spdykubeUsage } from './spdykube-args.js';
import type { AuthArgs } from './spdykube-args.js';

export interface SpdykubeIo {
  stdin: Readable & { isTTY?: boolean; setRawMode?(raw: boolean): unknown };
  stdout: Writable & { isTTY?: boolean; columns?: number; rows?: number };
  stderr: Writable;
  /** Resolves when the user asks to stop (SIGINT/SIGTERM for the process); asked for by port-forward only. */
  interrupted(): Promise<void>;
}

/** Runs spdykube; resolves with the exit status. */
export async function spdykube(argv: readonly string[], io: SpdykubeIo = processIo()): Promise<number> {
  let args;
  try {
    args = parseSpdykubeArgs(argv);
  } catch (error) {
    if (!(error instanceof CliUsageError)) throw error;
    io.stderr.write(`${spdykubeUsage()}spdykube: ${error.message}\n`);
    return 2;
  }
  if (args.command === 'help') {
    io.stdout.write(args.text);
    return 0;
  }
  try {
    const connect = await connectOptions(args);
    if (args.command === 'port-forward') return await forward(args.podUrl, args.ports, args.address, connect, io);
    return await run(args, connect, io);
  } catch (error) {
    io.stderr.write(`spdykube: ${(error as Error).message}\n`);
    return 1;
  }
}

async function connectOptions(auth: AuthArgs): Promise<KubeConnectOptions> {
  const read = async (file: string | null, what: string) => {
    if (file === null) return undefined;
    try {
      return await readFile(file);
    } catch (error) {
      throw new Error(`cannot read the ${what} ${file}: ${(error as Error).message}`);
    }
  };
  return {
    token: auth.token ?? undefined,
    ca: await read(auth.cacert, 'CA file'),
    cert: await read(auth.cert, 'certificate'),
    key: await read(auth.key, 'key'),
    insecure: auth.insecure,
  };
}

async function run(
  args: { command: 'exec' | 'attach'; podUrl: URL; argv: string[]; stdin: boolean; tty: boolean; container: string | null },
  connect: KubeConnectOptions,
  io: SpdykubeIo,
): Promise<number> {
  const terminal = args.tty && io.stdout.isTTY === true && io.stdout.columns !== undefined && io.stdout.rows !== undefined;
  const options = {
    ...connect,
    stdin: args.stdin,
    tty: args.tty,
    container: args.container ?? undefined,
    terminalSize: terminal ? { width: io.stdout.columns!, height: io.stdout.rows! } : undefined,
  };
  const proc = args.command === 'exec' ? await exec(args.podUrl, args.argv, options) : await attach(args.podUrl, options);
  const rawMode = args.stdin && args.tty && io.stdin.isTTY === true && typeof io.stdin.setRawMode === 'function';
  if (rawMode) io.stdin.setRawMode!(true);
  const onResize = () => proc.resize(io.stdout.columns ?? 0, io.stdout.rows ?? 0);
  if (terminal) io.stdout.on('resize', onResize);
  if (proc.stdin !== null) io.stdin.pipe(proc.stdin);
  const copied = [copy(proc.stdout, io.stdout), copy(proc.stderr, io.stderr)];
  try {
    const status = await proc.closed;
    await Promise.all(copied);
    return status.code;
  } finally {
    if (proc.stdin !== null) {
      io.stdin.unpipe(proc.stdin);
      io.stdin.pause();
    }
    if (rawMode) io.stdin.setRawMode!(false);
    if (terminal) io.stdout.off('resize', onResize);
  }
}

/** Copies a channel to an output (which stays open), resolving once all of it is written. */
function copy(from: Readable | null, to: Writable): Promise<void> {
  if (from === null) return Promise.resolve();
  return new Promise((resolve) => {
    from.on('data', (chunk: Buffer) => {
      if (!to.write(chunk)) {
        from.pause();
        to.once('drain', () => from.resume());
      }
    });
    from.once('end', () => resolve());
    from.once('close', () => resolve());
  });
}

async function forward(podUrl: URL, ports: Array<{ local: number; remote: number }>, address: string, connect: KubeConnectOptions, io: SpdykubeIo): Promise<number> {
  // Listening for SIGINT/SIGTERM before anything is printed: whoever reads the lines may signal at once.
  const interrupted = io.interrupted();
  const forwarder = await portForward(podUrl, ports, { ...connect, address });
  for (const port of forwarder.ports) io.stdout.write(`Forwarding from ${hostPort(address, port.local)} -> ${port.remote}\n`);
  forwarder.on('connection', (_socket: unknown, context: ForwardContext) => io.stdout.write(`Handling connection for ${context.local}\n`));
  forwarder.on('forwardError', (error: Error) => io.stderr.write(`spdykube: ${error.message}\n`));
  const outcome = await Promise.race([
    interrupted.then(() => 'interrupted' as const),
    forwarder.closed.then(
      () => 'closed' as const,
      (error: Error) => error,
    ),
  ]);
  if (outcome === 'interrupted') {
    await forwarder.close();
    return 0;
  }
  if (outcome instanceof Error) {
    io.stderr.write(`spdykube: lost connection to pod: ${outcome.message}\n`);
    return 1;
  }
  return 0;
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function processIo(): SpdykubeIo {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    interrupted: () =>
      new Promise((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      }),
  };
}
