/**
 * One fuzz input: which session receives it (side, version, config), how
 * that session was primed (the script of a recorded exchange, whose own
 * side it replays first so that the recorded peer bytes are valid input),
 * the bytes, how they are cut into memRecv calls, when memSend is drained,
 * and which callback (if any) throws. A case is plain data: it prints as
 * JSON and replays from it (`npm run fuzz -- --case FILE`).
 */
import { CLIENT, PROTO_SPDY2, PROTO_SPDY3, PROTO_SPDY3_1, SERVER } from '../src/core/constants.js';
import type { SessionConfig } from '../src/core/session/config.js';
import type { Script } from '../test/helpers/peer-bytes.js';

export const SIDES = [CLIENT, SERVER] as const;
export const VERSIONS = [PROTO_SPDY2, PROTO_SPDY3, PROTO_SPDY3_1] as const;

/**
 * Session configs the target may run with: the defaults, and each knob
 * that changes how input is read (limits small enough for short inputs to
 * cross them, no flow control, latin1 names, application-driven windows).
 */
export const CONFIGS: readonly SessionConfig[] = [
  {},
  { maxControlFrameLength: 256, maxHeaderBlockSize: 512 },
  { flowControl: false },
  { headerEncoding: 'latin1' },
  { autoWindowUpdate: false },
  { sessionWindowOverrunTolerance: 1024, dataChunkSize: 100 },
];

export interface FuzzCase {
  side: typeof CLIENT | typeof SERVER;
  version: number;
  /** Index into CONFIGS. */
  config: number;
  /** The recorded exchange the input came from; the target replays its own part first. null: not primed. */
  script: Script | null;
  input: Uint8Array;
  /** Piece sizes for memRecv, cycled (0: the rest of the input). */
  cuts: number[];
  /** Whether memSend is drained after each piece, cycled. */
  drains: boolean[];
  /** The callback (counted from 0 over the whole run) that throws; null: none does. */
  throwAt: number | null;
}

interface CaseJson extends Omit<FuzzCase, 'input'> {
  input: string;
}

export function caseToJson(c: FuzzCase): string {
  const json: CaseJson = { ...c, input: Buffer.from(c.input.buffer, c.input.byteOffset, c.input.byteLength).toString('hex') };
  return JSON.stringify(json);
}

export function caseFromJson(text: string): FuzzCase {
  const json = JSON.parse(text) as CaseJson;
  if (!SIDES.includes(json.side) || !VERSIONS.includes(json.version as (typeof VERSIONS)[number])) {
    throw new Error('not a fuzz case: side or version missing or unknown');
  }
  if (!Number.isInteger(json.config) || CONFIGS[json.config] === undefined) throw new Error(`not a fuzz case: config ${json.config}`);
  return { ...json, input: new Uint8Array(Buffer.from(json.input, 'hex')) };
}

/** One line saying what the case is, for reports. */
export function describeCase(c: FuzzCase): string {
  const side = c.side === CLIENT ? 'client' : 'server';
  const version = c.version === PROTO_SPDY2 ? 'spdy/2' : c.version === PROTO_SPDY3 ? 'spdy/3' : 'spdy/3.1';
  const primed = c.script === null ? 'not primed' : 'primed with a recorded exchange';
  return `${side} ${version}, config ${JSON.stringify(CONFIGS[c.config])}, ${primed}, ${c.input.length} bytes in pieces [${c.cuts}]`;
}
