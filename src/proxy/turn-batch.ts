/**
 * Work gathered over one turn of the event loop and done together at its
 * end (setImmediate: the check phase, right after the poll phase read
 * every socket that was ready).
 *
 * Why the SPDY frontend holds its replies here: each backend response
 * arrives in a read of its own connection, and a reply started there is
 * written to the client at the end of that read (the session flushes in a
 * microtask), so every reply costs the client's connection a socket write
 * of its own. Started together, the replies of one turn share one write.
 * They wait no longer than the rest of the turn; what a response sends
 * after its reply has started goes out as it comes.
 */
export interface Batched {
  /** The turn is over: do what was held. */
  release(): void;
}

export class TurnBatch {
  private held: Batched[] = [];

  /** Holds `item` until the end of this turn. */
  add(item: Batched): void {
    if (this.held.length === 0) setImmediate(this.releaseAll);
    this.held.push(item);
  }

  private readonly releaseAll = (): void => {
    const items = this.held;
    this.held = [];
    for (const item of items) item.release();
  };
}
