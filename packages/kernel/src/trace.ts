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

/** Why a message was not delivered. */
export type DropReason = "loss" | "partition" | "down";

/** One event of a run, as reports and JSON-lines traces show it. */
export interface TraceEvent {
  /** Virtual time in ms. */
  readonly t: number;
  readonly kind: TraceKind;
  /** The node the event happened at (receiver of a message, owner of a timer, target of a request). */
  readonly node?: NodeId;
  /** Sender of a message. */
  readonly from?: NodeId;
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
 * A 64-bit FNV-1a hash in two 32-bit lanes, folded string by string. It depends only on the
 * strings fed to it, so the same events give the same hash in any process on any platform.
 */
export class TraceHasher {
  private a = 0x811c9dc5;
  private b = 0xcbf29ce4;

  /** Folds one string into the hash. */
  add(text: string): void {
    let a = this.a;
    let b = this.b;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x01b3) ^ (b >>> 13);
    }
    // Separator so that ["ab","c"] and ["a","bc"] differ.
    this.a = Math.imul(a ^ 0x1f, 0x01000193);
    this.b = Math.imul(b ^ 0x1f, 0x01b3) ^ (b >>> 13);
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

/** A fixed-size ring of the most recent items. */
export class RecentEvents<T> {
  private readonly items: T[] = [];
  private next = 0;
  constructor(private readonly capacity: number) {}

  /** Adds an item, evicting the oldest when full. */
  push(item: T): void {
    if (this.capacity <= 0) return;
    if (this.items.length < this.capacity) this.items.push(item);
    else this.items[this.next] = item;
    this.next = (this.next + 1) % this.capacity;
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
