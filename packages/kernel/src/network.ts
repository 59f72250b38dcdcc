/**
 * The virtual network: directed links between node indices with their behaviour (latency, loss,
 * duplication, reordering), partitions and blocks, and FIFO order per link. It decides the fate
 * of each message with the run's network stream and queues the deliveries.
 */
import type { LinkConfig, MessageTypeRates, NetworkConfig } from "./config.js";
import { messageEvent } from "./events.js";
import type { NodeId } from "./protocol.js";
import type { Rng } from "./rng.js";
import type { Schedule } from "./schedule.js";
import type { DropReason } from "./trace.js";

/** Every field of a {@link Network}, so a copy must name each one. */
interface NetworkFields {
  /** How many nodes; link i→j lives at [i * size + j]. */
  readonly size: number;
  /** Node ids by index (a message carries its sender's id: it is its receiver's input). */
  readonly ids: readonly NodeId[];
  /** The behaviour of links without an override. */
  defaults: LinkConfig;
  /** Per-link overrides as full configs (sparse). */
  readonly overrides: (LinkConfig | undefined)[];
  /** 1 where link i→j is blocked by a partition or a block. */
  readonly blocked: Uint8Array;
  /**
   * Latest scheduled arrival on each link, to keep links FIFO. A plain array, not a
   * Float64Array: a typed array hands out every value as a heap number, which would turn whole
   * arrival times into doubles all the way into the event queue's time keys (V8 then keeps that
   * array of doubles and compares floats); a plain array keeps whole times small integers.
   */
  readonly lastArrival: number[];
  /** Until when each link is clogged (holds every message; 0 when never). A plain array, as `lastArrival`. */
  readonly clogUntil: number[];
  /** Rates by message type (immutable, from the run's configuration). */
  readonly messageTypes: Readonly<Record<string, MessageTypeRates>> | undefined;
  /** The network's random stream. */
  readonly rng: Rng;
}

const LONG_REORDER_MIN_MS = 200;
const LONG_REORDER_MAX_MS = 2_200;

/** Links, partitions and the fate of messages. */
export class Network {
  private readonly f: NetworkFields;
  /** Resolved behaviour of each link (override or defaults), rebuilt when either changes. */
  private links: LinkConfig[] = [];

  constructor(fields: NetworkFields) {
    this.f = fields;
    this.rebuild();
  }

  /** The network of a new run between nodes `ids`: `config`'s defaults and overrides (given as node indices). */
  static create(ids: readonly NodeId[], config: NetworkConfig, overrides: readonly { from: number; to: number; change: Partial<LinkConfig> }[], rng: Rng): Network {
    const { links: _overrides, messageTypes, acrossRestarts: _across, ...defaults } = config;
    const size = ids.length;
    const net = new Network({
      size,
      ids,
      defaults,
      overrides: [],
      blocked: new Uint8Array(size * size),
      lastArrival: new Array<number>(size * size).fill(0),
      clogUntil: new Array<number>(size * size).fill(0),
      messageTypes,
      rng,
    });
    for (const o of overrides) net.changeLink(o.from, o.to, o.change);
    return net;
  }

  /** An independent copy: same links and blocks, its random stream continuing from the same position. */
  clone(): Network {
    const f = this.f;
    return new Network({
      size: f.size,
      ids: f.ids,
      defaults: f.defaults,
      overrides: f.overrides.slice(),
      blocked: f.blocked.slice(),
      lastArrival: f.lastArrival.slice(),
      clogUntil: f.clogUntil.slice(),
      messageTypes: f.messageTypes,
      rng: f.rng.clone(),
    });
  }

  /** True when link from→to (node indices) is blocked. */
  isBlocked(from: number, to: number): boolean {
    return this.f.blocked[from * this.f.size + to] === 1;
  }

  /** Blocks link from→to (a node is never cut off from itself). */
  block(from: number, to: number): void {
    if (from !== to) this.f.blocked[from * this.f.size + to] = 1;
  }

  /** Removes every partition and block. */
  heal(): void {
    this.f.blocked.fill(0);
  }

  /** The blocked links as 0/1 flags (for fingerprints). */
  blockedLinks(): readonly number[] {
    return Array.from(this.f.blocked);
  }

  /** Changes the defaults (links with an override keep theirs). */
  changeDefaults(change: Partial<LinkConfig>): void {
    this.f.defaults = { ...this.f.defaults, ...change };
    this.rebuild();
  }

  /** Changes link from→to, starting from its current behaviour. */
  changeLink(from: number, to: number, change: Partial<LinkConfig>): void {
    const l = from * this.f.size + to;
    const { from: _f, to: _t, ...rest } = change as Partial<LinkConfig> & { from?: unknown; to?: unknown };
    this.f.overrides[l] = { ...(this.f.overrides[l] ?? this.f.defaults), ...rest };
    this.rebuild();
  }

  private rebuild(): void {
    const { size, overrides, defaults } = this.f;
    this.links = Array.from({ length: size * size }, (_, l) => overrides[l] ?? defaults);
  }

  /** Clogs link from→to until `until`: its messages are held and then released in order. */
  clog(from: number, to: number, until: number): void {
    const l = from * this.f.size + to;
    if ((this.f.clogUntil[l] as number) < until) this.f.clogUntil[l] = until;
  }

  /** Until when link from→to is clogged (0 or a past time when it is not). */
  cloggedUntil(from: number, to: number): number {
    return this.f.clogUntil[from * this.f.size + to] as number;
  }

  /**
   * Sends `msg` on link from→to at `schedule.time`: queues its delivery (twice when duplicated),
   * or returns why it is lost. `incarnation` is the receiver's restart count now.
   */
  transmit(from: number, to: number, msg: unknown, schedule: Schedule, incarnation: number): DropReason | undefined {
    const f = this.f;
    const l = from * f.size + to;
    if (f.blocked[l] === 1) return "partition";
    let link = this.links[l] as LinkConfig;
    if (f.messageTypes !== undefined) link = ratesFor(link, msg, f.messageTypes);
    const rng = f.rng;
    if (link.dropRate > 0 && rng.next() < link.dropRate) return "loss";
    // Drawn before the copies' latencies: the order of draws is part of every run's hash.
    const duplicated = link.duplicateRate > 0 && rng.next() < link.duplicateRate;
    this.place(l, link, from, to, msg, schedule, false, incarnation, 0);
    if (duplicated) this.place(l, link, from, to, msg, schedule, true, incarnation, 0);
    return undefined;
  }

  /** Queues `copies` deliveries of `msg` whatever the link's loss rates; `holdMs` more than its latency, out of FIFO order, when given. */
  force(from: number, to: number, msg: unknown, schedule: Schedule, incarnation: number, copies: number, holdMs = 0): void {
    const l = from * this.f.size + to;
    const link = this.links[l] as LinkConfig;
    for (let c = 0; c < copies; c++) this.place(l, link, from, to, msg, schedule, c > 0, incarnation, holdMs);
  }

  /** Draws a copy's arrival time (latency, reordering, FIFO, clogs) and queues it. */
  private place(l: number, link: LinkConfig, from: number, to: number, msg: unknown, schedule: Schedule, duplicate: boolean, incarnation: number, holdMs: number): void {
    const f = this.f;
    const rng = f.rng;
    const span = link.maxLatencyMs - link.minLatencyMs;
    const latency = link.minLatencyMs + (span > 0 ? Math.floor(rng.next() * (span + 1)) : 0);
    let at = schedule.time + latency;
    if (holdMs > 0) {
      at += holdMs; // held on purpose: later messages on the link overtake it
    } else if (link.reorderRate > 0 && rng.next() < link.reorderRate) {
      // Escapes FIFO order and lingers, so later messages on the link may overtake it.
      at += Math.floor(rng.next() * (link.maxLatencyMs + 1));
    } else if (link.longReorderRate !== undefined && link.longReorderRate > 0 && rng.next() < link.longReorderRate) {
      const min = link.longReorderMinMs ?? LONG_REORDER_MIN_MS;
      const max = link.longReorderMaxMs ?? LONG_REORDER_MAX_MS;
      at += min + Math.floor(rng.next() * (max - min + 1));
    } else {
      const last = f.lastArrival[l] as number;
      if (at < last) at = last;
      const clog = f.clogUntil[l] as number;
      if (at < clog) at = clog;
      f.lastArrival[l] = at;
    }
    // A clogged link holds every message, reordered ones too, until it is released.
    const clog = f.clogUntil[l] as number;
    if (at < clog) at = clog;
    schedule.queue.push(messageEvent(at, schedule.nextSeq(), to, from, f.ids[from] as NodeId, msg, duplicate, incarnation, schedule.time));
  }
}

/** The link's behaviour for `msg`: the link's own, or with the rates of `msg`'s type. */
function ratesFor(link: LinkConfig, msg: unknown, types: Readonly<Record<string, MessageTypeRates>>): LinkConfig {
  const type = typeof msg === "object" && msg !== null ? (msg as { type?: unknown }).type : undefined;
  if (typeof type !== "string" || !Object.hasOwn(types, type)) return link;
  return { ...link, ...types[type] };
}
