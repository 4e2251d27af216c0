/**
 * spdycat: fetches URIs over SPDY and writes the bodies to stdout, as
 * spdylay's spdycat does. Successive URIs of one host share a connection;
 * -v prints every frame, -s the timing of each request, -O saves bodies,
 * -d POSTs a file (or stdin). Bodies sent with content-encoding gzip or
 * deflate are decoded. Exit status 0 when every request completed, else 1
 * with a one-line reason per failure on stderr.
 */
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { PassThrough, Readable, pipeline } from 'node:stream';
import type { Writable } from 'node:stream';
import { createGunzip, createInflate } from 'node:zlib';
import { SPDY_PROTOCOLS, protocolOfVersion } from '../alpn.js';
import type { SpdyProtocol } from '../alpn.js';
import { connect } from '../client.js';
import type { ClientSession, ClientStream } from '../client.js';
import { SpdyError } from '../errors.js';
import { firstValue } from '../headers.js';
import { CliUsageError } from './argv.js';
import { traceEvent } from './event-trace.js';
import { parseSpdycatArgs, spdycatUsage } from './spdycat-args.js';
import type { SpdycatOptions } from './spdycat-args.js';
import { planSessions, remoteFileName, requestHeaders, tlsServerName } from './spdycat-plan.js';
import type { SessionPlan } from './spdycat-plan.js';
import { formatStats } from './stat.js';
import type { RequestTiming } from './stat.js';
import { TracePrinter, colorEnabled } from './trace.js';
import type { ToolOutput } from './spdyd.js';

/** Where spdycat writes bodies (stdout by default) and reads -d - from. */
export interface SpdycatIo extends ToolOutput {
  /** The body sink for one response when not -O / -n. */
  body: Writable;
  stdin: Readable;
}

/** Runs spdycat; resolves with the exit status. */
export async function spdycat(argv: readonly string[], io: SpdycatIo = processIo()): Promise<number> {
  let options: SpdycatOptions;
  try {
    const parsed = parseSpdycatArgs(argv);
    if ('help' in parsed) {
      io.out(parsed.help);
      return 0;
    }
    options = parsed;
  } catch (error) {
    if (!(error instanceof CliUsageError)) throw error;
    io.err(`${spdycatUsage()}${error.message}\n`);
    return 1;
  }
  let body: Buffer | null = null;
  try {
    if (options.data !== null) body = options.data.kind === 'stdin' ? await readStream(io.stdin) : await readFile(options.data.path);
  } catch (error) {
    io.err(`spdycat: cannot read the request body: ${(error as Error).message}\n`);
    return 1;
  }
  const started = performance.now();
  const printer = new TracePrinter({ color: colorEnabled(options.color, io.isTty) });
  let failures = 0;
  for (const plan of planSessions(options.uris, options.multiply)) {
    failures += await fetchPlan(plan, options, body, io, printer, started);
  }
  return failures === 0 ? 0 : 1;
}

/** One connection's requests; resolves with the number that failed. */
async function fetchPlan(
  plan: SessionPlan,
  options: SpdycatOptions,
  body: Buffer | null,
  io: SpdycatIo,
  printer: TracePrinter,
  started: number,
): Promise<number> {
  const first = plan.requests[0]!.url;
  const plain = options.noTls || first.protocol === 'http:';
  const protocols: SpdyProtocol[] = options.version === null ? [...SPDY_PROTOCOLS] : [protocolOfVersion(options.version)];
  const url = new URL(`${plain ? 'http' : 'https'}://${first.host}`);
  const servername = tlsServerName(first, options.headers);
  const elapsed = () => performance.now() - started;
  let handshakeAt = 0;
  const session: ClientSession = connect(url, {
    protocols,
    protocol: protocols[0],
    initialWindowSize: options.windowBits === null ? undefined : 2 ** options.windowBits,
    tls: {
      rejectUnauthorized: !options.insecure,
      ...(servername === undefined ? {} : { servername }),
      ...(options.cert === null ? {} : { cert: await readFile(options.cert) }),
      ...(options.key === null ? {} : { key: await readFile(options.key) }),
    },
    trace: options.verbose
      ? (event) => {
          const text = traceEvent(printer, elapsed(), event);
          if (text !== null) io.out(text);
        }
      : undefined,
  });
  session.once('connect', () => {
    handshakeAt = elapsed();
    if (options.verbose) io.out(printer.event(handshakeAt, `Handshake complete (${session.protocol})`));
  });
  const timings: RequestTiming[] = plan.requests.map((uri) => ({ uri: uri.text, status: '' }));
  let timer: ReturnType<typeof setTimeout> | null = null;
  if (options.timeoutMs !== null) {
    timer = setTimeout(() => session.destroy(new SpdyError('ERR_SPDY_TIMEOUT', `timed out after ${options.timeoutMs} ms`)), options.timeoutMs);
  }
  const results = await Promise.all(
    plan.requests.map(async (uri, i) => {
      const timing = timings[i] as { uri: string; status: string; synStreamMs?: number; synReplyMs?: number; completeMs?: number };
      try {
        const stream = session.request(requestHeaders(uri.url, options, body?.length), {
          body: body ?? undefined,
          endStream: body === null,
        });
        stream.once('ready', () => (timing.synStreamMs = elapsed() - handshakeAt));
        stream.once('response', () => {
          timing.synReplyMs = elapsed() - handshakeAt;
          timing.status = firstValue(stream.headers ?? {}, ':status') ?? '';
        });
        await writeBody(stream, options, uri.url, io);
        timing.completeMs = elapsed() - handshakeAt;
        return null;
      } catch (error) {
        return `${uri.text}: ${(error as Error).message}`;
      }
    }),
  );
  if (timer !== null) clearTimeout(timer);
  await session.close();
  if (options.stat) io.out(formatStats(timings.filter((t) => t.status !== '' || t.completeMs !== undefined)));
  const failed = results.filter((r): r is string => r !== null);
  for (const reason of failed) io.err(`spdycat: ${reason}\n`);
  if (failed.length === 0 && session.error !== null && results.length === 0) io.err(`spdycat: ${session.error.message}\n`);
  return failed.length;
}

/** Streams one response body (decoded) to its destination; resolves at its end. */
function writeBody(stream: ClientStream, options: SpdycatOptions, url: URL, io: SpdycatIo): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.once('error', reject);
    stream.once('response', () => {
      const encoding = firstValue(stream.headers ?? {}, 'content-encoding');
      const decoder = encoding === 'gzip' ? createGunzip() : encoding === 'deflate' ? createInflate() : new PassThrough();
      const sink: Writable = options.nullOut
        ? nullSink()
        : options.remoteName
          ? createWriteStream(remoteFileName(url))
          : keepOpen(io.body);
      pipeline(stream, decoder, sink, (error) => (error ? reject(error) : resolve()));
    });
    stream.once('close', () => {
      if (stream.statusCode === undefined) reject(new SpdyError('ERR_SPDY_ABORTED', 'the stream closed without a response'));
    });
  });
}

function nullSink(): Writable {
  const sink = new PassThrough();
  sink.resume();
  return sink;
}

/** A writable that forwards to `target` but never ends it (stdout is shared by every response). */
function keepOpen(target: Writable): Writable {
  const pass = new PassThrough();
  pass.on('data', (chunk: Buffer) => {
    if (!target.write(chunk)) {
      pass.pause();
      target.once('drain', () => pass.resume());
    }
  });
  return pass;
}

async function readStream(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}

function processIo(): SpdycatIo {
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    isTty: process.stdout.isTTY === true,
    body: process.stdout,
    stdin: process.stdin,
  };
}
