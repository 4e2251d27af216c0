/**
 * `spdylay/core`: the pure protocol core. No Node built-ins, no timers, no
 * clock, no randomness: it runs in Node, browsers, Deno, Bun and workers.
 */
export * from './constants.js';
export * from './errors.js';
export { statusCodeName, goawayStatusName, errorCodeName, frameTypeName, settingsIdName } from './names.js';

// python-spdylay's API.
export { Session } from './api/session.js';
export type { SessionCallbacks, SessionOptions, SendCallback, RecvCallback } from './api/options.js';
export { DataProvider } from './api/data-provider.js';
export type { ReadCallback, ReadControl } from './api/data-provider.js';
export {
  CtrlFrame,
  SynStreamFrame,
  SynReplyFrame,
  HeadersFrame,
  RstStreamFrame,
  SettingsFrame,
  PingFrame,
  GoawayFrame,
  WindowUpdateFrame,
} from './api/frames.js';
export type { AnyCtrlFrame } from './api/frames.js';
export { getNpnProtocols, npnGetVersion } from './api/npn.js';

// The sans-IO machine underneath, for event-driven use (fuzzers, workers, proxies).
export { SessionMachine } from './session/machine.js';
export type { PreparedFrame } from './session/machine.js';
export type { SessionConfig } from './session/config.js';
export type { SessionEvent, SessionEventSink, SessionEventType } from './session/events.js';
export type { DataSource } from './session/outbound.js';

// Frames and header compression, for tools and codecs.
export type { SettingsEntry, ControlFrameRecord } from './frame/types.js';
export type {
  NameValue,
  HeaderCodec,
  HeaderBlockDecoder,
  HeaderBlockEncoder,
  HeaderBlockInput,
  HeaderBlockResult,
  HeaderEncoding,
  PreparedHeaderBlock,
  DeferringHeaderCodec,
  DeferringHeaderBlockEncoder,
  DeferringHeaderBlockDecoder,
  HeaderBlockPending,
} from './header-codec.js';
export { HEADER_BLOCK_PENDING } from './header-codec.js';
export { createHeaderCodec } from './headers/spdy-codec.js';
export type { HeaderCodecOptions } from './headers/spdy-codec.js';
