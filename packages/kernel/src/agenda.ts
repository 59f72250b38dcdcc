/**
 * The run's event queue: a timing wheel of whole milliseconds in front of a binary heap. Most
 * events of a run are messages and timers due a few milliseconds to a second ahead, at whole
 * virtual times; those wait in the wheel, a FIFO bucket per millisecond, where queuing and taking
 * cost a few array operations instead of a heap's log n comparisons. Everything else (fractional
 * times from clock drift, times beyond the wheel's window, events queued out of order by
 * exploration) waits in the heap. Taking compares the two fronts by (time, seq), so the order is
 * exactly the heap's alone: the same events leave in the same order whichever part held them.
 */
import { EventQueue, type Queued } from "./heap.js";

/** How many milliseconds ahead the wheel holds (a power of two). */
const WINDOW = 1024;
const MASK = WINDOW - 1;
/** The bucket of every millisecond not used yet: buckets are made on first use, so a short run does not pay for 1,024 arrays. Never pushed to. */
const UNUSED: never[] = [];

/** A queue ordered by (time, seq), like {@link EventQueue}, faster for the near future of a run. */
export class EventAgenda<E extends Queued> {
  private readonly heap: EventQueue<E>;
  /** Bucket of time t (for base <= t < base + WINDOW) at t & MASK, taken from its head. Empty when this agenda is a plain heap. */
  private readonly buckets: E[][];
  private readonly heads: number[];
  /** No event in the wheel is earlier: the time of the last event taken, rounded down. */
  private base = 0;
  /** Events in the wheel. */
  private inWheel = 0;

  /** `wheel: false` gives a plain heap (copies for exploration, which fork often and take events out of order). */
  constructor(wheel = true, heap = new EventQueue<E>()) {
    this.heap = heap;
    this.buckets = wheel ? new Array<E[]>(WINDOW).fill(UNUSED) : [];
    this.heads = wheel ? new Array<number>(WINDOW).fill(0) : [];
  }

  /** How many events are queued. */
  get size(): number {
    return this.heap.size + this.inWheel;
  }

  /** Adds an event. */
  push(event: E): void {
    const t = event.time;
    const ahead = t - this.base;
    if (ahead >= 0 && ahead < WINDOW && this.buckets.length > 0 && (t | 0) === t) {
      let bucket = this.buckets[t & MASK] as E[];
      if (bucket === UNUSED) this.buckets[t & MASK] = bucket = [];
      const n = bucket.length;
      // A bucket stays in seq order; an event queued with an older seq than its bucket's last (none does today) goes to the heap.
      if (n === 0 || (bucket[n - 1] as E).seq < event.seq) {
        bucket.push(event);
        this.inWheel++;
        return;
      }
    }
    this.heap.push(event);
  }

  /** The earliest event, without removing it. */
  peek(): E | undefined {
    const fromWheel = this.wheelFront();
    const top = this.heap.peek();
    if (fromWheel === undefined) return top;
    return top !== undefined && before(top, fromWheel) ? top : fromWheel;
  }

  /** Removes and returns the earliest event. */
  pop(): E | undefined {
    const fromWheel = this.wheelFront();
    const top = this.heap.peek();
    if (fromWheel === undefined || (top !== undefined && before(top, fromWheel))) {
      if (top !== undefined && top.time > this.base) this.base = Math.floor(top.time);
      return this.heap.pop();
    }
    const i = this.base & MASK;
    const bucket = this.buckets[i] as E[];
    const head = (this.heads[i] as number) + 1;
    if (head === bucket.length) {
      bucket.length = 0;
      this.heads[i] = 0;
    } else {
      this.heads[i] = head;
    }
    this.inWheel--;
    return fromWheel;
  }

  /** The wheel's earliest event; moves `base` up to its time. */
  private wheelFront(): E | undefined {
    if (this.inWheel === 0) return undefined;
    const { buckets, heads } = this;
    let i = this.base & MASK;
    while (heads[i] === (buckets[i] as E[]).length) i = ++this.base & MASK;
    return (buckets[i] as E[])[heads[i] as number];
  }

  /** Removes the queued event that `match` accepts (the first found); returns it. O(n): for exploration, not the hot loop. */
  remove(match: (event: E) => boolean): E | undefined {
    const found = this.heap.remove(match);
    if (found !== undefined) return found;
    for (let i = 0; i < this.buckets.length; i++) {
      const bucket = this.buckets[i] as E[];
      for (let j = this.heads[i] as number; j < bucket.length; j++) {
        const e = bucket[j] as E;
        if (!match(e)) continue;
        bucket.splice(j, 1);
        if (this.heads[i] === bucket.length) {
          bucket.length = 0;
          this.heads[i] = 0;
        }
        this.inWheel--;
        return e;
      }
    }
    return undefined;
  }

  /** A copy holding the same events, as a plain heap (see the constructor). */
  clone(): EventAgenda<E> {
    const heap = this.heap.clone();
    this.forEachInWheel((e) => heap.push(e));
    return new EventAgenda<E>(false, heap);
  }

  /** Every queued event, in no particular order (for inspection, not for deciding anything). */
  unordered(): readonly E[] {
    if (this.inWheel === 0) return this.heap.unordered();
    const all = this.heap.unordered().slice();
    this.forEachInWheel((e) => all.push(e));
    return all;
  }

  /** Calls `f` on each event in the wheel, from the earliest bucket on. */
  private forEachInWheel(f: (e: E) => void): void {
    const { buckets, heads } = this;
    for (let k = 0; k < buckets.length; k++) {
      const i = (this.base + k) & MASK;
      const bucket = buckets[i] as E[];
      for (let j = heads[i] as number; j < bucket.length; j++) f(bucket[j] as E);
    }
  }
}

/** True when `a` leaves the queue before `b`. */
function before(a: Queued, b: Queued): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}
