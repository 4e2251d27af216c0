/**
 * A session's streams by id: an open-addressing hash table (linear
 * probing, deletion by backward shift, so no tombstones) whose arrays are
 * replaced only when it grows. Walked in insertion order, as a Map is,
 * through a list linking the slots, so that what the session does to every
 * open stream (closing them all, resuming the DATA that waited for window)
 * happens in the order a Map gave.
 *
 * Not a Map, because of how V8 keeps one: each Map.delete leaves a hole
 * in the Map's table, and once holes and entries fill it V8 copies the
 * live entries into a new table. Once the Map has reached the old generation
 * (any full GC puts it there), the new table is allocated there too, and
 * the replaced one keeps its entries (and a link to its successor) until
 * the next full GC. A session's streams come and go all the time, so every
 * replaced table pinned the streams open at that moment, each with its
 * headers and listeners: the young-generation GC copied them and then
 * promoted them, and took 1.2-1.6 s of an S1 run in the client instead of
 * 0.2-0.4 s (BENCHMARKS.md, "Where the time goes"). Here a stream is
 * forgotten when it is deleted, and a table replaced by growth is emptied.
 */

const MIN_CAPACITY = 16;
/** Knuth's multiplicative hash constant (2^32 / golden ratio): spreads ids that step by 2. */
const GOLDEN = 0x9e3779b1;
/** No slot: the end of the insertion list. */
const NIL = -1;

/** What a session's readers may ask of its streams. */
export interface ReadonlyStreamMap<T> {
  readonly size: number;
  get(id: number): T | undefined;
  has(id: number): boolean;
  /** The values in insertion order, as an array of their own: the map may change while it is walked. */
  values(): T[];
}

export class StreamMap<T> implements ReadonlyStreamMap<T> {
  /** Stream ids by slot; 0 marks an empty slot (no stream has id 0). */
  private ids: Int32Array;
  private slots: Array<T | undefined>;
  /** The insertion list: each occupied slot's neighbours, NIL at the ends. */
  private before: Int32Array;
  private after: Int32Array;
  private first = NIL;
  private last = NIL;
  private mask: number;
  /** 32 - log2(capacity): the hash's top bits pick the slot. */
  private shift: number;
  private count = 0;

  constructor(capacity = MIN_CAPACITY) {
    const size = Math.max(MIN_CAPACITY, 2 ** Math.ceil(Math.log2(capacity)));
    this.ids = new Int32Array(size);
    this.slots = new Array<T | undefined>(size).fill(undefined);
    this.before = new Int32Array(size);
    this.after = new Int32Array(size);
    this.mask = size - 1;
    this.shift = 32 - Math.log2(size);
  }

  get size(): number {
    return this.count;
  }

  get(id: number): T | undefined {
    const ids = this.ids;
    const mask = this.mask;
    for (let i = this.home(id); ; i = (i + 1) & mask) {
      const held = ids[i]!;
      if (held === 0) return undefined;
      if (held === id) return this.slots[i];
    }
  }

  has(id: number): boolean {
    return this.slotOf(id) >= 0;
  }

  /** Adds the stream with id `id` (a positive 31-bit integer) last, or replaces it where it stands. */
  set(id: number, value: T): void {
    if (!(id > 0 && id <= 0x7fffffff && Number.isInteger(id))) throw new RangeError(`stream id out of range: ${id}`);
    const ids = this.ids;
    const mask = this.mask;
    let i = this.home(id);
    for (; ids[i] !== 0; i = (i + 1) & mask) {
      if (ids[i] === id) {
        this.slots[i] = value;
        return;
      }
    }
    ids[i] = id;
    this.slots[i] = value;
    this.append(i);
    // At most half full: probes stay short.
    if (++this.count * 2 > ids.length) this.grow();
  }

  delete(id: number): boolean {
    let hole = this.slotOf(id);
    if (hole < 0) return false;
    const ids = this.ids;
    const slots = this.slots;
    const mask = this.mask;
    this.unlink(hole);
    // Backward shift: every entry after the hole, up to the next empty
    // slot, moves into it if the hole lies on its probe path.
    for (let j = (hole + 1) & mask; ids[j] !== 0; j = (j + 1) & mask) {
      const home = this.home(ids[j]!);
      if (((j - home) & mask) >= ((j - hole) & mask)) {
        ids[hole] = ids[j]!;
        slots[hole] = slots[j];
        this.relink(j, hole);
        hole = j;
      }
    }
    ids[hole] = 0;
    slots[hole] = undefined;
    this.count--;
    return true;
  }

  values(): T[] {
    const out: T[] = [];
    for (let i = this.first; i !== NIL; i = this.after[i]!) out.push(this.slots[i]!);
    return out;
  }

  clear(): void {
    this.ids.fill(0);
    this.slots.fill(undefined);
    this.first = NIL;
    this.last = NIL;
    this.count = 0;
  }

  private home(id: number): number {
    return Math.imul(id, GOLDEN) >>> this.shift;
  }

  private slotOf(id: number): number {
    const ids = this.ids;
    const mask = this.mask;
    for (let i = this.home(id); ; i = (i + 1) & mask) {
      const held = ids[i]!;
      if (held === 0) return -1;
      if (held === id) return i;
    }
  }

  /** Puts slot `i` at the end of the insertion list. */
  private append(i: number): void {
    this.before[i] = this.last;
    this.after[i] = NIL;
    if (this.last === NIL) this.first = i;
    else this.after[this.last] = i;
    this.last = i;
  }

  /** Takes slot `i` out of the insertion list. */
  private unlink(i: number): void {
    const prev = this.before[i]!;
    const next = this.after[i]!;
    if (prev === NIL) this.first = next;
    else this.after[prev] = next;
    if (next === NIL) this.last = prev;
    else this.before[next] = prev;
  }

  /** The entry of slot `from` has moved to slot `to`: its place in the list moves with it. */
  private relink(from: number, to: number): void {
    const prev = this.before[from]!;
    const next = this.after[from]!;
    this.before[to] = prev;
    this.after[to] = next;
    if (prev === NIL) this.first = to;
    else this.after[prev] = to;
    if (next === NIL) this.last = to;
    else this.before[next] = to;
  }

  private grow(): void {
    const oldIds = this.ids;
    const oldSlots = this.slots;
    const oldAfter = this.after;
    const size = oldIds.length * 2;
    this.ids = new Int32Array(size);
    this.slots = new Array<T | undefined>(size).fill(undefined);
    this.before = new Int32Array(size);
    this.after = new Int32Array(size);
    this.mask = size - 1;
    this.shift--;
    const ids = this.ids;
    // Re-inserted in list order, so the new list keeps the old order.
    let k = this.first;
    this.first = NIL;
    this.last = NIL;
    for (; k !== NIL; k = oldAfter[k]!) {
      const id = oldIds[k]!;
      let i = this.home(id);
      while (ids[i] !== 0) i = (i + 1) & this.mask;
      ids[i] = id;
      this.slots[i] = oldSlots[k];
      this.append(i);
    }
    // The old array may already be in the old generation: it must not keep the streams.
    oldSlots.fill(undefined);
  }
}
