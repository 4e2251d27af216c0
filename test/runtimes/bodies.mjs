/**
 * The exchange's bodies, apart from the core so Node can rebuild them
 * without loading it: deterministic bytes and their SHA-256 through
 * WebCrypto. Web APIs only, like exchange.mjs.
 */

export const BODY_LENGTH = 1024 * 1024;
export const GET_BODY_SEED = 0x5eed0001;
export const POST_BODY_SEED = 0x5eed0002;

/**
 * `length` bytes from xorshift32 seeded with `seed`: deterministic, so Node
 * can rebuild the same body, and incompressible, so nothing in between can
 * shortcut it.
 */
export function patternBody(seed, length) {
  const bytes = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

/** Lower-case hex SHA-256 through WebCrypto, the one digest every runtime here shares. */
export async function sha256Hex(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}
