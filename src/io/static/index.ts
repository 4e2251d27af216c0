/** The static file server at the heart of spdyd, apart from its sockets. */
export { resolveStatic, asksForNoResponse, DEFAULT_SERVER_NAME, INDEX_FILE } from './resolve.js';
export type { StaticRequest, StaticResponse, StaticBody, StaticFileBody, StaticBytesBody, StaticOptions } from './resolve.js';
export { openFileBody } from './file-body.js';
export { reasonPhrase, statusLine, errorPage } from './http-status.js';
export { httpDate, parseHttpDate } from './http-date.js';
export { contentTypeFor, DEFAULT_CONTENT_TYPE } from './content-type.js';
