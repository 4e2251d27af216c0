/**
 * python-spdylay's simple client: `urlfetch(urlOrUrls, StreamHandlerClass)`
 * fetches each URL with GET and reports the response to a handler object
 * (onHeader, onData, onClose). Successive URLs of one origin share one
 * session; origins are visited one after another, as in python-spdylay.
 * Beyond it: `http:` URLs speak plain SPDY/3.1, and a third argument takes
 * connect options (TLS trust, protocols).
 *
 * A thin layer over the client (client.ts), not a second implementation.
 */
import { CANCEL } from '../core/index.js';
import type { NameValue } from '../core/index.js';
import { connect } from './client.js';
import type { ClientSession, ConnectOptions } from './client.js';

declare const PACKAGE_VERSION: string | undefined;

/** The handler python-spdylay's urlfetch reports to; subclass it. */
export class BaseSPDYStreamHandler {
  url: string;
  /** The stream id, once the SYN_STREAM is sent (null before, as in python-spdylay). */
  streamId: number | null = null;

  constructor(url: string, readonly fetcher: unknown) {
    this.url = url;
  }

  /** Response headers (SYN_REPLY, then any HEADERS), as a name/value list. */
  onHeader(_nv: NameValue[]): void {}
  /** A chunk of the response body. */
  onData(_data: Uint8Array): void {}
  /** The stream closed: OK (0) when complete, else the RST_STREAM status (CANCEL when the connection was lost). */
  onClose(_statusCode: number): void {}
}

export type StreamHandlerClass = new (url: string, fetcher: unknown) => BaseSPDYStreamHandler;

/** Fetches every URL; settles when every stream has closed (rejects if a connection could not be made or failed). */
export async function urlfetch(
  urlOrUrls: string | readonly string[],
  StreamHandlerClass: StreamHandlerClass,
  options: ConnectOptions = {},
): Promise<void> {
  const urls = typeof urlOrUrls === 'string' ? [urlOrUrls] : [...urlOrUrls];
  for (const group of groupByOrigin(urls)) await fetchGroup(group, StreamHandlerClass, options);
}

/** Runs of successive URLs with the same origin. */
function groupByOrigin(urls: string[]): URL[][] {
  const groups: URL[][] = [];
  for (const raw of urls) {
    const url = new URL(raw);
    const last = groups.at(-1);
    if (last !== undefined && last[0]!.origin === url.origin) last.push(url);
    else groups.push([url]);
  }
  return groups;
}

async function fetchGroup(urls: URL[], StreamHandlerClass: StreamHandlerClass, options: ConnectOptions): Promise<void> {
  const session: ClientSession = connect(urls[0]!, options);
  const fetcher = { session };
  const closed = urls.map((url) => {
    const handler = new StreamHandlerClass(url.href, fetcher);
    return new Promise<void>((resolve) => {
      const stream = session.request(
        [
          [':method', 'GET'],
          [':path', `${url.pathname}${url.search}`],
          ['accept', '*/*'],
          ['user-agent', USER_AGENT],
        ],
        { priority: 0 },
      );
      stream.once('ready', (id: number) => {
        handler.streamId = id;
      });
      stream.on('response', () => handler.onHeader(stream.rawHeaders));
      stream.on('headers', (_headers: unknown, nv: NameValue[]) => handler.onHeader(nv));
      stream.on('data', (chunk: Buffer) => handler.onData(chunk));
      // Errors are reported through onClose's status, as python-spdylay does.
      stream.on('error', () => {});
      stream.once('close', () => {
        handler.onClose(stream.rstCode ?? CANCEL);
        resolve();
      });
      stream.resume();
    });
  });
  await Promise.all(closed);
  await session.close();
  if (session.error !== null) throw session.error;
}

const USER_AGENT = `spdylay/${typeof PACKAGE_VERSION === 'string' ? PACKAGE_VERSION : '0.1.0'}`;
