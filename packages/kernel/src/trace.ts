/**
 * The trace of a run: a stable hash folded over every event, the last N events for reports, and
 * on request every event as JSON lines.
 */
import type { ClientId, NodeId, RequestId, Timer } from "./protocol.js";
import type { FaultAction } from "./config.js";

/** What happened at one point of a run. */
export type TraceKind =
  | "deliver"
  | "drop"
  | "timer"
  | "request"
  | "request-lost"
  | "reply"
  | "client-timeout"
  | "fault";

/**
 * Why a message was not delivered: lost by the network, blocked by a partition, its receiver
 * down, its receiver restarted since it was sent (with `network.acrossRestarts: "drop"`), or
 * dropped by a send trigger.
 */
export type DropReason = "loss" | "partition" | "down" | "restarted" | "trigger";

/** One event of a run, as reports and JSON-lines traces show it. */
export interface TraceEvent {
  /** Virtual time in ms. */
  readonly t: number;
  readonly kind: TraceKind;
  /** The node the event happened at (receiver of a message, owner of a timer, target of a request). */
  readonly node?: NodeId;
  /** Sender of a message. */
  readonly from?: NodeId;
  /**
   * Virtual time a delivered or dropped message was sent at, by `from`. Not folded into the trace
   * hash: the events before decide it, and every hash stayed what it was before it was traced.
   */
  readonly sentAt?: number;
  readonly msg?: unknown;
  /** Marks the second copy of a duplicated message. */
  readonly duplicate?: true;
  readonly reason?: DropReason;
  /** The timer that fired. */
  readonly timer?: Timer;
  readonly client?: ClientId;
  readonly id?: RequestId;
  readonly req?: unknown;
  readonly res?: unknown;
  readonly action?: FaultAction;
}

/** Renders trace events as JSON lines, one event a line. */
export function toJsonLines(events: readonly TraceEvent[]): string {
  let out = "";
  for (const e of events) out += JSON.stringify(e) + "\n";
  return out;
}

/**
 * A 64-bit FNV-1a-style hash in two 32-bit lanes, folded word by word. Values are walked
 * structurally — numbers, string characters, array lengths and object keys go straight into the
 * lanes; no JSON text is built — so the same events give the same hash in any process. Object
 * keys are folded in insertion order (for…in order), which the same code reproduces in every
 * process; sorting them would cost a sort per object on the hot path. Non-integer numbers are
 * folded by their IEEE-754 bits (read little-endian, as on every platform Node supports).
 */
export class TraceHasher {
  private a = 0x811c9dc5;
  private b = 0xcbf29ce4;

  /** Folds one 32-bit word. */
  word(x: number): void {
    this.a = Math.imul(this.a ^ x, 0x01000193);
    const b = this.b;
    this.b = Math.imul(b ^ x, 0x01b3) ^ (b >>> 13);
  }

  /** Folds two words at once (an event's header and time): the same lanes as two {@link TraceHasher.word} calls, without two calls. */
  words2(x: number, y: number): void {
    let a = this.a;
    let b = this.b;
    a = Math.imul(a ^ x, 0x01000193);
    b = Math.imul(b ^ x, 0x01b3) ^ (b >>> 13);
    a = Math.imul(a ^ y, 0x01000193);
    b = Math.imul(b ^ y, 0x01b3) ^ (b >>> 13);
    this.a = a;
    this.b = b;
  }

  /** Folds a number: whole 32-bit values as one word, others by their 64 bits. */
  number(x: number): void {
    if ((x | 0) === x) {
      this.word(x);
    } else {
      FLOAT[0] = x;
      this.word(TAG_FLOAT);
      this.word(WORDS[0] as number);
      this.word(WORDS[1] as number);
    }
  }

  /** Folds a string: its length, then each UTF-16 unit. */
  string(s: string): void {
    let a = this.a;
    let b = this.b;
    const n = s.length;
    a = Math.imul(a ^ (TAG_STRING ^ n), 0x01000193);
    b = Math.imul(b ^ (TAG_STRING ^ n), 0x01b3) ^ (b >>> 13);
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x01b3) ^ (b >>> 13);
    }
    this.a = a;
    this.b = b;
  }

  /** Folds any plain data structurally (JSON's data model; `undefined` object fields are skipped as JSON does). */
  value(v: unknown): void {
    switch (typeof v) {
      case "number":
        return this.number(v);
      case "string":
        return this.string(v);
      case "boolean":
        return this.word(v ? TAG_TRUE : TAG_FALSE);
      case "undefined":
        return this.word(TAG_UNDEFINED);
      case "object": {
        if (v === null) return this.word(TAG_NULL);
        if (Array.isArray(v)) {
          this.word(TAG_ARRAY ^ v.length);
          for (let i = 0; i < v.length; i++) this.value(v[i]);
          return;
        }
        this.word(TAG_OBJECT);
        const o = v as Record<string, unknown>;
        for (const k in o) {
          const field = o[k];
          if (field === undefined) continue;
          this.string(k);
          this.value(field);
        }
        return this.word(TAG_END);
      }
      default:
        return this.string(String(v));
    }
  }

  /** Folds a text (kept for callers that hash strings; same as {@link TraceHasher.string}). */
  add(text: string): void {
    this.string(text);
  }

  /** A copy that continues from the same hash. */
  clone(): TraceHasher {
    const c = new TraceHasher();
    c.a = this.a;
    c.b = this.b;
    return c;
  }

  /** The hash so far, as 16 hex digits. */
  digest(): string {
    return (this.a >>> 0).toString(16).padStart(8, "0") + (this.b >>> 0).toString(16).padStart(8, "0");
  }
}

// Tags keep differently shaped values apart ("1" vs 1, [] vs {}, [[1]] vs [1]); high bits so they
// rarely equal small numbers.
const TAG_FLOAT = 0x7f000001;
const TAG_STRING = 0x7e000000;
const TAG_TRUE = 0x7d000001;
const TAG_FALSE = 0x7d000002;
const TAG_NULL = 0x7d000003;
const TAG_UNDEFINED = 0x7d000004;
const TAG_ARRAY = 0x7c000000;
const TAG_OBJECT = 0x7b000001;
const TAG_END = 0x7b000002;

const FLOAT = new Float64Array(1);
const WORDS = new Uint32Array(FLOAT.buffer);

/** A fixed-size ring of the most recent items. */
export class RecentEvents<T> {
  private readonly items: T[] = [];
  private next = 0;
  constructor(private readonly capacity: number) {}

  /** Adds an item, evicting the oldest when full. */
  push(item: T): void {
    const capacity = this.capacity;
    if (capacity <= 0) return;
    const next = this.next;
    if (this.items.length < capacity) this.items.push(item);
    else this.items[next] = item;
    this.next = next + 1 === capacity ? 0 : next + 1;
  }

  /** A copy holding the same items. */
  clone(): RecentEvents<T> {
    const c = new RecentEvents<T>(this.capacity);
    c.items.push(...this.items);
    c.next = this.next;
    return c;
  }

  /** The kept items, oldest first. */
  toArray(): T[] {
    if (this.items.length < this.capacity) return this.items.slice();
    return [...this.items.slice(this.next), ...this.items.slice(0, this.next)];
  }
}
