/**
 * A submitted name/value list, made ready once at submit time:
 * - `nv`: what the frame shows its callbacks (beforeCtrlSendCb,
 *   onCtrlSendCb, onCtrlNotSendCb): lower-cased, sorted by name, repeated
 *   names as separate pairs, SPDY/3 names in every version. This is
 *   spdylay's frame->nv after spdylay_frame_nv_norm_copy (in SPDY/2 spdylay
 *   maps it to SPDY/2 names for packing and back again afterwards, so its
 *   callbacks see SPDY/3 names too).
 * - `wireNv`: what goes to HeaderBlockEncoder.encode: repeated names
 *   NUL-joined and, in SPDY/2, the six special names in their SPDY/2 form.
 *
 * Validation errors are thrown here, at submit time, as python-spdylay
 * raises them from submit_*; nothing is left to fail when the frame is sent.
 */
import type { NameValue } from '../frame/types.js';
import type { VersionFacts } from '../version.js';
import type { HeaderEncoding } from './codec.js';
import { joinNv, mapNamesTo2, sortNv } from './nv.js';

export interface PreparedNv {
  nv: NameValue[];
  wireNv: NameValue[];
}

/** Throws InvalidArgumentError for a bad list (see sortNv); pass the session's encoding for latin1's range check. */
export function prepareNv(
  nv: readonly (readonly [string, string])[],
  facts: VersionFacts,
  encoding: HeaderEncoding = 'utf8',
): PreparedNv {
  const sorted = sortNv(nv, encoding);
  const joined = joinNv(sorted);
  return { nv: sorted, wireNv: facts.wireVersion === 2 ? mapNamesTo2(joined) : joined };
}
