/**
 * shrpx's access log: one line per response, written when its headers go
 * out, and one per accepted connection:
 *
 *   127.0.0.1 [Wed Jun 30 21:49:08 1993] 200 1 "GET /index.html HTTP/1.1"
 *   127.0.0.1 [Wed Jun 30 21:49:08 1993] ACCEPT
 *
 * The date is ctime(3)'s, in local time; the number after the status is the
 * SPDY stream id (0 for HTTP/1.1). On a terminal the status is coloured by
 * its class, as shrpx does.
 */

/** One response, as the proxy reports it to `accessLog`. */
export interface AccessLogEntry {
  readonly time: Date;
  readonly clientAddress: string;
  readonly status: number;
  /** The SPDY stream id; 0 for an HTTP/1.1 request. */
  readonly streamId: number;
  readonly method: string;
  readonly path: string;
  /** The request's HTTP version, "1.1". */
  readonly httpVersion: string;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** ctime(3) without its newline: "Wed Jun 30 21:49:08 1993" (local time). */
export function ctime(time: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const day = String(time.getDate()).padStart(2, ' ');
  const clock = `${two(time.getHours())}:${two(time.getMinutes())}:${two(time.getSeconds())}`;
  return `${DAYS[time.getDay()]} ${MONTHS[time.getMonth()]} ${day} ${clock} ${time.getFullYear()}`;
}

/** The colour shrpx gives a status class on a terminal. */
function statusColor(status: number): string {
  if (status <= 199) return '\x1b[1;36m';
  if (status <= 299) return '\x1b[1;32m';
  if (status <= 399) return '\x1b[1;34m';
  if (status <= 499) return '\x1b[1;31m';
  if (status <= 599) return '\x1b[1;35m';
  return '';
}

/** The access-log line for one response (no newline). */
export function formatAccessLine(entry: AccessLogEntry, color = false): string {
  const [on, off] = color ? [statusColor(entry.status), '\x1b[0m'] : ['', ''];
  const request = `${entry.method} ${entry.path} HTTP/${entry.httpVersion}`;
  return `${on}${entry.clientAddress} [${ctime(entry.time)}] ${entry.status}${off} ${entry.streamId} "${request}"`;
}

/** The access-log line for an accepted connection (no newline). */
export function formatAcceptLine(clientAddress: string, time: Date): string {
  return `${clientAddress} [${ctime(time)}] ACCEPT`;
}
