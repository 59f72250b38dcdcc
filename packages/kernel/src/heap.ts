/** Anything the queue can order: by `time`, then by insertion `seq`. */
export interface Queued {
  readonly time: number;
  readonly seq: number;
}

/**
 * A binary min-heap ordered by (time, seq). Because `seq` is unique and increasing, the order is
 * total: two events at the same time always leave in the order they were queued. The keys are
 * kept in arrays of their own beside the events, so sifting compares numbers in two compact
 * arrays instead of chasing a pointer to each event (the events stay out of the cache).
 */
export class EventQueue<E extends Queued> {
  private items: E[] = [];
  private times: number[] = [];
  private seqs: number[] = [];

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
    const { items, times, seqs } = this;
    const time = event.time;
    const seq = event.seq;
    let i = items.length;
    items.push(event);
    times.push(time);
    seqs.push(seq);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent] as number;
      if (!(time < pt || (time === pt && seq < (seqs[parent] as number)))) break;
      items[i] = items[parent] as E;
      times[i] = pt;
      seqs[i] = seqs[parent] as number;
      i = parent;
    }
    items[i] = event;
    times[i] = time;
    seqs[i] = seq;
  }

  /** Removes and returns the earliest event. */
  pop(): E | undefined {
    const { items, times, seqs } = this;
    const top = items[0];
    const last = items.pop();
    const lastTime = times.pop() as number;
    const lastSeq = seqs.pop() as number;
    if (top === undefined || last === undefined || items.length === 0) return top;
    const n = items.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      let ct = times[l] as number;
      let cs = seqs[l] as number;
      if (r < n) {
        const rt = times[r] as number;
        const rs = seqs[r] as number;
        if (rt < ct || (rt === ct && rs < cs)) {
          c = r;
          ct = rt;
          cs = rs;
        }
      }
      if (!(ct < lastTime || (ct === lastTime && cs < lastSeq))) break;
      items[i] = items[c] as E;
      times[i] = ct;
      seqs[i] = cs;
      i = c;
    }
    items[i] = last;
    times[i] = lastTime;
    seqs[i] = lastSeq;
    return top;
  }

  /** Removes the first queued event (in heap order) that `match` accepts; returns it. O(n): for exploration, not the hot loop. */
  remove(match: (event: E) => boolean): E | undefined {
    const i = this.items.findIndex(match);
    if (i < 0) return undefined;
    const found = this.items[i] as E;
    const rest = this.items.filter((_, j) => j !== i);
    this.items.length = 0;
    this.times.length = 0;
    this.seqs.length = 0;
    for (const e of rest) this.push(e);
    return found;
  }

  /** A copy holding the same events. */
  clone(): EventQueue<E> {
    const copy = new EventQueue<E>();
    copy.items = this.items.slice();
    copy.times = this.times.slice();
    copy.seqs = this.seqs.slice();
    return copy;
  }

  /** Every queued event, in no particular order (for inspection, not for deciding anything). */
  unordered(): readonly E[] {
    return this.items;
  }
}
