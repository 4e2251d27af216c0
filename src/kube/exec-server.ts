/**
 * The server's side of exec and attach, as the kubelet serves them: wait
 * (up to 30 s) for the channels the query asked for, run the handler with
 * them wired, then report how it ended on the error channel (a JSON
 * `Status` from v4, the error's text up to v3), and end the session as the
 * kubelet does: every channel finished or reset, then GOAWAY.
 */
import { EventEmitter } from 'node:events';
import type * as http from 'node:http';
import type { Readable, Writable } from 'node:stream';
import type { ServerSession, ServerStream } from '../io/server-session.js';
import type { SpdyStream } from '../io/stream.js';
import { resetChannels } from './channels.js';
import { STREAM_TIMEOUT, STREAM_TYPE, StreamType, execProtocolVersion, queryFlag } from './protocol.js';
import { exitCodeStatus, failureStatus, successStatus } from './status.js';
import type { KubeStatus } from './status.js';

/** What the client asked for, from the request's query (`true` or `1` for yes, as the API server and the kubelet take them). */
export interface ExecParams {
  command: string[];
  container: string | null;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/**
 * One exec or attach, for the handler: the channels as Node streams.
 * Events: 'resize' ({ width, height }) for each terminal size the client
 * sends (tty, protocol v3 and later).
 */
export class ExecRequest extends EventEmitter {
  /** The command's input (ends at the client's EOF); null unless asked for. */
  readonly stdin: Readable | null;
  /** Write the output here; it is ended for you when the handler returns. */
  readonly stdout: Writable | null;
  readonly stderr: Writable | null;

  /** @internal */
  constructor(
    readonly kind: 'exec' | 'attach',
    readonly params: ExecParams,
    /** The negotiated channel protocol and its version 1..5. */
    readonly protocol: string,
    readonly request: http.IncomingMessage,
    /** From an API-server style path (…/namespaces/NS/pods/POD/…), else null. */
    readonly namespace: string | null,
    readonly pod: string | null,
    channels: Map<string, ServerStream>,
  ) {
    super();
    this.stdin = channels.get(StreamType.stdin) ?? null;
    this.stdout = channels.get(StreamType.stdout) ?? null;
    this.stderr = channels.get(StreamType.stderr) ?? null;
  }

  get command(): string[] {
    return this.params.command;
  }

  get tty(): boolean {
    return this.params.tty;
  }

  get protocolVersion(): 1 | 2 | 3 | 4 | 5 {
    return execProtocolVersion(this.protocol);
  }
}

/**
 * Runs the command: resolve with its exit code (0 or nothing for success),
 * or throw when it cannot run (reported as an InternalError Status).
 */
export type ExecHandler = (exec: ExecRequest) => number | void | Promise<number | void>;

/** Takes the query of an exec or attach request. */
export function execParams(url: URL): ExecParams {
  const flag = (name: string) => queryFlag(url.searchParams.get(name));
  const tty = flag('tty');
  return {
    command: url.searchParams.getAll('command'),
    container: url.searchParams.get('container'),
    stdin: flag('stdin'),
    stdout: flag('stdout'),
    // With a terminal, stderr is part of stdout (the kubelet drops the flag).
    stderr: flag('stderr') && !tty,
    tty,
  };
}

/** Serves one exec or attach on a session that was just upgraded. */
export function serveExec(
  session: ServerSession,
  exec: { kind: 'exec' | 'attach'; params: ExecParams; protocol: string; request: http.IncomingMessage; namespace: string | null; pod: string | null },
  handler: ExecHandler,
  streamTimeout = STREAM_TIMEOUT,
): void {
  const version = execProtocolVersion(exec.protocol);
  const p = exec.params;
  const expected = new Set<string>([StreamType.error]);
  if (p.stdin) expected.add(StreamType.stdin);
  if (p.stdout) expected.add(StreamType.stdout);
  if (p.stderr) expected.add(StreamType.stderr);
  if (p.tty && version >= 3) expected.add(StreamType.resize);
  const channels = new Map<string, ServerStream>();
  const timer = setTimeout(() => session.destroy(), streamTimeout);
  timer.unref();
  session.once('close', () => clearTimeout(timer));

  session.on('stream', (stream: ServerStream) => {
    // Every stream is answered (the kubelet accepts them all), with an empty header block.
    stream.respond({}, { http: false });
    stream.peerCancelEnds = true;
    stream.on('error', () => {});
    const type = String(stream.headers?.[STREAM_TYPE] ?? '');
    if (!expected.has(type) || channels.has(type)) {
      stream.close();
      return;
    }
    channels.set(type, stream);
    if (channels.size < expected.size) return;
    clearTimeout(timer);
    const request = new ExecRequest(exec.kind, p, exec.protocol, exec.request, exec.namespace, exec.pod, channels);
    const resize = channels.get(StreamType.resize);
    if (resize !== undefined) readResizes(resize, request);
    void run(session, version, request, channels, handler);
  });
}

async function run(session: ServerSession, version: number, request: ExecRequest, channels: Map<string, ServerStream>, handler: ExecHandler): Promise<void> {
  let status: KubeStatus;
  try {
    const code = (await handler(request)) ?? 0;
    if (!Number.isInteger(code) || code < 0 || code > 255) throw new Error(`the handler returned ${String(code)}, not an exit code 0..255`);
    status = code === 0 ? successStatus() : exitCodeStatus(code);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    status = failureStatus(`Internal error occurred: error executing command in container: ${message}`, 'InternalError', 500);
  }
  const outputs = [channels.get(StreamType.stdout), channels.get(StreamType.stderr)];
  for (const output of outputs) output?.end();
  await Promise.all(outputs.map(writableDone));
  const errorChannel = channels.get(StreamType.error)!;
  if (version >= 4) errorChannel.end(JSON.stringify(status));
  else if (status.status === 'Success') errorChannel.end();
  else errorChannel.end(status.message);
  await writableDone(errorChannel);
  // Everything is written: what is still open (stdin, resize, streams the client never closed) is reset, then GOAWAY.
  resetChannels([...channels.values()]);
  await session.close();
}

/** Resolves once everything written to `stream` went to the session (or it closed). */
function writableDone(stream: SpdyStream | undefined): Promise<void> {
  if (stream === undefined || stream.writableFinished || stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    stream.once('finish', () => resolve());
    stream.once('close', () => resolve());
  });
}

/** Terminal sizes arrive as flat JSON objects `{"Width":w,"Height":h}`, one after another (client-go adds a newline). */
function readResizes(stream: ServerStream, request: ExecRequest): void {
  let buffered = '';
  stream.setEncoding('utf8');
  stream.on('data', (text: string) => {
    buffered += text;
    for (;;) {
      const close = buffered.indexOf('}');
      if (close < 0) break;
      const line = buffered.slice(0, close + 1).trim();
      buffered = buffered.slice(close + 1);
      if (line.length === 0) continue;
      try {
        const size = JSON.parse(line) as { Width?: unknown; Height?: unknown };
        if (typeof size.Width === 'number' && typeof size.Height === 'number') request.emit('resize', { width: size.Width, height: size.Height });
      } catch {
        // Not a size: the kubelet stops reading resizes at the first bad one; so do we.
        stream.removeAllListeners('data');
        return;
      }
    }
    if (buffered.length > 4096) stream.removeAllListeners('data');
  });
}
