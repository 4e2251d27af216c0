/**
 * Opening and reading Kubernetes' channels: SPDY streams whose SYN_STREAM
 * carries only `streamtype` (and, for port-forward, `port` and
 * `requestid`), answered by a SYN_REPLY without headers. The peer ends a
 * channel with FIN or RST_STREAM CANCEL alike (the kubelet resets every
 * stream when the command is over), so a CANCEL ends a channel here, with
 * everything that arrived before it still readable.
 */
import type { ClientSession, ClientStream } from '../io/client.js';
import type { SpdyStream } from '../io/stream.js';
import { KubeError } from './errors.js';
import { STREAM_TIMEOUT } from './protocol.js';

/** Opens a channel with `headers` (stream type first) and resolves once the peer answered it. */
export function openChannel(session: ClientSession, headers: Record<string, string>, timeout = STREAM_TIMEOUT): Promise<ClientStream> {
  const stream = session.request(headers, { http: false });
  stream.peerCancelEnds = true;
  // The channel's failures are reported by whoever uses it (an exit promise, a forwarder event):
  // an unlistened 'error' must not bring the process down.
  stream.on('error', () => {});
  return new Promise((resolve, reject) => {
    const describe = Object.entries(headers).map(([n, v]) => `${n}=${v}`).join(' ');
    const timer = setTimeout(() => {
      stream.close();
      reject(new KubeError('ERR_KUBE_TIMEOUT', `the server did not answer the ${describe} stream within ${timeout} ms`));
    }, timeout);
    const settle = (error: Error | null) => {
      clearTimeout(timer);
      stream.off('response', onResponse);
      stream.off('close', onClose);
      if (error === null) resolve(stream);
      else reject(error);
    };
    const onResponse = () => settle(null);
    const onClose = () =>
      settle(
        (stream.errored as Error | null) ??
          new KubeError('ERR_KUBE_PROTOCOL', `the server closed the ${describe} stream without answering it`),
      );
    stream.once('response', onResponse);
    stream.once('close', onClose);
  });
}

/** Everything a channel carries until it ends (FIN or the peer's CANCEL); rejects if it fails first. */
export function readChannel(stream: SpdyStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
    stream.once('close', () => {
      if (!stream.readableEnded) reject(stream.errored ?? new KubeError('ERR_KUBE_PROTOCOL', `stream ${stream.id} closed before it ended`));
    });
  });
}

/** Resolves once the peer has finished sending on a channel (FIN or CANCEL), or it closed; what it sent may still be unread. */
export function remoteDone(stream: SpdyStream | null): Promise<void> {
  if (stream === null || stream.remoteEnded || stream.isClosed || stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    stream.once('remoteEnd', () => resolve());
    stream.once('close', () => resolve());
  });
}

/**
 * Closes channels at the end of their use without losing what they hold
 * unread: one the peer has finished gets our FIN (a reset would destroy
 * its buffered bytes), any other is reset (RST_STREAM CANCEL), as
 * client-go's Connection.Close does.
 */
export function closeChannels(streams: ReadonlyArray<SpdyStream | null>): void {
  for (const stream of streams) {
    if (stream === null || stream.isClosed || stream.destroyed) continue;
    if (stream.remoteEnded) {
      if (!stream.writableEnded) stream.end();
    } else {
      stream.close();
    }
  }
}

/** Resets every channel still open (RST_STREAM CANCEL). */
export function resetChannels(streams: ReadonlyArray<SpdyStream | null>): void {
  for (const stream of streams) if (stream !== null && !stream.isClosed && !stream.destroyed) stream.close();
}
