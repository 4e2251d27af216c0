/** Types for bodies.mjs, which stays plain JavaScript so browsers load it as served. */

export declare const BODY_LENGTH: number;
export declare const GET_BODY_SEED: number;
export declare const POST_BODY_SEED: number;

export declare function patternBody(seed: number, length: number): Uint8Array;
export declare function sha256Hex(bytes: Uint8Array): Promise<string>;
