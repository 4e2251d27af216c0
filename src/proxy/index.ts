/** The SPDY reverse proxy in front of HTTP/1.1 backends (spdylay's shrpx). */
export { createProxy, SpdyProxy } from './proxy.js';
export type { ProxyOptions, ResolvedProxyOptions, BackendAddress } from './options.js';
export type { LogLevel } from './context.js';
export type { AccessLogEntry } from './access-log.js';
export { formatAccessLine, formatAcceptLine } from './access-log.js';
