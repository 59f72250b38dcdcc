/**
 * The virtual network: directed links between node indices with their behaviour (latency, loss,
 * duplication, reordering), partitions and blocks, and FIFO order per link. It decides the fate
 * of each message with the run's network stream and queues the deliveries.
 */
import type { LinkConfig, NetworkConfig } from "./config.js";
import { deliverEvent } from "./events.js";
import type { Rng } from "./rng.js";
import type { Schedule } from "./schedule.js";
import type { DropReason } from "./trace.js";

/** Every field of a {@link Network}, so a copy must name each one. */
interface NetworkFields {
  /** How many nodes; link i→j lives at [i * size + j]. */
  readonly size: number;
  /** The behaviour of links without an override. */
  defaults: LinkConfig;
  /** Per-link overrides as full configs (sparse). */
  readonly overrides: (LinkConfig | undefined)[];
  /** 1 where link i→j is blocked by a partition or a block. */
  readonly blocked: Uint8Array;
  /** Latest scheduled arrival on each link, to keep links FIFO. */
  readonly lastArrival: Float64Array;
  /** The network's random stream. */
  readonly rng: Rng;
}

/** Links, partitions and the fate of messages. */
export class Network {
  private readonly f: NetworkFields;
  /** Resolved behaviour of each link (override or defaults), rebuilt when either changes. */
  private links: LinkConfig[] = [];

  constructor(fields: NetworkFields) {
    this.f = fields;
    this.rebuild();
  }

  /** The network of a new run: `config`'s defaults and overrides (given as node indices). */
  static create(size: number, config: NetworkConfig, overrides: readonly { from: number; to: number; change: Partial<LinkConfig> }[], rng: Rng): Network {
    const { links: _overrides, ...defaults } = config;
    const net = new Network({
      size,
      defaults,
      overrides: [],
      blocked: new Uint8Array(size * size),
      lastArrival: new Float64Array(size * size),
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
      defaults: f.defaults,
      overrides: f.overrides.slice(),
      blocked: f.blocked.slice(),
      lastArrival: f.lastArrival.slice(),
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

  /**
   * Sends `msg` on link from→to at `schedule.time`: queues its delivery (twice when duplicated),
   * or returns why it is lost.
   */
  transmit(from: number, to: number, msg: unknown, schedule: Schedule): DropReason | undefined {
    const f = this.f;
    const l = from * f.size + to;
    if (f.blocked[l] === 1) return "partition";
    const link = this.links[l] as LinkConfig;
    const rng = f.rng;
    if (link.dropRate > 0 && rng.next() < link.dropRate) return "loss";
    const copies = link.duplicateRate > 0 && rng.next() < link.duplicateRate ? 2 : 1;
    for (let c = 0; c < copies; c++) {
      const span = link.maxLatencyMs - link.minLatencyMs;
      const latency = link.minLatencyMs + (span > 0 ? Math.floor(rng.next() * (span + 1)) : 0);
      let at = schedule.time + latency;
      if (link.reorderRate > 0 && rng.next() < link.reorderRate) {
        // Escapes FIFO order and lingers, so later messages on the link may overtake it.
        at += Math.floor(rng.next() * (link.maxLatencyMs + 1));
      } else {
        const last = f.lastArrival[l] as number;
        if (at < last) at = last;
        f.lastArrival[l] = at;
      }
      schedule.queue.push(deliverEvent(at, schedule.nextSeq(), to, from, msg, c > 0));
    }
    return undefined;
  }
}
