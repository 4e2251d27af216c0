/**
 * headerFrameVerdict: spdylay's order between the frame decoder's verdict on
 * a header frame's framing and the codec's on its block
 * (spdylay_session_mem_recv, spdylay_session_process_ctrl_frame).
 */
import { describe, expect, it } from 'vitest';
import {
  ERR_FRAME_TOO_LARGE,
  ERR_INVALID_FRAME,
  ERR_INVALID_HEADER_BLOCK,
  ERR_UNSUPPORTED_VERSION,
  ERR_ZLIB,
} from '../../src/core/constants.js';
import type { HeaderBlockResult } from '../../src/core/header-codec.js';
import { headerFrameVerdict } from '../../src/core/session/header-verdict.js';

const ok: HeaderBlockResult = { ok: true, nv: [['a', 'b']] };
const failed = (error: number): HeaderBlockResult => ({ ok: false, error });

describe('headerFrameVerdict', () => {
  it('accepts a well-framed frame whose block decoded', () => {
    expect(headerFrameVerdict(0, ok)).toBe(0);
  });

  it("passes the block's own verdict through when the framing is fine", () => {
    for (const error of [ERR_ZLIB, ERR_FRAME_TOO_LARGE, ERR_INVALID_HEADER_BLOCK, ERR_INVALID_FRAME]) {
      expect(headerFrameVerdict(0, failed(error))).toBe(error);
    }
  });

  it('an unknown-version SYN_REPLY/HEADERS is INVALID_FRAME whatever the block (spdylay never inflates it)', () => {
    for (const result of [ok, failed(ERR_ZLIB), failed(ERR_FRAME_TOO_LARGE), failed(ERR_INVALID_HEADER_BLOCK)]) {
      expect(headerFrameVerdict(ERR_INVALID_FRAME, result)).toBe(ERR_INVALID_FRAME);
    }
  });

  it('a broken zlib stream outranks a frame too large and an unsupported version', () => {
    expect(headerFrameVerdict(ERR_FRAME_TOO_LARGE, failed(ERR_ZLIB))).toBe(ERR_ZLIB);
    expect(headerFrameVerdict(ERR_UNSUPPORTED_VERSION, failed(ERR_ZLIB))).toBe(ERR_ZLIB);
  });

  it('too large, by frame length or inflated size, outranks an unsupported version and the content', () => {
    expect(headerFrameVerdict(ERR_FRAME_TOO_LARGE, ok)).toBe(ERR_FRAME_TOO_LARGE);
    expect(headerFrameVerdict(ERR_FRAME_TOO_LARGE, failed(ERR_INVALID_HEADER_BLOCK))).toBe(ERR_FRAME_TOO_LARGE);
    expect(headerFrameVerdict(ERR_UNSUPPORTED_VERSION, failed(ERR_FRAME_TOO_LARGE))).toBe(ERR_FRAME_TOO_LARGE);
  });

  it("an unsupported SYN_STREAM version outranks the block's content verdicts", () => {
    expect(headerFrameVerdict(ERR_UNSUPPORTED_VERSION, ok)).toBe(ERR_UNSUPPORTED_VERSION);
    expect(headerFrameVerdict(ERR_UNSUPPORTED_VERSION, failed(ERR_INVALID_HEADER_BLOCK))).toBe(ERR_UNSUPPORTED_VERSION);
    expect(headerFrameVerdict(ERR_UNSUPPORTED_VERSION, failed(ERR_INVALID_FRAME))).toBe(ERR_UNSUPPORTED_VERSION);
  });
});
