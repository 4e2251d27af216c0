/**
 * A session's streams by id: an open-addressing hash table (linear
 * probing, deletion by backward shift, so no tombstones) whose arrays are
 * replaced only when it grows.
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

export class StreamTable<T> {
  /** Stream ids by slot; 0 marks an empty slot (no stream has id 0). */
  private ids: Int32Array;
  private slots: Array<T | undefined>;
  private mask: number;
  /** 32 - log2(capacity): the hash's top bits pick the slot. */
  private shift: number;
  private count = 0;

  constructor(capacity = MIN_CAPACITY) {
    const size = Math.max(MIN_CAPACITY, 2 ** Math.ceil(Math.log2(capacity)));
    this.ids = new Int32Array(size);
    this.slots = new Array<T | undefined>(size).fill(undefined);
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

  /** Adds or replaces the stream with id `id` (a positive 31-bit integer). */
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
    // At most half full: probes stay short.
    if (++this.count * 2 > ids.length) this.grow();
  }

  delete(id: number): boolean {
    let hole = this.slotOf(id);
    if (hole < 0) return false;
    const ids = this.ids;
    const slots = this.slots;
    const mask = this.mask;
    // Backward shift: every entry after the hole, up to the next empty
    // slot, moves into it if the hole lies on its probe path.
    for (let j = (hole + 1) & mask; ids[j] !== 0; j = (j + 1) & mask) {
      const home = this.home(ids[j]!);
      if (((j - home) & mask) >= ((j - hole) & mask)) {
        ids[hole] = ids[j]!;
        slots[hole] = slots[j];
        hole = j;
      }
    }
    ids[hole] = 0;
    slots[hole] = undefined;
    this.count--;
    return true;
  }

  /** The streams, as an array of their own: the table may change while it is walked. */
  values(): T[] {
    const out: T[] = [];
    const ids = this.ids;
    for (let i = 0; i < ids.length; i++) if (ids[i] !== 0) out.push(this.slots[i]!);
    return out;
  }

  clear(): void {
    this.ids.fill(0);
    this.slots.fill(undefined);
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

  private grow(): void {
    const oldIds = this.ids;
    const oldSlots = this.slots;
    const size = oldIds.length * 2;
    this.ids = new Int32Array(size);
    this.slots = new Array<T | undefined>(size).fill(undefined);
    this.mask = size - 1;
    this.shift--;
    const ids = this.ids;
    for (let k = 0; k < oldIds.length; k++) {
      const id = oldIds[k]!;
      if (id === 0) continue;
      let i = this.home(id);
      while (ids[i] !== 0) i = (i + 1) & this.mask;
      ids[i] = id;
      this.slots[i] = oldSlots[k];
    }
    // The old array may already be in the old generation: it must not keep the streams.
    oldSlots.fill(undefined);
  }
}
