/**
 * `port-forward` as kubectl does it over SPDY, on one connection for any
 * number of ports: listen locally, and for each accepted connection open a
 * pair of channels with the same `port` and a `requestid` counting from 0,
 * an error channel (half-closed at once: only the server writes on it) and
 * a data channel, and copy bytes both ways. When the remote side is done
 * the pair is reset; a message on the error channel fails that one
 * connection (client-go closes the whole SPDY connection instead, every
 * forwarded port with it), unless the message asks for it
 * (`closeConnection`).
 */
import { EventEmitter } from 'node:events';
import * as net from 'node:net';
import type { ClientSession, ClientStream } from '../io/client.js';
import { openChannel, readChannel, resetChannels } from './channels.js';
import { upgradeToSpdy } from './connection.js';
import type { KubeConnectOptions } from './connection.js';
import { KubeError } from './errors.js';
import { PORT, PORT_FORWARD_PROTOCOL, REQUEST_ID, STREAM_TIMEOUT, STREAM_TYPE, StreamType } from './protocol.js';

export interface PortForwardOptions extends KubeConnectOptions {
  /** Local address to listen on (default 127.0.0.1). */
  address?: string;
  /** ms to wait for the server to answer each channel (default 30000). */
  streamTimeout?: number;
}

/** `8080`, `8080:80` (local:remote), `:80` or `0:80` (a free local port), or the pair itself. */
export type PortSpec = number | string | { local?: number; remote: number };

export interface ForwardedPort {
  /** The local port listened on (the real one when 0 was asked for). */
  local: number;
  remote: number;
}

/** Where a failure happened: the local and remote port and the connection's request id. */
export interface ForwardContext extends ForwardedPort {
  requestId: number;
}

/**
 * Forwards local ports into a pod. Events: 'connection' (socket,
 * context), 'forwardError' (error, context: one forwarded connection
 * failed and was closed), 'close' (error or null: the SPDY connection
 * ended, and with it every listener).
 */
export class PortForwarder extends EventEmitter {
  /** The ports, in the order given, with the real local ports. */
  readonly ports: ForwardedPort[] = [];
  /** Settles when the forwarder has stopped: resolves after close(), rejects when the connection was lost. */
  readonly closed: Promise<void>;
  private readonly servers: net.Server[] = [];
  private readonly sockets = new Set<net.Socket>();
  private nextRequestId = 0;
  private stopping = false;
  private finish!: (error: Error | null) => void;

  /** @internal Use portForward(). */
  constructor(
    readonly session: ClientSession,
    private readonly options: PortForwardOptions,
  ) {
    super();
    this.closed = new Promise<void>((resolve, reject) => {
      this.finish = (error) => (error === null ? resolve() : reject(error));
    });
    this.closed.catch(() => {});
    session.once('close', () => this.sessionClosed());
  }

  /** @internal Listens for one port. */
  async listen(spec: { local: number; remote: number }): Promise<void> {
    // Half-open: a local client's EOF must not close the socket before the pod's answer has come back.
    const server = net.createServer({ allowHalfOpen: true }, (socket) => this.forward(socket, entry));
    const entry: ForwardedPort = { local: spec.local, remote: spec.remote };
    this.servers.push(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(spec.local, this.options.address ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    entry.local = (server.address() as net.AddressInfo).port;
    this.ports.push(entry);
  }

  /** Stops listening, closes every forwarded connection and the SPDY connection. */
  async close(): Promise<void> {
    this.stopping = true;
    for (const server of this.servers) server.close();
    for (const socket of this.sockets) socket.destroy();
    await this.session.close();
    await this.closed.catch(() => {});
  }

  private sessionClosed(): void {
    for (const server of this.servers) server.close();
    for (const socket of this.sockets) socket.destroy();
    const error = this.stopping ? null : (this.session.error ?? new KubeError('ERR_KUBE_PROTOCOL', 'lost connection to pod'));
    this.finish(error);
    this.emit('close', error);
  }

  private forward(socket: net.Socket, port: ForwardedPort): void {
    if (this.stopping || this.session.closing || this.session.destroyed) {
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    socket.on('error', () => {}); // What matters is reported below, per connection.
    socket.pause();
    const context: ForwardContext = { ...port, requestId: this.nextRequestId++ };
    this.emit('connection', socket, context);
    this.pair(socket, context).then(
      () => {
        // The pod's side is over: once what it sent is written out, the local connection goes too.
        if (socket.writableFinished || socket.destroyed) socket.destroy();
        else socket.once('finish', () => socket.destroy());
        if (!socket.writableEnded) socket.end();
      },
      (error: Error) => {
        socket.destroy();
        if (!this.stopping && !this.session.destroyed) this.emit('forwardError', error, context);
      },
    );
  }

  /** One forwarded connection: its two channels, the copy both ways, and the verdict of the error channel. */
  private async pair(socket: net.Socket, context: ForwardContext): Promise<void> {
    const headers = { [STREAM_TYPE]: StreamType.error, [PORT]: String(context.remote), [REQUEST_ID]: String(context.requestId) };
    const timeout = this.options.streamTimeout ?? STREAM_TIMEOUT;
    const errorChannel = await openChannel(this.session, headers, timeout);
    errorChannel.end(); // Only the server writes on it.
    const verdict = readChannel(errorChannel);
    verdict.catch(() => {});
    let data: ClientStream;
    try {
      data = await openChannel(this.session, { ...headers, [STREAM_TYPE]: StreamType.data }, timeout);
    } catch (error) {
      resetChannels([errorChannel]);
      throw error;
    }
    await copyBothWays(socket, data);
    // The remote side is done (or the local one failed): drop whatever is still queued, as client-go does.
    resetChannels([data]);
    let message: string;
    try {
      message = (await verdict).toString('utf8');
    } finally {
      resetChannels([errorChannel]);
    }
    if (message.length === 0) return;
    const { text, closeConnection } = forwardMessage(message);
    const error = new KubeError('ERR_KUBE_FORWARD_FAILED', `an error occurred forwarding ${context.local} -> ${context.remote}: ${text}`);
    if (closeConnection) this.session.destroy(error);
    throw error;
  }
}

/**
 * Copies `socket` ⇄ `data` with backpressure; the local EOF half-closes
 * the channel (FIN), the channel's end half-closes the socket. Resolves
 * when the remote side is done (its data channel ended or failed) or the
 * local connection failed.
 */
function copyBothWays(socket: net.Socket, data: ClientStream): Promise<void> {
  return new Promise((resolve) => {
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      socket.unpipe(data);
      resolve();
    };
    socket.pipe(data);
    data.pipe(socket);
    data.once('end', finish);
    data.once('close', finish);
    socket.once('error', finish);
    socket.once('close', () => {
      // A local connection closed before sending its EOF ends the pair; after its EOF, wait for the remote side.
      if (!socket.readableEnded) finish();
    });
    socket.resume();
  });
}

/** The error channel's text: plain, or JSON `{ message, closeConnection }`. */
function forwardMessage(message: string): { text: string; closeConnection: boolean } {
  try {
    const value = JSON.parse(message) as unknown;
    if (typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string') {
      const object = value as { message: string; closeConnection?: unknown };
      return { text: object.message, closeConnection: object.closeConnection === true };
    }
  } catch {
    // Plain text, as the kubelet writes.
  }
  return { text: message, closeConnection: false };
}

/** Parses `8080`, `8080:80`, `:80`, `0:80`. */
export function parsePortSpec(spec: PortSpec): { local: number; remote: number } {
  if (typeof spec === 'object') {
    return { local: checkedPort(spec.local ?? 0, 'local', true), remote: checkedPort(spec.remote, 'remote', false) };
  }
  if (typeof spec === 'number') return { local: checkedPort(spec, 'local', false), remote: checkedPort(spec, 'remote', false) };
  const parts = spec.split(':');
  if (parts.length > 2) throw new KubeError('ERR_KUBE_INVALID_ARGUMENT', `invalid port format '${spec}' (LOCAL:REMOTE)`);
  const [localText, remoteText] = parts.length === 1 ? [parts[0]!, parts[0]!] : [parts[0] === '' ? '0' : parts[0]!, parts[1]!];
  return { local: checkedPort(numberOf(localText, spec), 'local', true), remote: checkedPort(numberOf(remoteText, spec), 'remote', false) };
}

function numberOf(text: string, spec: string): number {
  if (!/^\d+$/.test(text)) throw new KubeError('ERR_KUBE_INVALID_ARGUMENT', `invalid port '${text}' in '${spec}'`);
  return Number(text);
}

function checkedPort(port: number, which: string, zeroAllowed: boolean): number {
  if (!Number.isInteger(port) || port < (zeroAllowed ? 0 : 1) || port > 65535) {
    throw new KubeError('ERR_KUBE_INVALID_ARGUMENT', `${which} port must be ${zeroAllowed ? '0' : '1'}..65535, got ${String(port)}`);
  }
  return port;
}

/**
 * Forwards `ports` of the pod at `podUrl` (https://HOST/api/v1/namespaces/NS/pods/POD)
 * through one SPDY connection; resolves once every port listens.
 */
export async function portForward(podUrl: string | URL, ports: readonly PortSpec[], options: PortForwardOptions = {}): Promise<PortForwarder> {
  if (ports.length === 0) throw new KubeError('ERR_KUBE_INVALID_ARGUMENT', 'port-forward needs at least one port');
  const specs = ports.map(parsePortSpec);
  const url = new URL(podUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/portforward`;
  const { session, protocol } = await upgradeToSpdy(url, { ...options, protocols: [PORT_FORWARD_PROTOCOL] });
  if (protocol !== PORT_FORWARD_PROTOCOL) {
    session.destroy();
    throw new KubeError('ERR_KUBE_BAD_UPGRADE', `unable to negotiate protocol: we offer ${PORT_FORWARD_PROTOCOL}, the server returned ${protocol ?? 'none'}`);
  }
  const forwarder = new PortForwarder(session, options);
  try {
    for (const spec of specs) await forwarder.listen(spec);
  } catch (error) {
    await forwarder.close();
    throw error;
  }
  return forwarder;
}
