/**
 * The server's side of port-forward, as the kubelet serves it: channels
 * come in pairs (error and data) joined by `requestid`; each needs a valid
 * `port` and `streamtype`, or it is reset. A complete pair runs the
 * forwarder with the data channel; its failure is written on the error
 * channel as text, and both channels are then ended. A pair whose second
 * channel does not come within 30 s is dropped with a message.
 */
import * as net from 'node:net';
import type { Duplex } from 'node:stream';
import type { ServerSession, ServerStream } from '../io/server-session.js';
import { PORT, REQUEST_ID, STREAM_TIMEOUT, STREAM_TYPE, StreamType } from './protocol.js';

export interface ForwardRequest {
  /** The pod's port the client asked for. */
  port: number;
  requestId: string;
  namespace: string | null;
  pod: string | null;
}

/**
 * Carries one forwarded connection: copy between `data` and the pod's
 * `port`; resolve when done, throw to report a failure to the client.
 */
export type PortForwardHandler = (data: Duplex, request: ForwardRequest) => void | Promise<void>;

interface Pair {
  error?: ServerStream;
  data?: ServerStream;
  timer: ReturnType<typeof setTimeout>;
}

/** Serves port-forward on a session that was just upgraded. */
export function servePortForward(
  session: ServerSession,
  where: { namespace: string | null; pod: string | null },
  forward: PortForwardHandler,
  streamTimeout = STREAM_TIMEOUT,
): void {
  const pairs = new Map<string, Pair>();
  session.once('close', () => {
    for (const pair of pairs.values()) clearTimeout(pair.timer);
    pairs.clear();
  });
  session.on('stream', (stream: ServerStream) => {
    stream.on('error', () => {});
    stream.peerCancelEnds = true;
    const headers = stream.headers ?? {};
    const portText = String(headers[PORT] ?? '');
    const type = String(headers[STREAM_TYPE] ?? '');
    const port = /^\d{1,5}$/.test(portText) ? Number(portText) : 0;
    if (port < 1 || port > 65535 || (type !== StreamType.error && type !== StreamType.data)) {
      // The kubelet rejects such a stream with a reset.
      stream.close();
      return;
    }
    stream.respond({}, { http: false });
    // Old clients sent no request id: stream ids of a pair then differ by 2, error first (the kubelet's fallback).
    const requestId = headers[REQUEST_ID] !== undefined ? String(headers[REQUEST_ID]) : String(type === StreamType.error ? stream.id : stream.id - 2);
    let pair = pairs.get(requestId);
    if (pair === undefined) {
      const created: Pair = {
        timer: setTimeout(() => {
          pairs.delete(requestId);
          created.error?.end(`timed out waiting for streams of request ${requestId}`);
          created.data?.close();
        }, streamTimeout),
      };
      created.timer.unref();
      pairs.set(requestId, created);
      pair = created;
    }
    const slot = type === StreamType.error ? 'error' : 'data';
    if (pair[slot] !== undefined) {
      pair.error?.write(`error processing stream for request ${requestId}: ${type} stream already assigned`);
      stream.close();
      return;
    }
    pair[slot] = stream;
    if (pair.error === undefined || pair.data === undefined) return;
    clearTimeout(pair.timer);
    pairs.delete(requestId);
    void runPair(pair.error, pair.data, { port, requestId, ...where }, forward);
  });
}

async function runPair(error: ServerStream, data: ServerStream, request: ForwardRequest, forward: PortForwardHandler): Promise<void> {
  try {
    await forward(data, request);
  } catch (failure) {
    const message = failure instanceof Error ? failure.message : String(failure);
    error.write(`error forwarding port ${request.port} to pod ${request.pod ?? ''}: ${message}`);
  }
  if (!data.destroyed && !data.writableEnded) data.end();
  if (!error.destroyed && !error.writableEnded) error.end();
}

/**
 * The kubelet's forwarder, for a pod whose ports are reachable at `host`:
 * connects to `host:port` and copies both ways, each side's EOF passed on
 * as a half-close; fails when the connection cannot be made.
 */
export function forwardToHost(host = '127.0.0.1'): PortForwardHandler {
  return (data, request) =>
    new Promise<void>((resolve, reject) => {
      const socket = net.connect({ host, port: request.port, allowHalfOpen: true });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        socket.on('error', () => socket.destroy());
        socket.pipe(data);
        data.pipe(socket);
        // The client reset the pair (or the session went): nothing more to carry.
        data.once('close', () => socket.destroy());
        socket.once('close', () => resolve());
      });
    });
}
