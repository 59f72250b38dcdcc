/**
 * Bounded reordering for a subscriber that wants timestamp order: each message is held at most
 * `windowMs` of the subscriber's clock, then released in (HLC, producer, seq) order. Holding a
 * message longer gives a later-arriving but earlier-stamped one the chance to overtake it.
 *
 * A message that arrives after a message with a larger key was already released is LATE: the
 * window was too short for it. It is released at once (out of order, flagged `late`) and counted,
 * never dropped — the log is the record of truth, and a late message is still a message.
 */
import { compareHlc, type Hlc } from "./hlc.js";

/** What orders messages: the HLC stamp, then the producer id, then the producer's seq. */
export interface OrderKey {
  readonly hlc: Hlc;
  readonly producer: string;
  readonly seq: number;
}

/** Orders keys by (HLC, producer, seq). */
export function compareKeys(a: OrderKey, b: OrderKey): number {
  return compareHlc(a.hlc, b.hlc) || (a.producer < b.producer ? -1 : a.producer > b.producer ? 1 : 0) || a.seq - b.seq;
}

/** A released message. */
export interface Released<T extends OrderKey> {
  readonly msg: T;
  /** True when it came after a larger key was released (beyond the window). */
  readonly late: boolean;
  /** How long it was held (subscriber clock, ms). */
  readonly heldMs: number;
}

/** The buffer: messages held (in key order) and what was released so far. */
export interface ReorderState<T extends OrderKey> {
  readonly windowMs: number;
  readonly held: readonly { readonly msg: T; readonly at: number }[];
  /** The largest key released so far. */
  readonly last?: OrderKey;
  readonly released: number;
  readonly late: number;
}

/** An empty buffer holding each message at most `windowMs`. */
export function reorderBuffer<T extends OrderKey>(windowMs: number): ReorderState<T> {
  if (!(windowMs >= 0) || !Number.isFinite(windowMs)) throw new RangeError(`windowMs: expected a finite number >= 0, got ${windowMs}`);
  return { windowMs, held: [], released: 0, late: 0 };
}

/** Releases every message held `windowMs` by `now`, and every smaller key with it. */
export function reorderTick<T extends OrderKey>(state: ReorderState<T>, now: number): { state: ReorderState<T>; out: Released<T>[] } {
  let cut = -1;
  state.held.forEach((h, i) => {
    // Written as reorderDue computes the due time: `now - h.at >= windowMs` can be false at
    // exactly that time through rounding (fractional skewed clocks), and a timer loop would spin.
    if (h.at + state.windowMs <= now) cut = i;
  });
  if (cut < 0) return { state, out: [] };
  const out = state.held.slice(0, cut + 1).map((h) => ({ msg: h.msg, late: false, heldMs: now - h.at }));
  return { state: { ...state, held: state.held.slice(cut + 1), last: out[out.length - 1]?.msg, released: state.released + out.length }, out };
}

/** A message arrives at `now`: held in key order (or released at once if late), then expired ones released. */
export function reorderPush<T extends OrderKey>(state: ReorderState<T>, msg: T, now: number): { state: ReorderState<T>; out: Released<T>[] } {
  if (state.last !== undefined && compareKeys(msg, state.last) < 0) {
    const after = reorderTick(state, now);
    return { state: { ...after.state, released: after.state.released + 1, late: after.state.late + 1 }, out: [{ msg, late: true, heldMs: 0 }, ...after.out] };
  }
  const held = [...state.held];
  let i = held.length;
  while (i > 0 && compareKeys(held[i - 1]!.msg, msg) > 0) i--;
  held.splice(i, 0, { msg, at: now });
  return reorderTick({ ...state, held }, now);
}

/** Releases everything held, in key order (end of stream). */
export function reorderFlush<T extends OrderKey>(state: ReorderState<T>, now: number): { state: ReorderState<T>; out: Released<T>[] } {
  const out = state.held.map((h) => ({ msg: h.msg, late: false, heldMs: now - h.at }));
  return { state: { ...state, held: [], last: out[out.length - 1]?.msg ?? state.last, released: state.released + out.length }, out };
}

/** When the next held message is due (subscriber clock), for the subscriber's timer; `undefined` when nothing is held. */
export function reorderDue<T extends OrderKey>(state: ReorderState<T>): number | undefined {
  if (state.held.length === 0) return undefined;
  let first = Infinity;
  for (const h of state.held) first = Math.min(first, h.at);
  return first + state.windowMs;
}
