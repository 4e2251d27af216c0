/**
 * The Node adapters: sockets, TLS with ALPN, the idiomatic client and
 * server (modelled on Node's http2 module), python-spdylay's simple client
 * and server, and what the command-line tools share.
 */
export { connect, ClientSession, ClientStream, PushedStream } from './client.js';
export type { ConnectOptions, RequestOptions } from './client.js';
export { createServer, SpdyServer } from './server.js';
export type { ServerOptions, RequestHandler } from './server.js';
export { ServerSession, ServerStream } from './server-session.js';
export type { ServerSessionOptions, RespondOptions } from './server-session.js';
export { ServerRequest, ServerResponse } from './compat.js';
export { SpdySession } from './session.js';
export type { SessionOptions as NodeSessionOptions } from './session.js';
export { SpdyStream } from './stream.js';
export { request } from './fetch.js';
export type { FetchOptions, FetchResponse } from './fetch.js';
export { SpdyError } from './errors.js';
export { DEFAULT_MIN_COMPRESS_LENGTH } from './content-coding.js';
export type { CompressionOptions, DecompressionOptions } from './content-coding.js';
export type { SpdyErrorCode } from './errors.js';
export type { IncomingHeaders, OutgoingHeaders } from './headers.js';
export { SPDY_PROTOCOLS } from './alpn.js';
export type { SpdyProtocol } from './alpn.js';
export { selfSignedCertificate } from './certificate.js';
export type { Certificate } from './certificate.js';
export { urlfetch, BaseSPDYStreamHandler } from './urlfetch.js';
export type { StreamHandlerClass } from './urlfetch.js';
export { ThreadedSPDYServer, BaseSPDYRequestHandler } from './threaded-server.js';
export type { RequestHandlerClass } from './threaded-server.js';
