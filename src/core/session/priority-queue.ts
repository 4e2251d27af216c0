/**
 * A binary min-heap of outbound items ordered by (pri, seq): lower priority
 * numbers first, then submission order. This is spdylay's outbound order;
 * `seq` makes it total, so the queue is deterministic.
 */

export interface Ordered {
  pri: number;
  seq: number;
}

function before(a: Ordered, b: Ordered): boolean {
  return a.pri < b.pri || (a.pri === b.pri && a.seq < b.seq);
}

export class PriorityQueue<T extends Ordered> {
  private readonly heap: T[] = [];

  get size(): number {
    return this.heap.length;
  }

  peek(): T | undefined {
    return this.heap[0];
  }

  push(item: T): void {
    const heap = this.heap;
    let i = heap.length;
    heap.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(item, heap[parent]!)) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = item;
  }

  pop(): T | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length === 0 || last === undefined) return top;
    let i = 0;
    const n = heap.length;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && before(heap[right]!, heap[left]!) ? right : left;
      if (!before(heap[child]!, last)) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
    return top;
  }

  /** Removes and returns every item, in no particular order. */
  drain(): T[] {
    return this.heap.splice(0, this.heap.length);
  }
}
