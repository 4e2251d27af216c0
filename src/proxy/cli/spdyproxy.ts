/**
 * spdyproxy: the reverse proxy as a command, as spdylay's shrpx was run.
 * Once listening it prints `listening on HOST:PORT` (the real port) to
 * stdout; log messages at -L's level and above, and with --accesslog
 * shrpx's access-log lines, go to stderr. SIGTERM and SIGINT drain it
 * (GOAWAY, requests in flight finish, for at most 30 s) and it exits 0.
 */
import { readFile } from 'node:fs/promises';
import { selfSignedCertificate } from '../../io/certificate.js';
import { CliUsageError } from '../../io/cli/argv.js';
import type { ToolOutput } from '../../io/cli/spdyd.js';
import { processOutput } from '../../io/cli/spdyd.js';
import { formatAcceptLine, formatAccessLine } from '../access-log.js';
import type { LogLevel } from '../context.js';
import { DEFAULT_SERVER_NAME } from '../options.js';
import type { ProxyOptions } from '../options.js';
import { createProxy } from '../proxy.js';
import type { SpdyProxy } from '../proxy.js';
import { parseSpdyproxyArgs, spdyproxyUsage } from './args.js';
import type { SpdyproxyOptions } from './args.js';

const SEVERITY: Record<LogLevel, number> = { INFO: 0, WARNING: 1, ERROR: 2, FATAL: 3 };
/** How long a signal's drain waits for requests in flight. */
export const SHUTDOWN_GRACE_MS = 30_000;

/** Runs spdyproxy; resolves with the exit status once it has shut down. */
export async function spdyproxy(argv: readonly string[], io: ToolOutput = processOutput, signals = true): Promise<number> {
  let options: SpdyproxyOptions;
  try {
    const parsed = parseSpdyproxyArgs(argv);
    if ('help' in parsed) {
      io.out(parsed.help);
      return 0;
    }
    if ('version' in parsed) {
      io.out(`${DEFAULT_SERVER_NAME}\n`);
      return 0;
    }
    options = parsed;
  } catch (error) {
    if (!(error instanceof CliUsageError)) throw error;
    io.err(`${spdyproxyUsage()}${error.message}\n`);
    return 1;
  }
  let proxy: SpdyProxy;
  try {
    proxy = await startProxy(options, io);
  } catch (error) {
    io.err(`spdyproxy: ${(error as Error).message}\n`);
    return 1;
  }
  return new Promise<number>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void proxy.close(SHUTDOWN_GRACE_MS).then(() => resolve(0));
    };
    if (signals) {
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    }
    proxy.once('close', () => resolve(0));
  });
}

/** Starts the proxy `options` describe and prints where it listens. */
export async function startProxy(options: SpdyproxyOptions, io: ToolOutput): Promise<SpdyProxy> {
  let tls: ProxyOptions['tls'] = false;
  if (!options.noTls) {
    if (options.privateKey !== null && options.cert !== null) {
      tls = { key: await readFile(options.privateKey), cert: await readFile(options.cert) };
    } else {
      const generated = await selfSignedCertificate();
      tls = { key: generated.key, cert: generated.cert };
      io.err(`spdyproxy: no key and certificate given: using a new self-signed certificate for localhost (SHA-1 ${generated.fingerprint})\n`);
    }
  }
  const seconds = (s: number) => s * 1000;
  const proxy = createProxy({
    backends: options.backends,
    tls,
    protocol: options.spdyProto,
    maxConcurrentStreams: options.maxConcurrentStreams,
    initialWindowSize: 2 ** options.windowBits,
    sessionWindowSize: 2 ** options.connectionWindowBits,
    frontendSpdyReadTimeout: seconds(options.frontendSpdyReadTimeout),
    frontendReadTimeout: seconds(options.frontendReadTimeout),
    frontendWriteTimeout: seconds(options.frontendWriteTimeout),
    backendReadTimeout: seconds(options.backendReadTimeout),
    backendWriteTimeout: seconds(options.backendWriteTimeout),
    backendKeepAliveTimeout: seconds(options.backendKeepAliveTimeout),
    backendConnectionsPerHost: options.backendConnectionsPerHost,
    addXForwardedFor: options.addXForwardedFor,
    noVia: options.noVia,
  });
  const threshold = SEVERITY[options.logLevel];
  proxy.on('log', (level: LogLevel, message: string) => {
    if (SEVERITY[level] >= threshold) io.err(`[${level}] ${message}\n`);
  });
  if (options.accessLog) {
    proxy.on('access', (entry) => io.err(`${formatAccessLine(entry, io.isTty)}\n`));
    proxy.on('accept', (clientAddress: string) => io.err(`${formatAcceptLine(clientAddress, new Date())}\n`));
  }
  const address = await proxy.listen(options.frontend.port, options.frontend.host);
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  io.out(`listening on ${host}:${address.port}\n`);
  return proxy;
}
