/**
 * Recorded real sessions to mutate: a client and a server session of one
 * version run a scripted exchange (requests with bodies, SETTINGS, PING,
 * WINDOW_UPDATE, RST_STREAM, GOAWAY; test/helpers/peer-bytes.ts) and each
 * side's output is kept, cut into its frames. The pool is built once per
 * process from fixed scripts, so a case that names a recording by index
 * names the same bytes in every run.
 */
import { CLIENT } from '../src/core/constants.js';
import { FrameSplitter } from '../test/helpers/frame-splitter.js';
import { recordExchange } from '../test/helpers/peer-bytes.js';
import type { Script } from '../test/helpers/peer-bytes.js';
import { VERSIONS } from './case.js';

export interface Recording {
  script: Script;
  /** What the client sent (input for a server target) and what the server sent, each cut into frames. */
  fromClient: Uint8Array[];
  fromServer: Uint8Array[];
}

/** Scripts per version in the pool. */
const SCRIPTS_PER_VERSION = 24;

let pool: Map<number, Recording[]> | undefined;

/** The recordings of `version`, built on first use. */
export function recordings(version: number): Recording[] {
  pool ??= new Map(VERSIONS.map((v) => [v, buildPool(v)]));
  return pool.get(version)!;
}

/** What the peer of a `side` target sent in `recording`, as frames. */
export function peerFrames(recording: Recording, side: number): Uint8Array[] {
  return side === CLIENT ? recording.fromServer : recording.fromClient;
}

function buildPool(version: number): Recording[] {
  // A fixed generator, not Math.random: the pool is the same in every process.
  let x = 0x5eed0000 + version;
  const next = (n: number): number => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return (x >>> 8) % n;
  };
  const out: Recording[] = [];
  for (let i = 0; i < SCRIPTS_PER_VERSION; i++) {
    const script: Script = {
      version,
      requests: Array.from({ length: next(4) }, () => (next(3) === 0 ? null : next(5000))),
      responseSize: [0, 1, 100, 3000, 20_000][next(5)]!,
      // Windows of 1 KiB and more keep a recording short (a tiny window needs a round trip per few bytes).
      clientWindow: next(2) === 0 ? null : 1024 + next(70_000),
      serverWindow: next(2) === 0 ? null : 1024 + next(70_000),
      ping: next(2) === 0,
      cancelFirst: next(3) === 0,
      goaway: ([null, 'client', 'server'] as const)[next(3)]!,
    };
    const recorded = recordExchange(script);
    out.push({ script, fromClient: frames(recorded.client), fromServer: frames(recorded.server) });
  }
  return out;
}

function frames(bytes: Uint8Array): Uint8Array[] {
  const splitter = new FrameSplitter();
  const out: Uint8Array[] = [];
  let start = 0;
  for (const frame of splitter.push(bytes)) {
    out.push(bytes.slice(start, frame.end));
    start = frame.end;
  }
  return out;
}
