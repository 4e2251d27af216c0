/**
 * Two Sessions back to back (h2's connection pairs, Netty's
 * EmbeddedChannel): nothing moves until the test calls pump(), which hands
 * each side's memSend output to the other's memRecv until both are quiet.
 * An optional `split` cuts every transfer into pieces, so a test can check
 * that chunking changes nothing.
 */
import { CLIENT, SERVER } from '../../src/core/constants.js';
import type { SessionConfig } from '../../src/core/session/machine.js';
import { Session } from '../../src/index.js';
import type { SessionCallbacks } from '../../src/index.js';
import { EventLog } from './event-log.js';

export interface SideOptions {
  config?: SessionConfig;
  userData?: unknown;
  callbacks?: SessionCallbacks;
}

export interface PairOptions {
  client?: SideOptions;
  server?: SideOptions;
  /** Cuts each transfer into the pieces memRecv is given (default: one piece). */
  split?: (bytes: Uint8Array) => Uint8Array[];
}

export class Pair {
  readonly client: Session;
  readonly server: Session;
  readonly clientLog = new EventLog();
  readonly serverLog = new EventLog();
  /** Every byte each side wrote, in order, for byte-for-byte comparisons. */
  readonly clientWrote: Uint8Array[] = [];
  readonly serverWrote: Uint8Array[] = [];
  private readonly split: (bytes: Uint8Array) => Uint8Array[];

  constructor(version: number, options: PairOptions = {}) {
    this.client = new Session(CLIENT, version, {
      ...this.clientLog.callbacks(options.client?.callbacks),
      config: options.client?.config,
      userData: options.client?.userData,
    });
    this.server = new Session(SERVER, version, {
      ...this.serverLog.callbacks(options.server?.callbacks),
      config: options.server?.config,
      userData: options.server?.userData,
    });
    this.split = options.split ?? ((bytes) => [bytes]);
  }

  /**
   * Moves bytes both ways until neither side has anything to send; returns
   * the number of bytes moved. Throws if the sides never settle.
   */
  pump(maxRounds = 10_000): number {
    let moved = 0;
    for (let round = 0; round < maxRounds; round++) {
      const a = this.transfer(this.client, this.server, this.clientWrote);
      const b = this.transfer(this.server, this.client, this.serverWrote);
      if (a + b === 0) return moved;
      moved += a + b;
    }
    throw new Error('the sessions never settled');
  }

  /** One side's pending output, all of it, into the other side. */
  private transfer(from: Session, to: Session, wrote: Uint8Array[]): number {
    let moved = 0;
    for (;;) {
      const out = from.memSend();
      if (out === null) return moved;
      wrote.push(out.slice());
      for (const piece of this.split(out)) to.memRecv(piece);
      moved += out.length;
    }
  }
}
