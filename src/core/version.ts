/**
 * Per-version facts as data, so framing and session code ask one table
 * instead of branching on the version number in many places.
 */
import { PROTO_SPDY2, PROTO_SPDY3, PROTO_SPDY3_1 } from './constants.js';

export type ProtocolVersion = typeof PROTO_SPDY2 | typeof PROTO_SPDY3 | typeof PROTO_SPDY3_1;

export interface VersionFacts {
  /** The API's version constant. */
  readonly version: ProtocolVersion;
  /** The version field of every control frame (SPDY/3.1 sends 3). */
  readonly wireVersion: 2 | 3;
  /** Width in bytes of the count and length fields of a name/value block. */
  readonly nvLengthSize: 2 | 4;
  /** Lowest (numerically largest) priority. */
  readonly priLowest: number;
  /** Bit position of the priority field in SYN_STREAM's priority byte. */
  readonly priShift: number;
  /** Bytes between the stream id and the header block of SYN_REPLY and HEADERS. */
  readonly replyPad: number;
  /** GOAWAY payload length: SPDY/2 has no status code. */
  readonly goawayLength: 4 | 8;
  /** Per-stream flow control (SPDY/3 and later). */
  readonly streamFlowControl: boolean;
  /** Session-level flow control through stream 0 (SPDY/3.1). */
  readonly sessionFlowControl: boolean;
}

const SPDY2: VersionFacts = Object.freeze({
  version: PROTO_SPDY2,
  wireVersion: 2,
  nvLengthSize: 2,
  priLowest: 3,
  priShift: 6,
  replyPad: 2,
  goawayLength: 4,
  streamFlowControl: false,
  sessionFlowControl: false,
});

const SPDY3: VersionFacts = Object.freeze({
  version: PROTO_SPDY3,
  wireVersion: 3,
  nvLengthSize: 4,
  priLowest: 7,
  priShift: 5,
  replyPad: 0,
  goawayLength: 8,
  streamFlowControl: true,
  sessionFlowControl: false,
});

const SPDY3_1: VersionFacts = Object.freeze({ ...SPDY3, version: PROTO_SPDY3_1, sessionFlowControl: true });

/** Facts for an API version constant, or undefined when it is not supported. */
export function versionFacts(version: number): VersionFacts | undefined {
  switch (version) {
    case PROTO_SPDY2:
      return SPDY2;
    case PROTO_SPDY3:
      return SPDY3;
    case PROTO_SPDY3_1:
      return SPDY3_1;
    default:
      return undefined;
  }
}

/**
 * The same version without flow control, for peers that have none
 * (Kubernetes' spdystream): framing is the version's own, but no window is
 * kept on either side, as in SPDY/2.
 */
export function withoutFlowControl(facts: VersionFacts): VersionFacts {
  if (!facts.streamFlowControl && !facts.sessionFlowControl) return facts;
  return Object.freeze({ ...facts, streamFlowControl: false, sessionFlowControl: false });
}
