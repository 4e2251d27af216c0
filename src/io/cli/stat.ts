/**
 * The block `spdycat -s` prints after a host's requests (print_stats in
 * spdylay's src/spdycat.cc): per request its URI, status, and the
 * milliseconds from the handshake to the SYN_REPLY and to the stream's
 * close, each followed in parentheses by the same from its SYN_STREAM.
 */

/**
 * One request's record. Times are milliseconds since the connection was
 * ready for SPDY (spdycat's on_handshake_time: after the TLS handshake, or
 * once connected with --no-tls); leave out a moment that never came.
 */
export interface RequestTiming {
  /** The URI as spdycat prints it: as typed, without its fragment. */
  readonly uri: string;
  /** The response's `:status`, '' when none came. */
  readonly status: string;
  /** When the SYN_STREAM went out. */
  readonly synStreamMs?: number;
  /** When the SYN_REPLY came in. */
  readonly synReplyMs?: number;
  /** When the stream closed. */
  readonly completeMs?: number;
}

/**
 * The statistics text for one connection's requests, in request order,
 * each line ending in a newline and each request followed by an empty
 * line. A delta is whole milliseconds, the fraction dropped as spdylay's
 * time_delta drops it. Throws RangeError for a reply or close time given
 * without the SYN_STREAM time it is measured from.
 */
export function formatStats(requests: readonly RequestTiming[]): string {
  let out = '***** Statistics *****\n';
  requests.forEach((request, i) => {
    out += `#${i + 1}: ${request.uri}\n`;
    out += `    Status: ${request.status}\n`;
    out += '    Delta (ms) from SSL/TLS handshake(SYN_STREAM):\n';
    if (request.synReplyMs !== undefined) out += `        SYN_REPLY: ${deltas(request, request.synReplyMs)}\n`;
    if (request.completeMs !== undefined) out += `        Completed: ${deltas(request, request.completeMs)}\n`;
    out += '\n';
  });
  return out;
}

function deltas(request: RequestTiming, atMs: number): string {
  if (request.synStreamMs === undefined) {
    throw new RangeError(`the timing of ${request.uri} has a reply or close time but no SYN_STREAM time`);
  }
  return `${Math.trunc(atMs)}(${Math.trunc(atMs - request.synStreamMs)})`;
}
