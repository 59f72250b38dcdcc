/**
 * Node hosts: what the simulator keeps for each node besides its protocol state — up or down,
 * paused inputs, its clock, its armed timers and its durable log.
 */
import type { QueuedEvent } from "./events.js";
import type { AnyProtocol, Ctx, NodeId } from "./protocol.js";
import type { Rng } from "./rng.js";
import type { Schedule } from "./schedule.js";
import type { NodeView } from "./view.js";

/** Every mutable field of a {@link NodeHost}, so a copy must name each one. */
interface NodeHostFields {
  up: boolean;
  paused: boolean;
  state: unknown;
  records: unknown[];
  /** How many records are durable on "disk" (see StorageConfig.loseUnsyncedOnCrash). */
  synced: number;
  /** Boots after the first one; -1 before the first boot. */
  restarts: number;
  /** Armed timers: key → token of the queued event that may fire it. */
  readonly timers: Map<string, number>;
  /** Inputs that arrived while paused, in arrival order. */
  held: QueuedEvent[];
  /** The node's clock reads `clockBase + (time - clockT0) * (1 + drift)`. */
  clockBase: number;
  clockT0: number;
  drift: number;
  readonly rng: Rng;
}

/** One node of a run, as the simulator keeps it. Invariants see it through {@link NodeView}. */
export class NodeHost implements NodeView {
  up: boolean;
  paused: boolean;
  state: unknown;
  records: unknown[];
  synced: number;
  restarts: number;
  readonly timers: Map<string, number>;
  held: QueuedEvent[];
  clockBase: number;
  clockT0: number;
  drift: number;
  private readonly rng: Rng;
  /** What the protocol sees of the world while it steps. */
  readonly ctx: Ctx;

  constructor(
    readonly id: NodeId,
    readonly index: number,
    readonly impl: AnyProtocol,
    nodeIds: readonly NodeId[],
    /** The run's clock, read by `ctx.now()`. */
    private readonly schedule: Schedule,
    fields: NodeHostFields,
  ) {
    this.up = fields.up;
    this.paused = fields.paused;
    this.state = fields.state;
    this.records = fields.records;
    this.synced = fields.synced;
    this.restarts = fields.restarts;
    this.timers = fields.timers;
    this.held = fields.held;
    this.clockBase = fields.clockBase;
    this.clockT0 = fields.clockT0;
    this.drift = fields.drift;
    this.rng = fields.rng;
    this.ctx = {
      self: id,
      nodes: nodeIds,
      now: () => this.clockBase + (this.schedule.time - this.clockT0) * (1 + this.drift),
      random: () => this.rng.next(),
    };
  }

  /** A node not yet booted, its clock `offsetMs` ahead and running `1 + drift` times as fast. */
  static create(id: NodeId, index: number, impl: AnyProtocol, nodeIds: readonly NodeId[], schedule: Schedule, rng: Rng, offsetMs: number, drift: number): NodeHost {
    return new NodeHost(id, index, impl, nodeIds, schedule, {
      up: false,
      paused: false,
      state: undefined,
      records: [],
      synced: 0,
      restarts: -1,
      timers: new Map(),
      held: [],
      clockBase: offsetMs,
      clockT0: 0,
      drift,
      rng,
    });
  }

  /** The name of the protocol the node runs. */
  get protocol(): string {
    return this.impl.name;
  }

  /** A copy for a forked run (on `schedule`): same state and log, its own timers, held inputs and stream. */
  clone(schedule: Schedule): NodeHost {
    return new NodeHost(this.id, this.index, this.impl, this.ctx.nodes, schedule, {
      up: this.up,
      paused: this.paused,
      state: this.state,
      records: this.records.slice(),
      synced: this.synced,
      restarts: this.restarts,
      timers: new Map(this.timers),
      held: this.held.slice(),
      clockBase: this.clockBase,
      clockT0: this.clockT0,
      drift: this.drift,
      rng: this.rng.clone(),
    });
  }

  /** The node's clock now. */
  now(): number {
    return this.ctx.now();
  }
}
