/**
 * Frame records: plain data, one interface per control frame type, a union
 * keyed by `type`. No methods, so they cross worker boundaries and `switch`
 * on `type` is exhaustive. The public frame classes of API.md (api/frames.ts)
 * are built from these only when a callback wants one.
 *
 * `version` is the wire version (2 or 3; a SPDY/3.1 session sends 3).
 * `length` is the payload length in bytes as on the wire (after header
 * compression); a record that has not been encoded yet has length 0.
 */
import type {
  CREDENTIAL,
  GOAWAY,
  HEADERS,
  NOOP,
  PING,
  RST_STREAM,
  SETTINGS,
  SYN_REPLY,
  SYN_STREAM,
  WINDOW_UPDATE,
} from '../constants.js';
import type { NameValue } from '../header-codec.js';

export type { NameValue };

/** A SETTINGS entry as the API shows it: [settingsId, flags, value]. */
export type SettingsEntry = [settingsId: number, flags: number, value: number];

interface FrameBase {
  version: number;
  flags: number;
  length: number;
}

export interface SynStreamRecord extends FrameBase {
  type: typeof SYN_STREAM;
  streamId: number;
  assocStreamId: number;
  pri: number;
  slot: number;
  nv: NameValue[];
}

export interface SynReplyRecord extends FrameBase {
  type: typeof SYN_REPLY;
  streamId: number;
  nv: NameValue[];
}

export interface HeadersRecord extends FrameBase {
  type: typeof HEADERS;
  streamId: number;
  nv: NameValue[];
}

export interface RstStreamRecord extends FrameBase {
  type: typeof RST_STREAM;
  streamId: number;
  statusCode: number;
}

export interface SettingsRecord extends FrameBase {
  type: typeof SETTINGS;
  iv: SettingsEntry[];
}

/** SPDY/2 only. spdylay never sends it and ignores it on receipt. */
export interface NoopRecord extends FrameBase {
  type: typeof NOOP;
}

export interface PingRecord extends FrameBase {
  type: typeof PING;
  uniqueId: number;
}

export interface GoawayRecord extends FrameBase {
  type: typeof GOAWAY;
  lastGoodStreamId: number;
  /**
   * SPDY/3's status. A SPDY/2 GOAWAY has no status field: a received one
   * has 0; one we send keeps the code it was queued with (submitGoaway's,
   * failSession's), which says why we sent it though the wire cannot carry
   * it. Session's GoawayFrame shows 0 for both, as spdylay's frame does.
   */
  statusCode: number;
}

export interface WindowUpdateRecord extends FrameBase {
  type: typeof WINDOW_UPDATE;
  streamId: number;
  deltaWindowSize: number;
}

/**
 * SPDY/3 only (client certificates). Nobody sends it and nothing acts on
 * it: the decoder skips its payload unread, whatever it holds, so the
 * record has only the head's fields (`length` says how long it was).
 */
export interface CredentialRecord extends FrameBase {
  type: typeof CREDENTIAL;
}

/** Frames that carry a compressed name/value block. */
export type HeaderFrameRecord = SynStreamRecord | SynReplyRecord | HeadersRecord;

export type ControlFrameRecord =
  | SynStreamRecord
  | SynReplyRecord
  | RstStreamRecord
  | SettingsRecord
  | NoopRecord
  | PingRecord
  | GoawayRecord
  | HeadersRecord
  | WindowUpdateRecord
  | CredentialRecord;
