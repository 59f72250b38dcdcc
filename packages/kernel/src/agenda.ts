/**
 * The run's event queue: a timing wheel of milliseconds in front of a binary heap. Most events of
 * a run are messages and timers due a few milliseconds to a second ahead; those wait in the wheel,
 * a bucket per millisecond kept in (time, seq) order, where queuing and taking cost a few array
 * operations instead of a heap's log n comparisons. Everything else (times beyond the wheel's
 * window, events queued before the last one taken, as exploration does) waits in the heap. Taking
 * compares the two fronts by (time, seq), so the order is exactly the heap's alone: the same
 * events leave in the same order whichever part held them.
 */
import { EventQueue, type Queued } from "./heap.js";

/** How many milliseconds ahead the wheel holds (a power of two, a multiple of 32). */
const WINDOW = 1024;
const MASK = WINDOW - 1;
/** Words of the bitmap of buckets that hold events. */
const WORDS = WINDOW >> 5;
/** The bucket of every millisecond not used yet: buckets are made on first use, so a short run does not pay for 1,024 arrays. Never pushed to. */
const UNUSED: never[] = [];

/** A queue ordered by (time, seq), like {@link EventQueue}, faster for the near future of a run. */
export class EventAgenda<E extends Queued> {
  private readonly heap: EventQueue<E>;
  /**
   * The bucket of millisecond m (base <= m < base + WINDOW) at m & MASK: the events due in
   * [m, m + 1), in (time, seq) order, taken from `heads`. Empty when this agenda is a plain heap.
   */
  private readonly buckets: E[][];
  private readonly heads: number[];
  /** One bit per bucket holding events, so the earliest is found a word at a time. */
  private readonly occupied: Int32Array;
  /** No event in the wheel is earlier: the time of the last event taken, rounded down. */
  private base = 0;
  /** Events in the wheel. */
  private inWheel = 0;

  /** `wheel: false` gives a plain heap (copies for exploration, which fork often and take events out of order). */
  constructor(wheel = true, heap = new EventQueue<E>()) {
    this.heap = heap;
    this.buckets = wheel ? new Array<E[]>(WINDOW).fill(UNUSED) : [];
    this.heads = wheel ? new Array<number>(WINDOW).fill(0) : [];
    this.occupied = new Int32Array(wheel ? WORDS : 0);
  }

  /** How many events are queued. */
  get size(): number {
    return this.heap.size + this.inWheel;
  }

  /** Adds an event. */
  push(event: E): void {
    const t = event.time;
    const ahead = t - this.base;
    if (!(ahead >= 0 && ahead < WINDOW && this.buckets.length > 0)) return this.heap.push(event);
    const i = Math.floor(t) & MASK;
    let bucket = this.buckets[i] as E[];
    if (bucket === UNUSED) this.buckets[i] = bucket = [];
    const n = bucket.length;
    if (n === 0) {
      bucket.push(event);
      const occupied = this.occupied;
      occupied[i >> 5] = (occupied[i >> 5] as number) | (1 << (i & 31));
    } else if (before(bucket[n - 1] as E, event)) {
      bucket.push(event); // the usual case: whole times, queued in seq order
    } else {
      // Fractional times arrive in any order within their millisecond: insert in place, behind the events already taken.
      const head = this.heads[i] as number;
      let j = n - 1;
      while (j > head && before(event, bucket[j - 1] as E)) j--;
      bucket.splice(j, 0, event);
    }
    this.inWheel++;
  }

  /** The earliest event, without removing it. */
  peek(): E | undefined {
    const top = this.heap.peek();
    const i = this.wheelFront();
    if (i < 0) return top;
    const first = (this.buckets[i] as E[])[this.heads[i] as number] as E;
    return top !== undefined && before(top, first) ? top : first;
  }

  /** Removes and returns the earliest event. */
  pop(): E | undefined {
    return this.popNotAfter(Infinity);
  }

  /**
   * Removes and returns the earliest event if it is due at `limit` or before, else leaves it
   * queued and returns undefined: one look at the two fronts, where `peek` then `pop` take two
   * (the run loop does this for every event).
   */
  popNotAfter(limit: number): E | undefined {
    const top = this.heap.peek();
    const i = this.wheelFront();
    const bucket = i < 0 ? undefined : (this.buckets[i] as E[]);
    const head = i < 0 ? 0 : (this.heads[i] as number);
    if (bucket === undefined || (top !== undefined && before(top, bucket[head] as E))) {
      if (top === undefined || top.time > limit) return undefined;
      if (top.time >= this.base + 1) this.base = Math.floor(top.time);
      return this.heap.pop();
    }
    const first = bucket[head] as E;
    if (first.time > limit) return undefined;
    if (head + 1 === bucket.length) this.emptied(i);
    else this.heads[i] = head + 1;
    this.inWheel--;
    this.base = Math.floor(first.time);
    return first;
  }

  /** The index of the wheel's earliest bucket (the first one holding events from `base` on, round the wheel), or -1. */
  private wheelFront(): number {
    if (this.inWheel === 0) return -1;
    const occupied = this.occupied;
    const start = this.base & MASK;
    let w = start >> 5;
    let bits = (occupied[w] as number) & (-1 << (start & 31));
    // At most once round: the start word comes back last, whole, for the buckets before `start` (the window's far end).
    for (let k = 0; bits === 0 && k < WORDS; k++) {
      w = (w + 1) & (WORDS - 1);
      bits = occupied[w] as number;
    }
    return (w << 5) | (31 - Math.clz32(bits & -bits));
  }

  /** Bucket `i` has no events left: reuse its array from the start and clear its bit. */
  private emptied(i: number): void {
    (this.buckets[i] as E[]).length = 0;
    this.heads[i] = 0;
    const occupied = this.occupied;
    occupied[i >> 5] = (occupied[i >> 5] as number) & ~(1 << (i & 31));
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
        if (this.heads[i] === bucket.length) this.emptied(i);
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

  /** Calls `f` on each event in the wheel, bucket by bucket (only those holding events: invariants may ask after every step). */
  private forEachInWheel(f: (e: E) => void): void {
    const { buckets, heads, occupied } = this;
    for (let w = 0; w < occupied.length; w++) {
      for (let bits = occupied[w] as number; bits !== 0; bits &= bits - 1) {
        const i = (w << 5) | (31 - Math.clz32(bits & -bits));
        const bucket = buckets[i] as E[];
        for (let j = heads[i] as number; j < bucket.length; j++) f(bucket[j] as E);
      }
    }
  }
}

/** True when `a` leaves the queue before `b`. */
function before(a: Queued, b: Queued): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}
