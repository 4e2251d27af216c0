/**
 * spdylay's verdict on a received SYN_STREAM, SYN_REPLY or HEADERS, from two
 * sources: the frame decoder's verdict on the framing (FrameSink
 * onHeaderBlockEnd) and the header codec's on the block. The decoder only
 * reports the block's bytes; the session feeds them to its codec, so the
 * two verdicts meet here.
 *
 * The order is spdylay's (spdylay_session_mem_recv and
 * spdylay_session_process_ctrl_frame):
 * 1. ERR_INVALID_FRAME from the framing: a SYN_REPLY/HEADERS of a version
 *    other than 2 or 3, which spdylay never inflates.
 * 2. ERR_ZLIB from the codec: the compression context is broken, a parse
 *    error that ends the session.
 * 3. ERR_FRAME_TOO_LARGE from either: the frame exceeded
 *    maxControlFrameLength, or the inflated block the codec's cap. A stream
 *    error; the zlib context is still in step.
 * 4. ERR_UNSUPPORTED_VERSION from the framing: a SYN_STREAM of a version
 *    other than 2 or 3.
 * 5. The codec's own verdict on the block: ERR_INVALID_HEADER_BLOCK (bad
 *    content, a stream error) or ERR_INVALID_FRAME (lengths that do not add
 *    up, spdylay_frame_count_unpack_nv_space: a parse error).
 */
import { ERR_FRAME_TOO_LARGE, ERR_INVALID_FRAME, ERR_ZLIB } from '../constants.js';
import type { HeaderBlockResult } from '../header-codec.js';

/** 0 when the frame is accepted (then `result` is ok), else the ERR_* code to refuse it with. */
export function headerFrameVerdict(framingError: number, result: HeaderBlockResult): number {
  if (framingError === ERR_INVALID_FRAME) return framingError;
  const blockError = result.ok ? 0 : result.error;
  if (blockError === ERR_ZLIB) return blockError;
  if (framingError === ERR_FRAME_TOO_LARGE || blockError === ERR_FRAME_TOO_LARGE) return ERR_FRAME_TOO_LARGE;
  return framingError !== 0 ? framingError : blockError;
}
