/**
 * The reply the proxy makes up itself when a backend fails before its
 * headers: shrpx's HTML page naming the status, with the server's name
 * and port as its signature.
 */
import { errorPage, reasonPhrase } from '../io/static/http-status.js';

export interface ErrorReply {
  readonly status: number;
  readonly statusText: string;
  /** content-type, server and content-length, lower-case names. */
  readonly headers: Array<[string, string]>;
  readonly body: Buffer;
}

export function errorReply(status: number, serverName: string, port: number): ErrorReply {
  const body = Buffer.from(errorPage(status, undefined, `${serverName} at port ${port}`), 'utf8');
  return {
    status,
    statusText: reasonPhrase(status),
    headers: [
      ['content-type', 'text/html; charset=UTF-8'],
      ['server', serverName],
      ['content-length', String(body.length)],
    ],
    body,
  };
}
