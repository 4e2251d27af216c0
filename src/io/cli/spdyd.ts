/**
 * spdyd: serves a directory over SPDY, as spdylay's spdyd does (TLS with
 * ALPN by default, a self-signed certificate when none is given, plain TCP
 * with --no-tls; SETTINGS MAX_CONCURRENT_STREAMS 100; -v prints every
 * frame). Once listening it prints `listening on HOST:PORT` with the real
 * port; SIGINT and SIGTERM end it gracefully (GOAWAY, open streams finish).
 */
import { readFile, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream';
import { INTERNAL_ERROR } from '../../core/index.js';
import { SPDY_PROTOCOLS, protocolOfVersion } from '../alpn.js';
import type { SpdyProtocol } from '../alpn.js';
import { selfSignedCertificate } from '../certificate.js';
import { createServer } from '../server.js';
import type { SpdyServer } from '../server.js';
import type { ServerStream } from '../server-session.js';
import type { SpdySession } from '../session.js';
import { asksForNoResponse, openFileBody, resolveStatic } from '../static/index.js';
import type { StaticResponse } from '../static/index.js';
import { CliUsageError } from './argv.js';
import { traceEvent } from './event-trace.js';
import { SPDYD_SERVER } from './identity.js';
import { parseSpdydArgs, spdydUsage } from './spdyd-args.js';
import type { SpdydOptions } from './spdyd-args.js';
import { TracePrinter, colorEnabled } from './trace.js';

/** What the tool writes to; process.stdout/stderr by default, buffers in tests. */
export interface ToolOutput {
  out(text: string): void;
  err(text: string): void;
  isTty: boolean;
}

export const processOutput: ToolOutput = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  isTty: process.stdout.isTTY === true,
};

/** How long SIGINT/SIGTERM wait for open streams before cutting connections. */
const SHUTDOWN_GRACE_MS = 5000;

/** Runs spdyd; resolves with the exit status once the server has shut down. */
export async function spdyd(argv: readonly string[], io: ToolOutput = processOutput, signals = true): Promise<number> {
  let options: SpdydOptions;
  try {
    const parsed = parseSpdydArgs(argv);
    if ('help' in parsed) {
      io.out(parsed.help);
      return 0;
    }
    options = parsed;
  } catch (error) {
    if (!(error instanceof CliUsageError)) throw error;
    io.err(`${spdydUsage()}${error.message}\n`);
    return 1;
  }
  // The signal handlers go in before the server starts: whoever reads
  // "listening on" may send SIGTERM at once, and must get the graceful end.
  let server: SpdyServer | null = null;
  let stopRequested = false;
  let finish: (status: number) => void = () => {};
  const finished = new Promise<number>((resolve) => (finish = resolve));
  const stop = (): void => {
    if (server === null) {
      stopRequested = true;
      return;
    }
    const running = server;
    const cut = setTimeout(() => running.destroyAll(), SHUTDOWN_GRACE_MS);
    cut.unref();
    void running.close().then(() => {
      clearTimeout(cut);
      finish(0);
    });
  };
  if (signals) {
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }
  try {
    server = await startServer(options, io);
  } catch (error) {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    io.err(`spdyd: ${(error as Error).message}\n`);
    return 1;
  }
  server.once('close', () => finish(0));
  if (stopRequested) stop();
  return finished;
}

/** Starts the server described by `options` and prints where it listens. */
export async function startServer(options: SpdydOptions, io: ToolOutput): Promise<SpdyServer> {
  const started = performance.now();
  const root = options.htdocs;
  const info = await stat(root).catch(() => null);
  if (info === null || !info.isDirectory()) throw new Error(`document root ${root} is not a directory`);
  const protocols: SpdyProtocol[] = options.version === null ? [...SPDY_PROTOCOLS] : [protocolOfVersion(options.version)];
  let tls: { key: string | Buffer; cert: string | Buffer; requestCert?: boolean; rejectUnauthorized?: boolean } | false = false;
  if (!options.noTls) {
    if (options.privateKey !== null && options.cert !== null) {
      tls = { key: await readFile(options.privateKey), cert: await readFile(options.cert) };
    } else {
      const generated = await selfSignedCertificate();
      tls = { key: generated.key, cert: generated.cert };
      io.err(`spdyd: no key and certificate given: using a new self-signed certificate for localhost (SHA-1 ${generated.fingerprint})\n`);
    }
    if (options.verifyClient) tls = { ...tls, requestCert: true, rejectUnauthorized: false };
  }
  const printer = new Map<SpdySession, TracePrinter>();
  let nextSessionId = 1;
  const color = colorEnabled(options.color, io.isTty);
  const server = createServer({
    tls,
    protocols,
    protocol: protocols[0],
    maxConcurrentStreams: 100,
    compression: options.gzip,
    trace: options.verbose
      ? (event, session) => {
          let p = printer.get(session);
          if (p === undefined) {
            p = new TracePrinter({ color, sessionId: nextSessionId++ });
            printer.set(session, p);
            session.once('close', () => printer.delete(session));
          }
          const text = traceEvent(p, performance.now() - started, event);
          if (text !== null) io.out(text);
        }
      : undefined,
  });
  let port = 0;
  server.on('stream', (stream: ServerStream) => {
    // A client that goes away mid-response is not spdyd's error.
    stream.on('error', () => {});
    void serveStatic(root, stream, port).catch((error: Error) => {
      io.err(`spdyd: stream ${stream.id}: ${error.message}\n`);
      stream.close(INTERNAL_ERROR);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? undefined, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  port = address.port;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  io.out(`listening on ${host}:${address.port}\n`);
  return server;
}

/** Answers one request from the document root. */
async function serveStatic(root: string, stream: ServerStream, port: number): Promise<void> {
  const path = firstHeader(stream, ':path');
  // spdycat's timeout tests ask spdyd never to answer this one.
  if (path !== undefined && asksForNoResponse(path)) return;
  const request = { method: firstHeader(stream, ':method') ?? '', path: path ?? '', headers: stream.rawHeaders };
  // The request body, if any, is not used: read and drop it so its window reopens.
  stream.resume();
  for (let attempt = 0; attempt < 3; attempt++) {
    const response: StaticResponse = await resolveStatic(root, request, { serverName: SPDYD_SERVER, port });
    if (stream.destroyed) return;
    const body = response.body;
    if (body === null) {
      stream.respond(response.headers, { endStream: true });
      return;
    }
    if (body.kind === 'bytes') {
      stream.respond(response.headers);
      stream.end(body.bytes);
      return;
    }
    const file = await openFileBody(body);
    if (file === null) continue; // Changed since it was resolved: resolve it again.
    if (stream.destroyed) {
      file.destroy();
      return;
    }
    stream.respond(response.headers);
    pipeline(file, stream, (error) => {
      // A file that shrank mid-read: reset rather than send less than content-length.
      if (error && !stream.destroyed) stream.close(INTERNAL_ERROR);
    });
    return;
  }
  throw new Error(`${request.path} kept changing while it was being served`);
}

function firstHeader(stream: ServerStream, name: string): string | undefined {
  for (const [n, v] of stream.rawHeaders) if (n === name) return v;
  return undefined;
}
