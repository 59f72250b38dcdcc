/**
 * What checks see of a run: a read-only {@link WorldView} of the nodes, the messages in flight
 * and the client history — never the simulator itself — plus the invariant and ghost-state
 * contracts that read it.
 */
import { ConfigError } from "./errors.js";
import { DELIVER, type MessageEvent, type QueuedEvent } from "./events.js";
import type { ClientId, Input, NodeId, RequestId } from "./protocol.js";

/** What invariants see of one node. */
export interface NodeView<State = any, Rec = any> {
  readonly id: NodeId;
  /** The name of the protocol the node runs. */
  readonly protocol: string;
  /** False between a crash and the next restart. */
  readonly up: boolean;
  readonly paused: boolean;
  /** The node's state; `undefined` while it is down. */
  readonly state: State | undefined;
  /** The node's durable write-ahead log. */
  readonly records: readonly Rec[];
  /** How many times the node has booted after its first boot. */
  readonly restarts: number;
}

/** A message on the wire: sent, not yet delivered or dropped. */
export interface InFlightMessage {
  readonly from: NodeId;
  readonly to: NodeId;
  readonly msg: unknown;
  /** When it will arrive. */
  readonly at: number;
}

/** One client request and, once answered, its reply. Unanswered entries may or may not have taken effect. */
export interface HistoryEntry<Req = unknown, Res = unknown> {
  readonly client: ClientId;
  readonly id: RequestId;
  readonly node: NodeId;
  readonly req: Req;
  readonly invokedAt: number;
  completedAt?: number;
  res?: Res;
}

/** The global view that invariants check: every node, the network and the client history. */
export interface WorldView<State = any, Req = any, Res = any> {
  /** Virtual time in ms. */
  readonly time: number;
  /** Every node, in configuration order. */
  readonly nodes: readonly NodeView<State>[];
  /** One node by id; throws for an unknown id. */
  node(id: NodeId): NodeView<State>;
  /** Client requests in invocation order. */
  readonly history: readonly HistoryEntry<Req, Res>[];
  /** Messages sent and not yet delivered or dropped (computed on demand: costs a queue scan). */
  inFlight(): InFlightMessage[];
}

/** What just changed: the node that stepped, its state before and after, and why. */
export interface StepInfo<State = any> {
  readonly node: NodeId;
  /** `undefined` when the node was down before (a restart). */
  readonly before: State | undefined;
  /** `undefined` when the node is down after (a crash). */
  readonly after: State | undefined;
  /** The input delivered, or the lifecycle change. */
  readonly cause: Input<unknown, unknown> | { readonly type: "crash" } | { readonly type: "restart" };
  /**
   * Where the node's durable log changed: its records from this index on were written by this
   * step (0 when the step compacted the log; the log's length when it wrote nothing). A crash
   * may lose unsynced records instead, which no index names. The simulator always sets it;
   * `undefined` means unknown (treat the whole log as changed). Lets a property over the logs
   * check only what a step wrote, from the world alone.
   */
  readonly logFrom?: number;
}

/**
 * History a property needs beyond the current world (every entry ever committed, say), kept by
 * the kernel beside the world: plain JSON data, updated purely after every step, forked with the
 * world and part of its fingerprint, so the simulator and the explorer check the same property.
 */
export interface GhostState<State, Req, Res, Ghost> {
  /** The ghost state before the first step. */
  readonly initial: Ghost;
  /** The ghost state after `last`; must not mutate `ghost` (return a new value when it changes). */
  update(ghost: Ghost, view: WorldView<State, Req, Res>, last: StepInfo<State>): Ghost;
}

/**
 * A safety property over the global view, checked after every step that changed a node.
 * `check` returns a description of the violation, or `undefined` when the property holds.
 *
 * @typeParam State - the nodes' state; `Req`/`Res` - the client requests and replies in the
 * history; `Ghost` - the property's own history, if it declares {@link Invariant.ghost}.
 */
export interface Invariant<State = any, Req = any, Res = any, Ghost = any> {
  readonly name: string;
  /** History the check needs, kept by the kernel (never in a closure, which a fork would share). */
  readonly ghost?: GhostState<State, Req, Res, Ghost>;
  check(view: WorldView<State, Req, Res>, last: StepInfo<State>, ghost: Ghost): string | undefined | void;
}

/** Where a {@link SimulationView} reads the world from; the simulator rebinds it on every fork. */
export interface ViewSource {
  readonly time: number;
  readonly nodes: readonly NodeView[];
  readonly history: readonly HistoryEntry[];
  /** Queued events, in no particular order. */
  queued(): readonly QueuedEvent[];
  /** Events held by paused nodes. */
  held(): readonly QueuedEvent[];
}

/** The read-only world view the simulator hands to invariants, `stopWhen` and results. */
export class SimulationView implements WorldView {
  private readonly byId: Map<NodeId, NodeView>;

  constructor(private readonly source: ViewSource) {
    this.byId = new Map(source.nodes.map((n) => [n.id, n]));
  }

  get time(): number {
    return this.source.time;
  }

  get nodes(): readonly NodeView[] {
    return this.source.nodes;
  }

  get history(): readonly HistoryEntry[] {
    return this.source.history;
  }

  /** One node by id; throws {@link ConfigError} for an unknown id. */
  node(id: NodeId): NodeView {
    const n = this.byId.get(id);
    if (n === undefined) throw new ConfigError("node", `unknown node ${JSON.stringify(id)} (nodes: ${[...this.byId.keys()].join(", ")})`);
    return n;
  }

  /** Messages sent and not yet delivered or dropped, in arrival order. */
  inFlight(): InFlightMessage[] {
    const out: MessageEvent[] = [];
    for (const e of this.source.queued()) if (e.kind === DELIVER) out.push(e);
    for (const e of this.source.held()) if (e.kind === DELIVER) out.push(e);
    out.sort((a, b) => a.time - b.time || a.seq - b.seq);
    const nodes = this.source.nodes;
    return out.map((e) => ({ from: e.from, to: (nodes[e.node] as NodeView).id, msg: e.msg, at: e.time }));
  }
}
