/**
 * python-spdylay's frame classes. They are built from the core's frame
 * records only when a callback is there to receive one, so sessions without
 * frame callbacks never pay for them. Attributes are read-only; `nv` and
 * `iv` are the record's own arrays (each frame gets fresh ones from the
 * decoder or from submit), not copies, so a header-heavy session does not
 * copy every header once more per callback.
 */
import {
  GOAWAY,
  GOAWAY_OK,
  HEADERS,
  PING,
  RST_STREAM,
  SETTINGS,
  SYN_REPLY,
  SYN_STREAM,
  WINDOW_UPDATE,
} from '../constants.js';
import type {
  ControlFrameRecord,
  GoawayRecord,
  HeadersRecord,
  NameValue,
  PingRecord,
  RstStreamRecord,
  SettingsEntry,
  SettingsRecord,
  SynReplyRecord,
  SynStreamRecord,
  WindowUpdateRecord,
} from '../frame/types.js';

/**
 * The base of the frame classes. Each subclass narrows `frameType` to its
 * constant, so AnyCtrlFrame is a union discriminated by it:
 * `if (frame.frameType === SYN_REPLY) frame.nv` type-checks.
 */
export class CtrlFrame {
  /** The wire version: 2, or 3 for SPDY/3 and SPDY/3.1. */
  readonly version: number;
  /** The control frame type (SYN_STREAM … WINDOW_UPDATE); frameTypeName() names it. */
  readonly frameType: number;
  readonly flags: number;
  /** Payload length on the wire (after compression); 0 for a frame not yet encoded. */
  readonly length: number;

  constructor(record: ControlFrameRecord) {
    this.version = record.version;
    this.frameType = record.type;
    this.flags = record.flags;
    this.length = record.length;
  }
}

export class SynStreamFrame extends CtrlFrame {
  declare readonly frameType: typeof SYN_STREAM;
  readonly streamId: number;
  readonly assocStreamId: number;
  readonly pri: number;
  readonly slot: number;
  readonly nv: NameValue[];
  constructor(record: SynStreamRecord) {
    super(record);
    this.streamId = record.streamId;
    this.assocStreamId = record.assocStreamId;
    this.pri = record.pri;
    this.slot = record.slot;
    this.nv = record.nv;
  }
}

export class SynReplyFrame extends CtrlFrame {
  declare readonly frameType: typeof SYN_REPLY;
  readonly streamId: number;
  readonly nv: NameValue[];
  constructor(record: SynReplyRecord) {
    super(record);
    this.streamId = record.streamId;
    this.nv = record.nv;
  }
}

export class HeadersFrame extends CtrlFrame {
  declare readonly frameType: typeof HEADERS;
  readonly streamId: number;
  readonly nv: NameValue[];
  constructor(record: HeadersRecord) {
    super(record);
    this.streamId = record.streamId;
    this.nv = record.nv;
  }
}

export class RstStreamFrame extends CtrlFrame {
  declare readonly frameType: typeof RST_STREAM;
  readonly streamId: number;
  readonly statusCode: number;
  constructor(record: RstStreamRecord) {
    super(record);
    this.streamId = record.streamId;
    this.statusCode = record.statusCode;
  }
}

export class SettingsFrame extends CtrlFrame {
  declare readonly frameType: typeof SETTINGS;
  readonly iv: SettingsEntry[];
  constructor(record: SettingsRecord) {
    super(record);
    this.iv = record.iv;
  }
}

export class PingFrame extends CtrlFrame {
  declare readonly frameType: typeof PING;
  readonly uniqueId: number;
  constructor(record: PingRecord) {
    super(record);
    this.uniqueId = record.uniqueId;
  }
}

export class GoawayFrame extends CtrlFrame {
  declare readonly frameType: typeof GOAWAY;
  readonly lastGoodStreamId: number;
  /** 0 (GOAWAY_OK) for a SPDY/2 GOAWAY, sent or received: it has no status field (spdylay_frame_goaway_init). */
  readonly statusCode: number;
  constructor(record: GoawayRecord) {
    super(record);
    this.lastGoodStreamId = record.lastGoodStreamId;
    this.statusCode = record.version === 2 ? GOAWAY_OK : record.statusCode;
  }
}

export class WindowUpdateFrame extends CtrlFrame {
  declare readonly frameType: typeof WINDOW_UPDATE;
  readonly streamId: number;
  readonly deltaWindowSize: number;
  constructor(record: WindowUpdateRecord) {
    super(record);
    this.streamId = record.streamId;
    this.deltaWindowSize = record.deltaWindowSize;
  }
}

export type AnyCtrlFrame =
  | SynStreamFrame
  | SynReplyFrame
  | HeadersFrame
  | RstStreamFrame
  | SettingsFrame
  | PingFrame
  | GoawayFrame
  | WindowUpdateFrame;

/**
 * The frame object for a record, or null for NOOP and CREDENTIAL, which have
 * no class (python-spdylay skips frame callbacks for them).
 */
export function frameFromRecord(record: ControlFrameRecord): AnyCtrlFrame | null {
  switch (record.type) {
    case SYN_STREAM:
      return new SynStreamFrame(record);
    case SYN_REPLY:
      return new SynReplyFrame(record);
    case HEADERS:
      return new HeadersFrame(record);
    case RST_STREAM:
      return new RstStreamFrame(record);
    case SETTINGS:
      return new SettingsFrame(record);
    case PING:
      return new PingFrame(record);
    case GOAWAY:
      return new GoawayFrame(record);
    case WINDOW_UPDATE:
      return new WindowUpdateFrame(record);
    default:
      return null;
  }
}
