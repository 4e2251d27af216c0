/**
 * A session's config: the tunables beside python-spdylay's arguments
 * (docs/API.md, "Config"), checked and given their defaults once, when the
 * session is made, so a mistake is reported by the constructor that was
 * handed it and not by whatever first reads the value.
 */
import { SETTINGS_MAX } from '../constants.js';
import { InvalidArgumentError } from '../errors.js';
import { DEFAULT_MAX_SETTINGS_ENTRIES, MAX_SETTINGS_COUNT } from '../frame/decoder.js';
import type { DeferringHeaderCodec, HeaderCodec, HeaderEncoding } from '../header-codec.js';
import { checkedObject, describeValue, refuseUnknownKeys } from '../option-keys.js';
import { DEFAULT_DATA_CHUNK_SIZE, MAX_31BIT, MAX_FRAME_LENGTH } from '../wire.js';
import { DEFAULT_MAX_STREAM_HEADER_BYTES } from './header-budget.js';
import { DEFAULT_MAX_QUEUED_REPLIES } from './reply-backlog.js';
import { DEFAULT_MAX_PEER_STREAM_RESETS } from './reset-budget.js';

export interface SessionConfig {
  /** How header names and values map to bytes: UTF-8 (default) or latin1 (one byte per character, lossless). */
  headerEncoding?: HeaderEncoding;
  /** The most a data source is asked for, and so the largest DATA payload sent (default 4096, as spdylay). */
  dataChunkSize?: number;
  /** Largest control frame accepted; longer ones are refused as spdylay does (default 2^24-1). */
  maxControlFrameLength?: number;
  /** Largest inflated header block accepted (zlib-bomb guard; default: maxControlFrameLength). */
  maxHeaderBlockSize?: number;
  /** Most entries a received SETTINGS frame may hold; more is a parse error (default 32). */
  maxSettingsEntries?: number;
  /**
   * Most header data one stream may receive in all, its opening block and
   * every HEADERS after it, counted as HTTP/2 counts a header list (default
   * 16 MiB); past it the stream is reset with FRAME_TOO_LARGE.
   */
  maxStreamHeaderBytes?: number;
  /** Send WINDOW_UPDATE automatically as DATA arrives (default true, as spdylay). */
  autoWindowUpdate?: boolean;
  /**
   * Replaces the built-in header compression: another synchronous codec,
   * or a deferring one that answers later (a worker pool's), which the
   * session waits for (SessionMachine.resumeHeaderBlocks()).
   */
  headerCodec?: HeaderCodec | DeferringHeaderCodec;
  /** memSend() stops adding frames once its buffer holds this many bytes (default 256 KiB). */
  memSendChunkSize?: number;
  /**
   * SPDY/3.1: how many bytes a peer may send beyond the session receive
   * window before the overrun is a session error (default 0: none). Some
   * peers miscount by a frame or so; a small allowance keeps them working
   * without giving up the bound.
   */
  sessionWindowOverrunTolerance?: number;
  /**
   * false: no flow control at all (default true), for peers that have none,
   * such as Kubernetes' spdystream, which sends no WINDOW_UPDATE and ignores
   * ours: no WINDOW_UPDATE is sent, DATA goes out without waiting for
   * window, received DATA is charged against no window, and the peer's
   * WINDOW_UPDATE and SETTINGS INITIAL_WINDOW_SIZE are ignored. (SPDY/2 has
   * none whatever this says.) Whoever reads the DATA must bound its memory
   * another way, e.g. by pausing the transport.
   */
  flowControl?: boolean;
  /**
   * The most replies owed to the peer (PING echoes, RST_STREAMs answering
   * its frames, automatic WINDOW_UPDATEs) that may wait for memSend
   * (default 1000, as nghttp2). At the bound wantRead() is false until
   * memSend takes some; a frame that arrives anyway ends the session with
   * GOAWAY INTERNAL_ERROR (reply-backlog.ts).
   */
  maxQueuedReplies?: number;
  /**
   * How many of its own streams the peer may reset beyond one for each of
   * its streams that completes (default 1000, nghttp2's burst); the reset
   * past it ends the session with GOAWAY INTERNAL_ERROR (reset-budget.ts).
   */
  maxPeerStreamResets?: number;
}

/** A SessionConfig checked, with every default filled in. */
export interface ResolvedConfig {
  readonly headerEncoding: HeaderEncoding;
  readonly dataChunkSize: number;
  readonly maxControlFrameLength: number;
  readonly maxHeaderBlockSize: number;
  readonly maxSettingsEntries: number;
  readonly maxStreamHeaderBytes: number;
  readonly autoWindowUpdate: boolean;
  /** undefined: the session builds the SPDY codec for its version and side. */
  readonly headerCodec: HeaderCodec | DeferringHeaderCodec | undefined;
  readonly memSendChunkSize: number;
  readonly sessionWindowOverrunTolerance: number;
  readonly flowControl: boolean;
  readonly maxQueuedReplies: number;
  readonly maxPeerStreamResets: number;
}

const DEFAULT_MEM_SEND_CHUNK = 256 * 1024;

// A Record over keyof SessionConfig, so a new option cannot be left out.
const KNOWN: Record<keyof SessionConfig, true> = {
  headerEncoding: true,
  dataChunkSize: true,
  maxControlFrameLength: true,
  maxHeaderBlockSize: true,
  maxSettingsEntries: true,
  maxStreamHeaderBytes: true,
  autoWindowUpdate: true,
  headerCodec: true,
  memSendChunkSize: true,
  sessionWindowOverrunTolerance: true,
  flowControl: true,
  maxQueuedReplies: true,
  maxPeerStreamResets: true,
};
const KNOWN_KEYS = Object.keys(KNOWN);

/**
 * Checks `config` (undefined or null mean all defaults, as python-spdylay's
 * `config=None`) and fills in the defaults. Throws InvalidArgumentError
 * naming the first key that is unknown or holds a bad value.
 */
export function resolveConfig(config: SessionConfig | null | undefined): ResolvedConfig {
  const c = checkedObject<SessionConfig>(config ?? undefined, 'config') ?? {};
  refuseUnknownKeys(c, KNOWN_KEYS, 'config key');
  const headerEncoding = c.headerEncoding ?? 'utf8';
  if (headerEncoding !== 'utf8' && headerEncoding !== 'latin1') {
    throw new InvalidArgumentError(`config.headerEncoding must be 'utf8' or 'latin1', got ${describeValue(headerEncoding)}`);
  }
  const autoWindowUpdate = c.autoWindowUpdate ?? true;
  if (typeof autoWindowUpdate !== 'boolean') {
    throw new InvalidArgumentError(`config.autoWindowUpdate must be true or false, got ${describeValue(autoWindowUpdate)}`);
  }
  const flowControl = c.flowControl ?? true;
  if (typeof flowControl !== 'boolean') {
    throw new InvalidArgumentError(`config.flowControl must be true or false, got ${describeValue(flowControl)}`);
  }
  const headerCodec = c.headerCodec;
  if (headerCodec !== undefined && !isCodec(headerCodec)) {
    throw new InvalidArgumentError(`config.headerCodec must be an object with an encoder and a decoder, got ${describeValue(headerCodec)}`);
  }
  const maxControlFrameLength = checkedSize(c.maxControlFrameLength, MAX_FRAME_LENGTH, 8, MAX_FRAME_LENGTH, 'maxControlFrameLength');
  return {
    headerEncoding,
    dataChunkSize: checkedSize(c.dataChunkSize, DEFAULT_DATA_CHUNK_SIZE, 1, MAX_FRAME_LENGTH, 'dataChunkSize'),
    maxControlFrameLength,
    maxHeaderBlockSize: checkedSize(c.maxHeaderBlockSize, maxControlFrameLength, 8, MAX_31BIT, 'maxHeaderBlockSize'),
    // At least one entry per id SPDY defines; at most what a 24-bit length holds.
    maxSettingsEntries: checkedSize(c.maxSettingsEntries, DEFAULT_MAX_SETTINGS_ENTRIES, SETTINGS_MAX, MAX_SETTINGS_COUNT, 'maxSettingsEntries'),
    maxStreamHeaderBytes: checkedSize(c.maxStreamHeaderBytes, DEFAULT_MAX_STREAM_HEADER_BYTES, 0, Number.MAX_SAFE_INTEGER, 'maxStreamHeaderBytes'),
    autoWindowUpdate,
    headerCodec,
    memSendChunkSize: checkedSize(c.memSendChunkSize, DEFAULT_MEM_SEND_CHUNK, 1, MAX_31BIT, 'memSendChunkSize'),
    sessionWindowOverrunTolerance: checkedSize(c.sessionWindowOverrunTolerance, 0, 0, MAX_31BIT, 'sessionWindowOverrunTolerance'),
    flowControl,
    maxQueuedReplies: checkedSize(c.maxQueuedReplies, DEFAULT_MAX_QUEUED_REPLIES, 1, MAX_31BIT, 'maxQueuedReplies'),
    maxPeerStreamResets: checkedSize(c.maxPeerStreamResets, DEFAULT_MAX_PEER_STREAM_RESETS, 0, MAX_31BIT, 'maxPeerStreamResets'),
  };
}

function isCodec(value: unknown): value is HeaderCodec | DeferringHeaderCodec {
  if (typeof value !== 'object' || value === null) return false;
  const { encoder, decoder } = value as Partial<HeaderCodec>;
  return typeof encoder === 'object' && encoder !== null && typeof decoder === 'object' && decoder !== null;
}

function checkedSize(value: number | undefined, fallback: number, min: number, max: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(`config.${name} must be an integer ${min}..${max}, got ${describeValue(value)}`);
  }
  return value;
}
