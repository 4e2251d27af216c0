/**
 * The zlib worker's entry: what the pool's workers run, in Node's
 * worker_threads and in a browser's Web Worker alike, exposed through
 * comlink.
 *
 * Its state is per id, each id created and used by one lane, so pinned to
 * this worker: body coders (one streaming gzip or deflate body each) and
 * header codecs (one session's deflate and inflate streams each). Every
 * method is synchronous, so the worker answers in the order it was asked.
 * Output buffers are transferred back, never copied.
 */
import * as Comlink from 'comlink';
import type { HeaderBlockResult, NameValue } from '../core/header-codec.js';
import type { HeaderCodec } from '../core/header-codec.js';
import { createHeaderCodec, type HeaderCodecOptions } from '../core/headers/spdy-codec.js';
import { BodyCoder, type BodyCoding, type CodingDirection } from './body-codec.js';
import { nodePortEndpoint } from './spawn.js';

/** A prepared header block as it crosses to the worker: its wire list and, when it has one, its text. */
export interface WireBlock {
  wireNv: NameValue[];
  wireText: string | null;
}

const bodies = new Map<number, BodyCoder>();
const codecs = new Map<number, HeaderCodec>();

function owned<T>(map: Map<number, T>, id: number, what: string): T {
  const value = map.get(id);
  if (value === undefined) throw new Error(`no ${what} ${id} in this worker`);
  return value;
}

const api = {
  bodyOpen(id: number, coding: BodyCoding, direction: CodingDirection, level: number): void {
    bodies.set(id, new BodyCoder(coding, direction, level));
  },

  /** Codes the next chunk of body `id`; the coder is dropped after the final chunk or an error. */
  bodyPush(chunk: Uint8Array, id: number, final: boolean): Uint8Array {
    const coder = owned(bodies, id, 'body');
    try {
      const out = coder.push(chunk, final);
      if (final) bodies.delete(id);
      return out.length > 0 ? Comlink.transfer(out, [out.buffer as ArrayBuffer]) : out;
    } catch (error) {
      bodies.delete(id);
      throw error;
    }
  },

  bodyClose(id: number): void {
    bodies.delete(id);
  },

  /** A whole body at once, coded statelessly. */
  codeBody(body: Uint8Array, coding: BodyCoding, direction: CodingDirection, level: number): Uint8Array {
    const out = new BodyCoder(coding, direction, level).push(body, true);
    return out.length > 0 ? Comlink.transfer(out, [out.buffer as ArrayBuffer]) : out;
  },

  headerOpen(id: number, options: HeaderCodecOptions): void {
    codecs.set(id, createHeaderCodec(options));
  },

  /**
   * Compresses a session's next blocks, in order, each into a buffer with
   * `headroom` free bytes in front (null: refused for size, the stream
   * untouched, exactly as the in-thread encoder does).
   */
  headerEncode(blocks: WireBlock[], id: number, headroom: number[], maxBlockLength: number[]): Array<Uint8Array | null> {
    const encoder = owned(codecs, id, 'header codec').encoder;
    const out: Array<Uint8Array | null> = [];
    const transfer: ArrayBuffer[] = [];
    for (let i = 0; i < blocks.length; i++) {
      const block = blocks[i]!;
      const prepared = { nv: block.wireNv, wireNv: block.wireNv, wireText: block.wireText };
      const bytes = encoder.encode(prepared, headroom[i]!, maxBlockLength[i]!);
      // The in-thread encoder carves small blocks from a shared slab: copied
      // out so that the buffer can be transferred whole.
      const own = bytes === null ? null : bytes.slice();
      out.push(own);
      if (own !== null) transfer.push(own.buffer as ArrayBuffer);
    }
    return Comlink.transfer(out, transfer);
  },

  /**
   * Inflates and unpacks a session's next received blocks, in order, each
   * by the layout of the frame version it came in (HeaderBlockDecoder.end).
   */
  headerDecode(blocks: Uint8Array[], id: number, frameVersions: Array<number | undefined> = []): HeaderBlockResult[] {
    const decoder = owned(codecs, id, 'header codec').decoder;
    return blocks.map((block, i) => {
      decoder.begin();
      decoder.push(block);
      return decoder.end(frameVersions[i]);
    });
  },

  headerClose(id: number): void {
    codecs.delete(id);
  },

  /** For tests: the worker dies at once, as a crash would end it. */
  crash(): void {
    const process = (globalThis as { process?: { exit(code: number): never } }).process;
    if (process !== undefined) process.exit(70);
    throw new Error('crash requested');
  },

  /** For tests and the benchmark: answers at once. */
  echo<T>(value: T): T {
    return value;
  },
};

export type ZlibWorkerApi = typeof api;

// In Node the parent is worker_threads' parentPort; in a Web Worker, `self`.
const parentPort = (
  (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.('node:worker_threads') as
    | { parentPort: Parameters<typeof nodePortEndpoint>[0] | null }
    | undefined
)?.parentPort;
if (parentPort != null) Comlink.expose(api, nodePortEndpoint(parentPort));
else Comlink.expose(api);
