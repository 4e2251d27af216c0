/**
 * The built-in encoder's PreparedHeaderBlock (spdy-codec.ts prepare): a
 * submitted name/value list, made ready once at submit time:
 * - `nv`: what the frame shows its callbacks (beforeCtrlSendCb,
 *   onCtrlSendCb, onCtrlNotSendCb): lower-cased, sorted by name, repeated
 *   names as separate pairs, SPDY/3 names in every version. This is
 *   spdylay's frame->nv after spdylay_frame_nv_norm_copy (in SPDY/2 spdylay
 *   maps it to SPDY/2 names for packing and back again afterwards, so its
 *   callbacks see SPDY/3 names too).
 * - `wireNv`: what the encoder packs: repeated names NUL-joined and, in
 *   SPDY/2, the six special names in their SPDY/2 form.
 * - `wireText`: under UTF-8, wireNv's block as one string (nv-pack.ts
 *   packText), which the encoder packs from; null under latin1 or for a
 *   block too long for that path.
 *
 * Only the encoder reads wireNv and wireText; the session carries the
 * block from submit to send and reads `nv` alone.
 *
 * Validation errors are thrown here, at submit time, as python-spdylay
 * raises them from submit_*; nothing is left to fail when the frame is sent.
 *
 * Values are searched for NUL in the block's text, not one by one, so that
 * the application's own strings are never flattened; only a NUL found there
 * (a joinNv separator or a value's own) sends the search to the values.
 * Why, and what it is worth: docs/performance.md ("The prepared text",
 * "Flattening").
 */
import type { HeaderEncoding, NameValue, PreparedHeaderBlock } from '../header-codec.js';
import type { VersionFacts } from '../version.js';
import { packText } from './nv-pack.js';
import { matchShape, rememberShape, shapeText, sortByShape } from './nv-shape.js';
import { checkValuesForNul, joinNv, mapNamesTo2, sortNvDeferringNul } from './nv.js';

export interface PreparedNv extends PreparedHeaderBlock {
  nv: NameValue[];
  wireNv: NameValue[];
  wireText: string | null;
}

/** Throws InvalidArgumentError for a bad list (see sortNv); pass the session's encoding for latin1's range check. */
export function prepareNv(
  nv: readonly (readonly [string, string])[],
  facts: VersionFacts,
  encoding: HeaderEncoding = 'utf8',
): PreparedNv {
  if (encoding === 'latin1') {
    // sortNv checks every character of a latin1 value, NUL included.
    const sorted = sortNvDeferringNul(nv, encoding);
    const joined = joinNv(sorted);
    return { nv: sorted, wireNv: facts.wireVersion === 2 ? mapNamesTo2(joined) : joined, wireText: null };
  }
  // A list shaped like a recent one skips the work on its names (nv-shape.ts).
  let shape = matchShape(nv);
  let sorted: NameValue[];
  if (shape !== null) {
    sorted = sortByShape(nv, shape);
  } else {
    sorted = sortNvDeferringNul(nv, encoding);
    shape = rememberShape(nv);
  }
  const joined = shape !== null && shape.unique ? sorted : joinNv(sorted);
  const wireNv = facts.wireVersion === 2 ? mapNamesTo2(joined) : joined;
  const wireText =
    wireNv === sorted && shape !== null ? shapeText(shape, sorted, facts.nvLengthSize) : packText(wireNv, facts.nvLengthSize);
  // Joining only ever removes pairs: as many pairs as submitted means no separators.
  if (wireText === null || wireNv.length !== sorted.length || wireText.indexOf('\0') !== -1) checkValuesForNul(sorted);
  return { nv: sorted, wireNv, wireText };
}
