/**
 * A session's header codec whose zlib streams live in a worker of the zlib
 * pool: a DeferringHeaderCodec (core/header-codec.ts). Both streams of the
 * session are pinned to one worker (a lane), so they stay in step; blocks
 * are compressed and inflated there in the order the session gives them.
 *
 * Validation and normalisation (prepare) stay in the calling thread, at
 * submit time, as with the built-in codec: only zlib moves. Blocks
 * received in one go (one input, or while the session waits) travel to the
 * worker together, in one round trip. What is sent is one block per round
 * trip: the session's send pass waits for each before it goes on.
 *
 * The owner (the I/O driver) sets `onAnswer`, and on each answer calls the
 * session's resumeHeaderBlocks() and writes what memSend then gives.
 */
import { ERR_ZLIB } from '../core/constants.js';
import { HEADER_BLOCK_PENDING } from '../core/header-codec.js';
import type {
  DeferringHeaderBlockDecoder,
  DeferringHeaderBlockEncoder,
  DeferringHeaderCodec,
  HeaderBlockInput,
  HeaderBlockPending,
  HeaderBlockResult,
  HeaderEncoding,
  NameValue,
  PreparedHeaderBlock,
} from '../core/header-codec.js';
import { prepareNv, type PreparedNv } from '../core/headers/prepare.js';
import type { HeaderCodecOptions } from '../core/headers/spdy-codec.js';
import { versionFacts, type VersionFacts } from '../core/version.js';
import { InvalidArgumentError, UnsupportedVersionError } from '../core/errors.js';
import type { PoolLane } from './pool.js';
import { newWorkerStateId, type ZlibPool } from './zlib-pool.js';
import type { WireBlock, ZlibWorkerApi } from './zlib.worker.js';

const LOST_RESULT: HeaderBlockResult = Object.freeze({ ok: false, error: ERR_ZLIB });

interface EncodeInFlight {
  readonly block: HeaderBlockInput;
  answered: boolean;
  answer: Uint8Array | null;
}

export class PooledHeaderCodec implements DeferringHeaderCodec {
  readonly deferring = true;
  readonly encoder: DeferringHeaderBlockEncoder;
  readonly decoder: DeferringHeaderBlockDecoder;
  /** Called after each answer from the worker: resume the session, then write. */
  onAnswer: (() => void) | null = null;
  /**
   * Called once if the worker's state is lost (it died): the session's
   * compression contexts are gone, and the session cannot go on.
   */
  onError: ((error: Error) => void) | null = null;
  /** Why the codec failed, once it has. */
  error: Error | null = null;

  private readonly lane: PoolLane<ZlibWorkerApi>;
  private readonly id = newWorkerStateId();
  private readonly facts: VersionFacts;

  // Send side: the one block being compressed.
  private inFlight: EncodeInFlight | null = null;

  // Receive side: the block being received, blocks ended and not yet sent
  // to the worker, and results not yet taken.
  private receiving: Uint8Array[] = [];
  private receivingLength = 0;
  private readonly unsent: Uint8Array[] = [];
  /** The wire version of the frame each unsent block came in (HeaderBlockDecoder.end). */
  private readonly unsentVersions: Array<number | undefined> = [];
  private flushQueued = false;
  private readonly results: HeaderBlockResult[] = [];
  private outstanding = 0;
  private closed = false;

  constructor(pool: ZlibPool, options: HeaderCodecOptions) {
    const facts = versionFacts(options.version);
    if (facts === undefined) throw new UnsupportedVersionError(`unsupported SPDY version ${options.version}`);
    this.facts = facts;
    this.lane = pool.lane();
    // Checked here too, so a bad option fails now rather than in the worker.
    if (options.compressionLevel !== undefined && !(Number.isInteger(options.compressionLevel) && options.compressionLevel >= 0 && options.compressionLevel <= 9)) {
      throw new InvalidArgumentError(`compressionLevel must be an integer 0..9, got ${options.compressionLevel}`);
    }
    this.lane.call('headerOpen', [this.id, options]).catch((error: unknown) => this.fail(error));
    this.encoder = {
      prepare: (nv, encoding) => this.prepare(nv, encoding),
      encode: (block, headroom, maxBlockLength) => this.encode(block, headroom, maxBlockLength),
    };
    this.decoder = {
      begin: () => this.begin(),
      push: (compressed) => this.push(compressed),
      end: (frameVersion) => this.end(frameVersion),
      takeResult: () => this.takeResult(),
    };
  }

  /** Round trips the codec is waiting for. */
  get pending(): number {
    return this.outstanding;
  }

  /** Frees the worker's state for this session. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.lane.alive) this.lane.call('headerClose', [this.id]).catch(() => {});
    this.lane.release();
  }

  // ---- send ----

  private prepare(nv: readonly (readonly [string, string])[], encoding: HeaderEncoding): PreparedHeaderBlock {
    return prepareNv(nv, this.facts, encoding);
  }

  private encode(block: HeaderBlockInput, headroom: number, maxBlockLength: number): Uint8Array | null | HeaderBlockPending {
    const current = this.inFlight;
    if (current !== null) {
      if (current.block !== block) throw new Error('the session gave another block before the pending one was answered');
      if (!current.answered) return HEADER_BLOCK_PENDING;
      this.inFlight = null;
      return current.answer;
    }
    if (this.error !== null) return HEADER_BLOCK_PENDING;
    const entry: EncodeInFlight = { block, answered: false, answer: null };
    this.inFlight = entry;
    this.outstanding++;
    this.lane.call('headerEncode', [[wireBlock(block)], this.id, [headroom], [maxBlockLength]]).then(
      ([answer]) => {
        this.outstanding--;
        entry.answered = true;
        entry.answer = answer ?? null;
        this.onAnswer?.();
      },
      (error: unknown) => {
        this.outstanding--;
        this.fail(error);
      },
    );
    return HEADER_BLOCK_PENDING;
  }

  // ---- receive ----

  private begin(): void {
    this.receiving = [];
    this.receivingLength = 0;
  }

  private push(compressed: Uint8Array): void {
    // A view of the caller's input, not to be kept: copied.
    this.receiving.push(compressed.slice());
    this.receivingLength += compressed.length;
  }

  private end(frameVersion: number | undefined): HeaderBlockPending {
    const block = new Uint8Array(this.receivingLength);
    let at = 0;
    for (const piece of this.receiving) {
      block.set(piece, at);
      at += piece.length;
    }
    this.receiving = [];
    this.unsent.push(block);
    this.unsentVersions.push(frameVersion);
    if (!this.flushQueued) {
      this.flushQueued = true;
      // Blocks ended in the same turn go in one round trip.
      queueMicrotask(() => this.flushBlocks());
    }
    return HEADER_BLOCK_PENDING;
  }

  private flushBlocks(): void {
    this.flushQueued = false;
    const blocks = this.unsent.splice(0);
    const versions = this.unsentVersions.splice(0);
    if (blocks.length === 0) return;
    if (this.error !== null) {
      for (let i = 0; i < blocks.length; i++) this.results.push(LOST_RESULT);
      this.onAnswer?.();
      return;
    }
    this.outstanding++;
    this.lane.call('headerDecode', [blocks, this.id, versions], blocks.map((b) => b.buffer as ArrayBuffer)).then(
      (results) => {
        this.outstanding--;
        for (const result of results) this.results.push(result);
        this.onAnswer?.();
      },
      (error: unknown) => {
        this.outstanding--;
        // The inflate context died with the worker: every block fails as a
        // broken context does (a session error), in order.
        for (let i = 0; i < blocks.length; i++) this.results.push(LOST_RESULT);
        this.fail(error);
        this.onAnswer?.();
      },
    );
  }

  private takeResult(): HeaderBlockResult | HeaderBlockPending {
    return this.results.length > 0 ? this.results.shift()! : HEADER_BLOCK_PENDING;
  }

  private fail(error: unknown): void {
    if (this.error !== null) return;
    this.error = error instanceof Error ? error : new Error(String(error));
    this.onError?.(this.error);
  }
}

/** What crosses to the worker for a block: its wire list, and its text when it has one. */
function wireBlock(block: HeaderBlockInput): WireBlock {
  if (Array.isArray(block)) return { wireNv: block as NameValue[], wireText: null };
  const prepared = block as PreparedNv;
  return { wireNv: prepared.wireNv, wireText: prepared.wireText };
}

/** A pooled codec for a session of `version` on `side`, pinned to one of `pool`'s workers. */
export function createPooledHeaderCodec(pool: ZlibPool, options: HeaderCodecOptions): PooledHeaderCodec {
  return new PooledHeaderCodec(pool, options);
}
