/** Anything the queue can order: by `time`, then by insertion `seq`. */
export interface Queued {
  readonly time: number;
  readonly seq: number;
}

/**
 * A binary min-heap ordered by (time, seq). Because `seq` is unique and increasing, the order is
 * total: two events at the same time always leave in the order they were queued.
 */
export class EventQueue<E extends Queued> {
  private readonly items: E[] = [];

  /** How many events are queued. */
  get size(): number {
    return this.items.length;
  }

  /** The earliest event, without removing it. */
  peek(): E | undefined {
    return this.items[0];
  }

  /** Adds an event. */
  push(event: E): void {
    const items = this.items;
    let i = items.length;
    items.push(event);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent] as E;
      if (!before(event, p)) break;
      items[i] = p;
      i = parent;
    }
    items[i] = event;
  }

  /** Removes and returns the earliest event. */
  pop(): E | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    const n = items.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      let child = items[l] as E;
      if (r < n) {
        const right = items[r] as E;
        if (before(right, child)) {
          c = r;
          child = right;
        }
      }
      if (!before(child, last)) break;
      items[i] = child;
      i = c;
    }
    items[i] = last;
    return top;
  }

  /** Removes the first queued event (in heap order) that `match` accepts; returns it. O(n): for exploration, not the hot loop. */
  remove(match: (event: E) => boolean): E | undefined {
    const i = this.items.findIndex(match);
    if (i < 0) return undefined;
    const found = this.items[i] as E;
    this.items.splice(i, 1);
    const all = this.items.splice(0);
    for (const e of all) this.push(e);
    return found;
  }

  /** A copy holding the same events. */
  clone(): EventQueue<E> {
    const copy = new EventQueue<E>();
    copy.items.push(...this.items);
    return copy;
  }

  /** Every queued event, in no particular order (for inspection, not for deciding anything). */
  unordered(): readonly E[] {
    return this.items;
  }
}

function before(a: Queued, b: Queued): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}
