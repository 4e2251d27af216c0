/**
 * The bound on the header data one stream receives in all (config
 * maxStreamHeaderBytes): its opening block (SYN_STREAM or SYN_REPLY) and
 * every HEADERS after it. SPDY/3 lets HEADERS frames add to a stream's
 * headers without end, each bounded alone (maxHeaderBlockSize), so a peer
 * could otherwise make an application that keeps a stream's headers hold
 * any amount. A stream over its budget is reset with FRAME_TOO_LARGE, as
 * a block over maxHeaderBlockSize is.
 *
 * A list is counted as HTTP/2 counts one (RFC 7540 §6.5.2): each name's and
 * value's length plus 32 per pair, so a flood of tiny pairs costs what
 * holding them costs. spdylay has no such bound.
 */
import type { NameValue } from '../header-codec.js';

/** Default maxStreamHeaderBytes: 16 MiB, the size of the largest block spdylay accepts. */
export const DEFAULT_MAX_STREAM_HEADER_BYTES = 16 * 1024 * 1024;

/** What holding a pair is reckoned to cost beyond its characters (RFC 7540 §6.5.2). */
const PAIR_OVERHEAD = 32;

/** The size of `nv` as the budget counts it. */
export function headerListSize(nv: readonly NameValue[]): number {
  let size = nv.length * PAIR_OVERHEAD;
  for (let i = 0; i < nv.length; i++) {
    const pair = nv[i]!;
    size += pair[0].length + pair[1].length;
  }
  return size;
}
