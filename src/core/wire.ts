/** Wire-level sizes and limits shared by framing and the session. */

/** Every frame starts with 8 bytes: C bit, version or stream id, type, flags, 24-bit length. */
export const FRAME_HEAD_LENGTH = 8;
/** The largest payload a 24-bit length field can carry. */
export const MAX_FRAME_LENGTH = 0xffffff;
/** Stream ids, PING ids and window sizes are 31-bit. */
export const MAX_31BIT = 0x7fffffff;
/** spdylay's initial window, stream and session level, both directions. */
export const INITIAL_WINDOW_SIZE = 65536;
/** What spdylay asks a data provider for, and so the largest DATA payload it sends. */
export const DEFAULT_DATA_CHUNK_SIZE = 4096;
/** What spdylay asks recv_cb for. */
export const RECV_CHUNK_SIZE = 16384;
/** Fixed payload bytes of SYN_STREAM before its header block (all versions). */
export const SYN_STREAM_FIXED_LENGTH = 10;
