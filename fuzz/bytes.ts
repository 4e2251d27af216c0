/** Byte helpers the fuzz harness shares. */

/** The core's one concatenation, under the name the harness uses. */
export { concatBytes as concat } from '../src/core/bytes.js';

export function hex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}
