/**
 * HTTP status lines and the HTML page that goes with an error status, in the
 * shape spdylay's spdyd and shrpx send: the status line as title and heading,
 * then a rule and the server's address line.
 */
import { escapeHtml } from './html.js';

export { httpDate, parseHttpDate } from './http-date.js';

// RFC 2616's phrases, the ones spdylay's own table uses, plus the codes that
// later RFCs added to HTTP/1.1 (308: RFC 7538; 426: RFC 7231; 428, 429, 431,
// 511: RFC 6585).
const REASON_PHRASES: ReadonlyMap<number, string> = new Map([
  [100, 'Continue'],
  [101, 'Switching Protocols'],
  [200, 'OK'],
  [201, 'Created'],
  [202, 'Accepted'],
  [203, 'Non-Authoritative Information'],
  [204, 'No Content'],
  [205, 'Reset Content'],
  [206, 'Partial Content'],
  [300, 'Multiple Choices'],
  [301, 'Moved Permanently'],
  [302, 'Found'],
  [303, 'See Other'],
  [304, 'Not Modified'],
  [305, 'Use Proxy'],
  [307, 'Temporary Redirect'],
  [308, 'Permanent Redirect'],
  [400, 'Bad Request'],
  [401, 'Unauthorized'],
  [402, 'Payment Required'],
  [403, 'Forbidden'],
  [404, 'Not Found'],
  [405, 'Method Not Allowed'],
  [406, 'Not Acceptable'],
  [407, 'Proxy Authentication Required'],
  [408, 'Request Timeout'],
  [409, 'Conflict'],
  [410, 'Gone'],
  [411, 'Length Required'],
  [412, 'Precondition Failed'],
  [413, 'Request Entity Too Large'],
  [414, 'Request-URI Too Long'],
  [415, 'Unsupported Media Type'],
  [416, 'Requested Range Not Satisfiable'],
  [417, 'Expectation Failed'],
  [426, 'Upgrade Required'],
  [428, 'Precondition Required'],
  [429, 'Too Many Requests'],
  [431, 'Request Header Fields Too Large'],
  [500, 'Internal Server Error'],
  [501, 'Not Implemented'],
  [502, 'Bad Gateway'],
  [503, 'Service Unavailable'],
  [504, 'Gateway Timeout'],
  [505, 'HTTP Version Not Supported'],
  [511, 'Network Authentication Required'],
]);

/** The standard reason phrase of `code`, or 'Unknown'. */
export function reasonPhrase(code: number): string {
  return REASON_PHRASES.get(code) ?? 'Unknown';
}

/** The value of SPDY's `:status` header: code and reason phrase, e.g. "404 Not Found". */
export function statusLine(code: number): string {
  return `${code} ${reasonPhrase(code)}`;
}

/**
 * The complete HTML page for an error reply. `message` replaces the reason
 * phrase after the code (as python's send_error does); `address` is the
 * signature line spdyd puts under the rule ("spdyd spdylay/1.4.0 at port
 * 3000"), left out with the rule when not given. Both are escaped.
 */
export function errorPage(code: number, message?: string, address?: string): string {
  const status = escapeHtml(`${code} ${message ?? reasonPhrase(code)}`);
  const signature = address === undefined ? '' : `<hr><address>${escapeHtml(address)}</address>`;
  return `<html><head><title>${status}</title></head><body><h1>${status}</h1>${signature}</body></html>`;
}
