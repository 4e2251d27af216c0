/**
 * `exec` and `attach` as kubectl does them over SPDY: upgrade
 * `POST …/pods/POD/exec?command=…&stdin=…&stdout=…&stderr=…&tty=…`
 * offering v5..v1 of the channel protocol, open the channels in kubectl's
 * order (error, stdin, stdout, stderr, resize) and wait for each answer,
 * then hand them over as Node streams. The exit status comes from the
 * error channel: plain text on failure up to v3, a JSON `Status` from v4.
 */
import type { Readable, Writable } from 'node:stream';
import type { ClientSession, ClientStream } from '../io/client.js';
import { closeChannels, openChannel, readChannel, remoteDone, resetChannels } from './channels.js';
import { upgradeToSpdy } from './connection.js';
import type { KubeConnectOptions } from './connection.js';
import { KubeError } from './errors.js';
import { EXEC_PROTOCOLS, STREAM_TYPE, STREAM_TIMEOUT, StreamType, execProtocolVersion } from './protocol.js';
import type { ExecProtocol } from './protocol.js';
import { NON_ZERO_EXIT_CODE, exitCodeOf, parseStatus } from './status.js';
import type { KubeStatus } from './status.js';

export interface ExecOptions extends KubeConnectOptions {
  /** Open a stdin channel (default false). End `process.stdin` to send EOF. */
  stdin?: boolean;
  /** Open a stdout channel (default true). */
  stdout?: boolean;
  /** Open a stderr channel (default true; never with a tty, whose output is all on stdout). */
  stderr?: boolean;
  /** Allocate a terminal (default false). */
  tty?: boolean;
  /** The container, when the pod has several. */
  container?: string;
  /** Channel protocols offered, best first (default v5 down to v1). */
  protocols?: readonly ExecProtocol[];
  /** With a tty (v3+): the terminal size sent first. */
  terminalSize?: { width: number; height: number };
  /** ms to wait for the server to answer each channel (default 30000). */
  streamTimeout?: number;
}

/** How the remote command ended. */
export interface ExitStatus {
  /** 0 for success, else the command's exit code. */
  code: number;
  /** The server's message (empty for success). */
  message: string;
  /** The Status from the error channel (protocol v4 and later). */
  status?: KubeStatus;
}

/** A command running in a container: its channels as Node streams and its end as promises. */
export class RemoteProcess {
  /** The negotiated channel protocol (`v4.channel.k8s.io`, ...); null when the server named none (v1). */
  readonly protocol: string | null;
  /** Its version, 1..5. */
  readonly protocolVersion: 1 | 2 | 3 | 4 | 5;
  /** Write the command's input here; end() is EOF (a FIN half-close). Null without `stdin`. */
  readonly stdin: Writable | null;
  /** The command's output; null without `stdout`. */
  readonly stdout: Readable | null;
  /** Its error output; null without `stderr` or with a tty. */
  readonly stderr: Readable | null;
  /**
   * Settles once the error channel has ended: the exit status, or a
   * KubeError (the command could not run, or failed other than by
   * exiting), or the connection's error.
   */
  readonly exit: Promise<ExitStatus>;
  /**
   * Settles as `exit` does, once the server has also finished the output
   * channels and the connection is closed (output not yet read stays
   * readable).
   */
  readonly closed: Promise<ExitStatus>;

  private readonly channels: Array<ClientStream | null>;

  /** @internal Use exec() or attach(). */
  constructor(
    readonly session: ClientSession,
    protocol: string | null,
    private readonly errorChannel: ClientStream,
    stdin: ClientStream | null,
    stdout: ClientStream | null,
    stderr: ClientStream | null,
    private readonly resizeChannel: ClientStream | null,
  ) {
    this.protocol = protocol;
    this.protocolVersion = execProtocolVersion(protocol);
    this.stdin = stdin;
    this.stdout = stdout;
    this.stderr = stderr;
    this.channels = [errorChannel, stdin, stdout, stderr, resizeChannel];
    this.exit = readChannel(errorChannel).then((message) => exitStatus(this.protocolVersion, message.toString('utf8')));
    this.closed = this.exit
      .then(
        (status) => ({ status, error: null }),
        (error: unknown) => ({ status: null, error }),
      )
      .then(async (outcome) => {
        await Promise.all([remoteDone(stdout), remoteDone(stderr)]);
        closeChannels(this.channels);
        await this.session.close();
        if (outcome.status === null) throw outcome.error;
        return outcome.status;
      });
    // Either promise may be the one a caller awaits: the other must not be an unhandled rejection.
    this.exit.catch(() => {});
    this.closed.catch(() => {});
  }

  /**
   * Sends a terminal size (width and height in cells). Returns false when
   * the session has no resize channel (no tty, or protocol v1/v2).
   */
  resize(width: number, height: number): boolean {
    for (const [name, value] of [['width', width], ['height', height]] as const) {
      if (!Number.isInteger(value) || value < 0 || value > 0xffff) {
        throw new KubeError('ERR_KUBE_INVALID_ARGUMENT', `${name} must be an integer 0..65535, got ${String(value)}`);
      }
    }
    const channel = this.resizeChannel;
    if (channel === null || channel.writableEnded || channel.destroyed) return false;
    channel.write(`${JSON.stringify({ Width: width, Height: height })}\n`);
    return true;
  }

  /** Ends it now: every channel still open is reset, then the connection closes (GOAWAY). */
  async close(): Promise<void> {
    resetChannels(this.channels);
    await this.session.close();
  }
}

/** Runs `command` in a pod; `podUrl` is the pod's API URL (https://HOST/api/v1/namespaces/NS/pods/POD). */
export function exec(podUrl: string | URL, command: readonly string[], options: ExecOptions = {}): Promise<RemoteProcess> {
  if (command.length === 0) return Promise.reject(new KubeError('ERR_KUBE_INVALID_ARGUMENT', 'exec needs a command'));
  return start('exec', podUrl, command, options);
}

/** Attaches to the main process of a container: the same channels, no command. */
export function attach(podUrl: string | URL, options: ExecOptions = {}): Promise<RemoteProcess> {
  return start('attach', podUrl, [], options);
}

/** The URL of `podUrl`'s exec or attach subresource with kubectl's query. */
export function execUrl(podUrl: string | URL, subresource: 'exec' | 'attach', command: readonly string[], options: ExecOptions): URL {
  const url = new URL(podUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${subresource}`;
  for (const word of command) url.searchParams.append('command', word);
  if (options.container !== undefined) url.searchParams.set('container', options.container);
  const { stdin, stdout, stderr, tty } = wanted(options);
  url.searchParams.set('stdin', String(stdin));
  url.searchParams.set('stdout', String(stdout));
  url.searchParams.set('stderr', String(stderr));
  url.searchParams.set('tty', String(tty));
  return url;
}

function wanted(options: ExecOptions): { stdin: boolean; stdout: boolean; stderr: boolean; tty: boolean } {
  const tty = options.tty === true;
  return { stdin: options.stdin === true, stdout: options.stdout !== false, stderr: options.stderr !== false && !tty, tty };
}

async function start(subresource: 'exec' | 'attach', podUrl: string | URL, command: readonly string[], options: ExecOptions): Promise<RemoteProcess> {
  const want = wanted(options);
  if (!want.stdin && !want.stdout && !want.stderr) {
    throw new KubeError('ERR_KUBE_INVALID_ARGUMENT', 'at least one of stdin, stdout and stderr is needed');
  }
  const offered = options.protocols ?? EXEC_PROTOCOLS;
  if (offered.length === 0) throw new KubeError('ERR_KUBE_INVALID_ARGUMENT', 'protocols must offer at least one protocol');
  const { session, protocol } = await upgradeToSpdy(execUrl(podUrl, subresource, command, options), { ...options, protocols: offered });
  const version = execProtocolVersion(protocol);
  const timeout = options.streamTimeout ?? STREAM_TIMEOUT;
  // All channels are opened before any byte is written: the server starts the command only once it has them all.
  const types = [
    StreamType.error,
    want.stdin ? StreamType.stdin : null,
    want.stdout ? StreamType.stdout : null,
    want.stderr ? StreamType.stderr : null,
    want.tty && version >= 3 ? StreamType.resize : null,
  ];
  const opened = types.map((type) => (type === null ? null : openChannel(session, { [STREAM_TYPE]: type }, timeout)));
  let channels: Array<ClientStream | null>;
  try {
    channels = await Promise.all(opened);
  } catch (error) {
    await Promise.allSettled(opened);
    session.destroy();
    throw error;
  }
  const [errorChannel, stdin, stdout, stderr, resize] = channels;
  const remote = new RemoteProcess(session, protocol, errorChannel!, stdin!, stdout!, stderr!, resize!);
  if (options.terminalSize !== undefined) remote.resize(options.terminalSize.width, options.terminalSize.height);
  return remote;
}

/** What the error channel's whole content means in protocol `version`. Throws the failure. */
export function exitStatus(version: number, message: string): ExitStatus {
  if (version < 4) {
    // Up to v3 the channel is empty on success and holds the error's text otherwise.
    if (message.length === 0) return { code: 0, message: '' };
    throw new KubeError('ERR_KUBE_EXEC_FAILED', `error executing remote command: ${message}`);
  }
  if (message.length === 0) throw new KubeError('ERR_KUBE_PROTOCOL', 'the error channel ended without the exit status');
  const status = parseStatus(message);
  if (status === null) throw new KubeError('ERR_KUBE_PROTOCOL', `the error channel holds no Status: ${JSON.stringify(message.slice(0, 200))}`);
  if (status.status === 'Success') return { code: 0, message: status.message ?? '', status };
  if (status.status !== 'Failure') {
    throw new KubeError('ERR_KUBE_PROTOCOL', `the error channel's Status is neither Success nor Failure: ${String(status.status)}`, { status });
  }
  if (status.reason === NON_ZERO_EXIT_CODE) {
    const code = exitCodeOf(status);
    if (code === null) throw new KubeError('ERR_KUBE_PROTOCOL', 'a NonZeroExitCode Status without a valid ExitCode cause', { status });
    return { code, message: status.message ?? `command terminated with exit code ${code}`, status };
  }
  throw new KubeError('ERR_KUBE_EXEC_FAILED', status.message ?? `the command failed (${status.reason ?? 'no reason given'})`, { status });
}
