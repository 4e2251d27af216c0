/**
 * One request as a promise: `request(url, options)` connects (or uses a
 * given session), sends, reads the whole response and resolves with its
 * status, headers and body. The session it opened is closed afterwards.
 */
import { connect } from './client.js';
import type { ClientSession, ClientStream, ConnectOptions, RequestOptions } from './client.js';
import { SpdyError } from './errors.js';
import type { IncomingHeaders, OutgoingHeaders } from './headers.js';

export interface FetchOptions extends ConnectOptions, Omit<RequestOptions, 'endStream'> {
  /** Default GET. */
  method?: string;
  /** Request headers besides the pseudo-headers (which come from the URL and `method`). */
  headers?: OutgoingHeaders;
  /** Use this session instead of connecting (it is left open). */
  session?: ClientSession;
  /** Largest body accepted, in bytes (default 1 GiB); more fails the request. */
  maxBodyLength?: number;
}

export interface FetchResponse {
  status: number;
  statusText: string;
  headers: IncomingHeaders;
  /** The negotiated protocol (`spdy/3.1`, ...). */
  protocol: string;
  body: Buffer;
  text(): string;
  json(): unknown;
  arrayBuffer(): ArrayBuffer;
}

const DEFAULT_MAX_BODY = 1 << 30;

export async function request(url: string | URL, options: FetchOptions = {}): Promise<FetchResponse> {
  const target = typeof url === 'string' ? new URL(url) : url;
  const own = options.session === undefined;
  const session = options.session ?? connect(target, options);
  try {
    const headers: OutgoingHeaders = [
      [':method', options.method ?? 'GET'],
      [':path', `${target.pathname}${target.search}`],
      ...normalised(options.headers),
    ];
    const stream = session.request(headers, {
      body: options.body,
      priority: options.priority,
      signal: options.signal,
      timeout: options.timeout,
      decompress: options.decompress,
    });
    const body = await readAll(stream, options.maxBodyLength ?? DEFAULT_MAX_BODY);
    if (stream.statusCode === undefined) {
      throw new SpdyError('ERR_SPDY_PROTOCOL', `stream ${stream.id} ended without a valid :status`);
    }
    return {
      status: stream.statusCode,
      statusText: stream.statusMessage,
      headers: stream.headers ?? {},
      protocol: session.protocol ?? '',
      body,
      text: () => body.toString('utf8'),
      json: () => JSON.parse(body.toString('utf8')) as unknown,
      arrayBuffer: () => body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer,
    };
  } finally {
    if (own) await session.close();
  }
}

function normalised(headers: OutgoingHeaders | undefined): Array<[string, string]> {
  if (headers === undefined) return [];
  if (Array.isArray(headers)) return headers.map(([n, v]) => [n, v]);
  const out: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) out.push([name, String(v)]);
    else out.push([name, String(value)]);
  }
  return out;
}

/** Reads a stream to its end; rejects with the stream's error. */
export function readAll(stream: ClientStream, maxLength: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    stream.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length > maxLength) {
        stream.close(undefined, new SpdyError('ERR_SPDY_INVALID_ARGUMENT', `the body exceeds maxBodyLength (${maxLength} bytes)`));
        return;
      }
      chunks.push(chunk);
    });
    stream.once('end', () => resolve(Buffer.concat(chunks, length)));
    stream.once('error', reject);
    stream.once('close', () => {
      if (!stream.readableEnded) reject(new SpdyError('ERR_SPDY_ABORTED', `stream ${stream.id} closed before its end`));
    });
  });
}
