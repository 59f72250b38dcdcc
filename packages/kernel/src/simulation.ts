/**
 * The seeded simulator: a virtual clock, an event queue, a virtual network and node hosts that
 * run protocol reducers. The loop is synchronous; nothing but the seed, the configuration, the
 * plan, the workload and the protocols' code decides what happens.
 */
import {
  checkAction,
  checkNodeIds,
  resolveRunConfig,
  type FaultAction,
  type LinkConfig,
  type RunConfig,
  type RunConfigInput,
  type WorkloadOp,
} from "./config.js";
import type { ClientAction, ClientSpec } from "./client.js";
import { ConfigError, ProtocolError } from "./errors.js";
import { interpretEffects, runInit, runStep, type DurableWrite, type EffectWorld } from "./interpreter.js";
import { EventQueue } from "./heap.js";
import { type AnyProtocol, type ClientId, type Ctx, type Effect, type Input, type NodeId, type RequestId, type Timer } from "./protocol.js";
import { createRng, type Rng } from "./rng.js";
import { RecentEvents, TraceHasher, type DropReason, type TraceEvent } from "./trace.js";
import { FAULTLINE_VERSION } from "./version.js";

/** A node of a simulated cluster: its id and the protocol it runs. */
export interface NodeSpec {
  readonly id: NodeId;
  readonly protocol: AnyProtocol;
}

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

/** The first broken invariant of a run. */
export interface Violation {
  readonly invariant: string;
  readonly message: string;
  /** Virtual time of the step that broke it. */
  readonly time: number;
  /** How many events had been processed, that step included. */
  readonly event: number;
}

/** Everything needed to replay a failed run, plus what it showed. Plain JSON. */
export interface ViolationReport {
  readonly faultline: string;
  readonly nodes: readonly { readonly id: NodeId; readonly protocol: string }[];
  readonly config: RunConfig;
  readonly violation: Violation;
  readonly traceHash: string;
  readonly lastEvents: readonly TraceEvent[];
}

/** Trace options. */
export interface TraceOptions {
  /** Fold every event into the trace hash (default true). */
  readonly hash?: boolean;
  /** How many recent events to keep for reports (default 64). */
  readonly keepLast?: number;
  /** Keep every event, for `result.trace` (default false). */
  readonly full?: boolean;
}

/** Everything a run needs: the code (nodes, invariants) and the data ({@link RunConfigInput}). */
export interface SimulationOptions extends RunConfigInput {
  readonly nodes: readonly NodeSpec[];
  /** Closed-loop client actors, besides the open-loop `workload`. */
  readonly clients?: readonly ClientSpec[];
  readonly invariants?: readonly Invariant[];
  readonly trace?: TraceOptions;
  /** Stops the run (without a violation) as soon as this returns true, checked after every step. */
  readonly stopWhen?: (view: WorldView) => boolean;
}

/** How a run ended. */
export interface SimulationResult {
  readonly ok: boolean;
  readonly violation?: Violation;
  /** Present when `ok` is false: paste-able, replayable JSON. */
  readonly report?: ViolationReport;
  /** The hash of every event of the run (empty string when hashing was off). */
  readonly traceHash: string;
  /** Events processed. */
  readonly events: number;
  /** Virtual time when the run stopped. */
  readonly time: number;
  readonly history: readonly HistoryEntry[];
  readonly lastEvents: readonly TraceEvent[];
  /** Every event, when `trace.full` was set. */
  readonly trace?: readonly TraceEvent[];
  /** The final world. */
  readonly view: WorldView;
}

const DELIVER = 0;
const TIMER = 1;
const REQUEST = 2;
const FAULT = 3;
const DROP = 4;
const REPLY = 5;
const LOST = 6;
const CLIENT_TIMEOUT = 7;

const CRASH = { type: "crash" } as const;
const RESTART = { type: "restart" } as const;

const KIND_NAMES = ["deliver", "timer", "request", "fault", "drop", "reply", "request-lost", "client-timeout"] as const;

/** An event in the queue, and also the record the trace keeps of it. */
class Ev {
  constructor(
    readonly time: number,
    readonly seq: number,
    readonly kind: number,
    /** Index of the node it happens at (receiver, timer owner, request target); -1 for none. */
    readonly node: number,
    /** Index of the sender of a message; -1 for none. */
    readonly from: number,
    /** Message, timer, request op, fault action or reply. */
    readonly payload: unknown,
    /** Timer key, drop reason, or "dup" for a duplicate copy. */
    readonly name: string,
    /** Timer token or request id. */
    readonly token: number,
  ) {}
}

class NodeHost implements NodeView {
  up = false;
  paused = false;
  state: unknown = undefined;
  records: unknown[] = [];
  /** How many records are durable on "disk" (see StorageConfig.loseUnsyncedOnCrash). */
  synced = 0;
  restarts = -1;
  /** Armed timers: key → token of the queued event that may fire it. */
  readonly timers = new Map<string, number>();
  /** Events that arrived while paused, in arrival order. */
  held: Ev[] = [];
  clockBase: number;
  clockT0 = 0;
  drift: number;
  readonly ctx: Ctx;
  readonly protocolName: string;

  constructor(
    readonly id: NodeId,
    readonly index: number,
    readonly impl: AnyProtocol,
    readonly nodeIds: readonly NodeId[],
    private sim: Simulation,
    private rng: Rng,
    offsetMs: number,
    drift: number,
  ) {
    this.protocolName = impl.name;
    this.clockBase = offsetMs;
    this.drift = drift;
    this.ctx = {
      self: id,
      nodes: nodeIds,
      now: () => this.clockBase + (this.sim.time - this.clockT0) * (1 + this.drift),
      random: () => this.rng.next(),
    };
  }

  get protocol(): string {
    return this.protocolName;
  }

  /** A copy for a forked simulation: same state and log, its own timers, stream and clock. */
  clone(sim: Simulation): NodeHost {
    const c = new NodeHost(this.id, this.index, this.impl, this.nodeIds, sim, this.rng.clone(), 0, this.drift);
    c.up = this.up;
    c.paused = this.paused;
    c.state = this.state;
    c.records = this.records.slice();
    c.synced = this.synced;
    c.restarts = this.restarts;
    for (const [name, token] of this.timers) c.timers.set(name, token);
    c.held = this.held.slice();
    c.clockBase = this.clockBase;
    c.clockT0 = this.clockT0;
    return c;
  }
}

/** A queued event that exploration may pick next, in a fixed order (by `seq`). */
export type PendingEvent =
  | { readonly kind: "deliver"; readonly seq: number; readonly from: NodeId; readonly to: NodeId; readonly msg: unknown }
  | { readonly kind: "timer"; readonly seq: number; readonly node: NodeId; readonly timer: Timer }
  | { readonly kind: "request"; readonly seq: number; readonly node: NodeId; readonly client: ClientId; readonly req: unknown }
  | { readonly kind: "fault"; readonly seq: number; readonly action: FaultAction }
  | { readonly kind: "client-timeout"; readonly seq: number; readonly client: ClientId };

/** How exploration takes a pending message: deliver it, lose it, or deliver a copy and keep it in flight. */
export type TakeMode = "deliver" | "drop" | "duplicate";

/** A client actor's runtime: its state, stream and the one request it waits for. */
class ClientHost {
  state: unknown;
  /** Id of the outstanding request, or 0 when none. */
  waiting = 0;
  constructor(
    readonly id: ClientId,
    readonly actor: ClientSpec["actor"],
    readonly rng: Rng,
  ) {}

  clone(): ClientHost {
    const c = new ClientHost(this.id, this.actor, this.rng.clone());
    c.state = this.state;
    c.waiting = this.waiting;
    return c;
  }
}

/** The simulator's side of the effect interpreter: the virtual log, network, timers and clients of the stepping node. */
class SimulationWorld implements EffectWorld {
  /** The node whose step is being carried out. */
  host!: NodeHost;
  constructor(private readonly sim: Simulation) {}
  isNode(id: NodeId): boolean {
    return this.sim.hasNode(id);
  }
  write(batch: DurableWrite): void {
    const h = this.host;
    if (batch.compacted) {
      h.records = [batch.snapshot];
      h.synced = 1;
    }
    for (const r of batch.records) h.records.push(r);
  }
  send(to: NodeId, msg: unknown): void {
    this.host.synced = this.host.records.length;
    this.sim.sendFrom(this.host, to, msg);
  }
  setTimer(timer: Timer, key: string, afterMs: number): void {
    this.sim.armTimer(this.host, timer, key, afterMs);
  }
  cancelTimer(_timer: Timer, key: string): void {
    this.host.timers.delete(key);
  }
  reply(client: ClientId, id: RequestId, res: unknown): void {
    this.host.synced = this.host.records.length;
    this.sim.replyFrom(this.host, client, id, res);
  }
}

/**
 * One simulated run. Build it, optionally schedule more actions or requests, then `run()`.
 *
 * ```ts
 * const result = new Simulation({ seed: 42, nodes, plan, invariants }).run();
 * ```
 */
export class Simulation implements WorldView {
  /** The resolved data half of this run. */
  readonly config: RunConfig;
  /** Virtual time in ms. */
  time = 0;
  /** Events processed so far. */
  events = 0;
  readonly history: HistoryEntry[] = [];

  private readonly hosts: NodeHost[];
  private readonly byId = new Map<NodeId, NodeHost>();
  private readonly nodeIds: NodeId[];
  private readonly n: number;
  private readonly queue = new EventQueue<Ev>();
  /** Carries out effects for whichever node steps; a fork gets its own. */
  private effectWorld = new SimulationWorld(this);
  private seq = 0;
  private readonly netRng: Rng;
  private network: LinkConfig & { links: LinkConfig[] };
  /** Resolved behaviour of link i→j at [i * n + j]. */
  private links: LinkConfig[] = [];
  /** 1 where link i→j is blocked by a partition. */
  private readonly blocked: Uint8Array;
  /** Latest scheduled arrival on link i→j, to keep links FIFO. */
  private readonly lastArrival: Float64Array;
  private readonly pending = new Map<string, HistoryEntry>();
  private readonly nextRequestId = new Map<ClientId, number>();
  private readonly clients: ClientHost[];
  private readonly clientById = new Map<ClientId, ClientHost>();
  private readonly invariants: readonly Invariant[];
  /** Each invariant's ghost state (undefined for those without one), by index. */
  private ghosts: unknown[];
  private readonly stopWhen: ((view: WorldView) => boolean) | undefined;
  private readonly hasher: TraceHasher | undefined;
  private readonly recent: RecentEvents<Ev>;
  private readonly full: Ev[] | undefined;
  private violation: Violation | undefined;
  private stopped = false;
  private started = false;

  constructor(options: SimulationOptions) {
    if (!Array.isArray(options.nodes)) throw new ConfigError("nodes", "expected an array of { id, protocol }");
    const known = checkNodeIds(options.nodes.map((n) => n.id));
    options.nodes.forEach((n, i) => {
      const p = n.protocol as Partial<AnyProtocol> | undefined;
      if (!p || typeof p.init !== "function" || typeof p.step !== "function") {
        throw new ConfigError(`nodes[${i}].protocol`, "expected a protocol with init and step functions");
      }
    });
    this.config = resolveRunConfig(options, known);
    this.nodeIds = options.nodes.map((n) => n.id);
    this.n = this.nodeIds.length;
    this.netRng = createRng(this.config.seed, "network");
    this.hosts = options.nodes.map((spec, i) => {
      const clock = this.config.clocks[spec.id] ?? {};
      const host = new NodeHost(
        spec.id,
        i,
        spec.protocol,
        this.nodeIds,
        this,
        createRng(this.config.seed, `node/${spec.id}`),
        clock.offsetMs ?? 0,
        clock.drift ?? 0,
      );
      this.byId.set(spec.id, host);
      return host;
    });
    this.blocked = new Uint8Array(this.n * this.n);
    this.lastArrival = new Float64Array(this.n * this.n);
    const { links: _overrides, ...defaults } = this.config.network;
    this.network = { ...defaults, links: [] };
    for (const l of this.config.network.links ?? []) this.setLink(l.from, l.to, l);
    this.rebuildLinks();
    this.clients = (options.clients ?? []).map((c, i) => {
      if (typeof c.id !== "string" || c.id.length === 0) throw new ConfigError(`clients[${i}].id`, "expected a non-empty string");
      if (this.clientById.has(c.id)) throw new ConfigError(`clients[${i}].id`, `duplicate client id ${JSON.stringify(c.id)}`);
      if (!c.actor || typeof c.actor.start !== "function") throw new ConfigError(`clients[${i}].actor`, "expected an actor with start, onReply and onTimeout");
      const host = new ClientHost(c.id, c.actor, createRng(this.config.seed, `client/${c.id}`));
      this.clientById.set(c.id, host);
      return host;
    });
    this.invariants = options.invariants ?? [];
    this.ghosts = this.invariants.map((inv) => inv.ghost?.initial);
    this.stopWhen = options.stopWhen;
    const trace = options.trace ?? {};
    this.hasher = trace.hash === false ? undefined : new TraceHasher();
    this.recent = new RecentEvents<Ev>(trace.keepLast ?? 64);
    this.full = trace.full ? [] : undefined;
    for (const action of this.config.plan) this.pushFault(action);
    for (const op of this.config.workload) this.pushRequest(op);
  }

  // ---- WorldView ----------------------------------------------------------------------------

  /** Every node, in configuration order. */
  get nodes(): readonly NodeView[] {
    return this.hosts;
  }

  /** One node by id; throws {@link ConfigError} for an unknown id. */
  node(id: NodeId): NodeView {
    return this.host(id, "node");
  }

  /** Messages sent and not yet delivered or dropped, in arrival order. */
  inFlight(): InFlightMessage[] {
    const out: Ev[] = [];
    for (const e of this.queue.unordered()) if (e.kind === DELIVER) out.push(e);
    for (const h of this.hosts) for (const e of h.held) if (e.kind === DELIVER) out.push(e);
    out.sort((a, b) => a.time - b.time || a.seq - b.seq);
    return out.map((e) => ({ from: this.nodeIds[e.from] as NodeId, to: this.nodeIds[e.node] as NodeId, msg: e.payload, at: e.time }));
  }

  // ---- scheduling from outside --------------------------------------------------------------

  /** Adds a fault action to the plan of this run (validated like the plan). */
  schedule(action: FaultAction): void {
    checkAction("action", action, new Set(this.nodeIds));
    if (action.at < this.time) throw new ConfigError("action.at", `${action.at} is in the past (now ${this.time})`);
    this.pushFault(action);
  }

  /** Adds a client request at time `at` (default: now). */
  request(node: NodeId, client: ClientId, req: unknown, at: number = this.time): void {
    this.host(node, "request.node");
    if (!(at >= this.time)) throw new ConfigError("request.at", `${at} is in the past (now ${this.time})`);
    this.pushRequest({ at, client, node, req });
  }

  // ---- running ------------------------------------------------------------------------------

  /** Runs until the queue is empty, the time or event limit is reached, `stopWhen` holds, or an invariant breaks. */
  run(): SimulationResult {
    this.runUntil(this.config.maxTimeMs);
    return this.result();
  }

  /** Runs every event up to virtual time `t` (within the run's limits), then sets the clock to `t`. */
  runUntil(t: number): this {
    this.boot();
    const limit = Math.min(t, this.config.maxTimeMs);
    while (!this.stopped && this.events < this.config.maxEvents) {
      const next = this.queue.peek();
      if (next === undefined || next.time > limit) break;
      this.processNext();
    }
    if (!this.stopped && this.time < limit && this.events < this.config.maxEvents) this.time = limit;
    return this;
  }

  /** Runs for `ms` more virtual milliseconds. */
  runFor(ms: number): this {
    return this.runUntil(this.time + ms);
  }

  /** Processes the next event; returns false when the run cannot go on. */
  step(): boolean {
    this.boot();
    if (this.stopped || this.events >= this.config.maxEvents) return false;
    const next = this.queue.peek();
    if (next === undefined || next.time > this.config.maxTimeMs) return false;
    this.processNext();
    return true;
  }

  /** The outcome so far. */
  result(): SimulationResult {
    const lastEvents = this.recent.toArray().map((e) => this.toTraceEvent(e));
    const traceHash = this.hasher?.digest() ?? "";
    const base = {
      ok: this.violation === undefined,
      traceHash,
      events: this.events,
      time: this.time,
      history: this.history,
      lastEvents,
      view: this as WorldView,
      ...(this.full ? { trace: this.full.map((e) => this.toTraceEvent(e)) } : {}),
    };
    if (this.violation === undefined) return base;
    const report: ViolationReport = {
      faultline: FAULTLINE_VERSION,
      nodes: this.hosts.map((h) => ({ id: h.id, protocol: h.protocolName })),
      config: this.config,
      violation: this.violation,
      traceHash,
      lastEvents,
    };
    return { ...base, violation: this.violation, report };
  }

  // ---- exploration: the same step function, with the choice of the next event left open -----

  /**
   * An independent copy of this run's world: node states are shared (they are immutable), every
   * container is copied, random streams continue from the same position.
   */
  fork(): Simulation {
    this.boot();
    const copy = Object.create(Simulation.prototype) as Simulation;
    Object.assign(copy, this);
    const c = copy as unknown as Record<string, unknown>;
    const hosts = this.hosts.map((h) => h.clone(copy));
    const history = this.history.map((e) => ({ ...e }));
    const pending = new Map<string, HistoryEntry>();
    for (const e of history) if (this.pending.has(requestKey(e.client, e.id))) pending.set(requestKey(e.client, e.id), e);
    c.hosts = hosts;
    c.byId = new Map(hosts.map((h) => [h.id, h]));
    c.queue = this.queue.clone();
    c.netRng = this.netRng.clone();
    c.blocked = this.blocked.slice();
    c.lastArrival = this.lastArrival.slice();
    c.network = { ...this.network, links: this.network.links.slice() };
    c.history = history;
    c.pending = pending;
    c.nextRequestId = new Map(this.nextRequestId);
    const clients = this.clients.map((x) => x.clone());
    c.clients = clients;
    c.clientById = new Map(clients.map((x) => [x.id, x]));
    c.ghosts = this.ghosts.slice();
    c.hasher = this.hasher?.clone();
    c.recent = this.recent.clone();
    c.full = this.full?.slice();
    c.effectWorld = new SimulationWorld(copy);
    return copy;
  }

  /** The events that could happen next, whatever their time, in a fixed order. Stale timers are left out. */
  pendingEvents(): PendingEvent[] {
    this.boot();
    const out: PendingEvent[] = [];
    const events = this.queue.unordered().slice().sort((a, b) => a.seq - b.seq);
    for (const e of events) {
      if (e.kind === DELIVER) out.push({ kind: "deliver", seq: e.seq, from: this.nodeIds[e.from] as NodeId, to: this.nodeIds[e.node] as NodeId, msg: e.payload });
      else if (e.kind === TIMER) {
        const h = this.hosts[e.node] as NodeHost;
        if (h.timers.get(e.name) === e.token) out.push({ kind: "timer", seq: e.seq, node: h.id, timer: e.payload as Timer });
      } else if (e.kind === REQUEST) {
        const op = e.payload as WorkloadOp;
        out.push({ kind: "request", seq: e.seq, node: op.node, client: op.client, req: op.req });
      } else if (e.kind === FAULT) out.push({ kind: "fault", seq: e.seq, action: e.payload as FaultAction });
      else if (e.kind === CLIENT_TIMEOUT && this.clientById.get(e.name)?.waiting === e.token) out.push({ kind: "client-timeout", seq: e.seq, client: e.name });
    }
    return out;
  }

  /**
   * Takes pending event `seq` now, out of time order, through the same step function as a run.
   * Messages may instead be dropped, or delivered while a copy stays in flight (`mode`).
   * Returns false when the run has stopped or no such event is queued.
   */
  take(seq: number, mode: TakeMode = "deliver"): boolean {
    this.boot();
    if (this.stopped) return false;
    const e = mode === "duplicate" ? this.queue.unordered().find((x) => x.seq === seq) : this.queue.remove((x) => x.seq === seq);
    if (e === undefined) return false;
    if (mode !== "deliver" && e.kind !== DELIVER) throw new ConfigError("mode", `only messages can be dropped or duplicated, not ${KIND_NAMES[e.kind]}`);
    if (mode === "drop") {
      if (e.time > this.time) this.time = e.time;
      this.drop(e.from, e.node, e.payload, "loss");
      this.afterDrop();
      return true;
    }
    this.process(e);
    return true;
  }

  /** Applies a fault action now (its `at` is ignored), through the same path as a planned one. */
  inject(action: FaultAction): void {
    this.boot();
    checkAction("action", action, new Set(this.nodeIds));
    if (this.stopped) return;
    this.process(new Ev(this.time, ++this.seq, FAULT, -1, -1, action, action.type, 0));
  }

  /** True once an invariant broke or `stopWhen` held. */
  get isStopped(): boolean {
    return this.stopped;
  }

  /**
   * A canonical text of the world that decides what can happen next: nodes (up, paused, state,
   * log, armed timers), messages in flight (as a multiset), queued requests and faults, blocked
   * links and the client history. Time, sequence numbers and random-stream positions are left
   * out, so equal worlds reached by different paths compare equal. Object keys are sorted.
   */
  fingerprint(): string {
    this.boot();
    const nodes = this.hosts.map((h) => [h.up, h.paused, h.state, h.records, [...h.timers.keys()].sort()]);
    const flight: string[] = [];
    const queued: string[] = [];
    for (const e of this.queue.unordered()) {
      if (e.kind === DELIVER) flight.push(canonicalJson([e.from, e.node, e.payload]));
      else if (e.kind === REQUEST || e.kind === FAULT) queued.push(canonicalJson([e.kind, e.payload]));
    }
    flight.sort();
    queued.sort();
    const history = this.history.map((e) => canonicalJson([e.client, e.id, e.completedAt === undefined ? null : e.res ?? null])).sort();
    const clients = this.clients.map((c) => [c.state, c.waiting === 0 ? 0 : 1]);
    return canonicalJson([nodes, flight, queued, Array.from(this.blocked), history, clients, this.ghosts]);
  }

  // ---- the step loop ------------------------------------------------------------------------

  private boot(): void {
    if (this.started) return;
    this.started = true;
    for (const h of this.hosts) {
      this.startNode(h);
      if (this.stopped) return;
    }
    for (const c of this.clients) this.react(c, () => c.actor.start(c.rng.next));
  }

  /** Runs one actor reaction, keeps its state and queues its next request. */
  private react(c: ClientHost, reaction: () => { state: unknown; next?: ClientAction<unknown> }): void {
    let out;
    try {
      out = reaction();
    } catch (err) {
      return this.fail("client-error", `client ${c.id} threw: ${errorText(err)}`);
    }
    c.state = out.state;
    c.waiting = 0;
    const next = out.next;
    if (next === undefined) return;
    const after = next.afterMs ?? 0;
    if (!(after >= 0) || !this.byId.has(next.node)) {
      return this.fail("client-error", `client ${c.id} asked for a bad request: node ${JSON.stringify(next.node)}, afterMs ${after}`);
    }
    c.waiting = this.pushRequest({ at: this.time + after, client: c.id, node: next.node, req: next.req }, next.timeoutMs ?? -1);
  }

  private processNext(): void {
    this.process(this.queue.pop() as Ev);
  }

  private process(e: Ev): void {
    if (e.kind === TIMER) {
      const h = this.hosts[e.node] as NodeHost;
      // A timer fires only if it is still the armed one: re-arming, cancelling and crashing make it stale.
      if (h.timers.get(e.name) !== e.token) return;
      if (e.time > this.time) this.time = e.time;
      if (h.paused) return this.hold(h, e);
      h.timers.delete(e.name);
      this.record(e);
      this.deliver(h, { type: "timer", timer: e.payload as Timer });
      return;
    }
    // Exploration takes events out of time order; the clock never runs backwards.
    if (e.time > this.time) this.time = e.time;
    if (e.kind === DELIVER) {
      const h = this.hosts[e.node] as NodeHost;
      if (!h.up) return this.drop(e.from, e.node, e.payload, "down");
      if (this.blocked[e.from * this.n + e.node] === 1) return this.drop(e.from, e.node, e.payload, "partition");
      if (h.paused) return this.hold(h, e);
      this.record(e);
      this.deliver(h, { type: "message", from: this.nodeIds[e.from] as NodeId, msg: e.payload });
    } else if (e.kind === REQUEST) {
      const h = this.hosts[e.node] as NodeHost;
      const op = e.payload as WorkloadOp;
      if (h.paused) return this.hold(h, e);
      const entry: HistoryEntry = { client: op.client, id: e.token, node: op.node, req: op.req, invokedAt: e.time };
      this.history.push(entry);
      if (!h.up) {
        this.record(new Ev(e.time, e.seq, LOST, e.node, -1, op, "", e.token));
        return;
      }
      this.pending.set(requestKey(op.client, e.token), entry);
      this.record(e);
      this.deliver(h, { type: "request", client: op.client, id: e.token, req: op.req });
    } else if (e.kind === FAULT) {
      this.record(e);
      this.applyFault(e.payload as FaultAction);
    } else if (e.kind === CLIENT_TIMEOUT) {
      const c = this.clientById.get(e.name);
      if (c === undefined || c.waiting !== e.token) return; // answered in time
      this.record(e);
      this.pending.delete(requestKey(c.id, e.token)); // stays open in the history: it may have taken effect
      const op = e.payload as WorkloadOp;
      this.react(c, () => c.actor.onTimeout(c.state, { node: op.node, req: op.req }, c.rng.next));
    }
  }

  /**
   * The one step function: hands `input` to node `h`, keeps its new state and carries out its
   * effects through the kernel's interpreter, then checks the invariants.
   */
  private deliver(h: NodeHost, input: Input<unknown, unknown>): void {
    const before = h.state;
    try {
      const out = runStep(h.impl, before, input, h.ctx);
      h.state = out.state;
      this.apply(h, out.effects);
    } catch (err) {
      if (err instanceof ProtocolError) return this.fail("protocol-error", err.message);
      throw err;
    }
    this.afterStep(h, before, input);
  }

  private startNode(h: NodeHost): void {
    h.up = true;
    h.restarts++;
    h.synced = h.records.length;
    try {
      const out = runInit(h.impl, h.ctx, h.records.slice());
      h.state = out.state;
      this.apply(h, out.effects);
    } catch (err) {
      if (err instanceof ProtocolError) return this.fail("protocol-error", err.message);
      throw err;
    }
    this.afterStep(h, undefined, RESTART);
  }

  private apply(h: NodeHost, effects: readonly Effect<unknown, unknown, unknown>[]): void {
    this.effectWorld.host = h;
    interpretEffects(effects, this.effectWorld, h.id);
  }

  /** @internal True for a node of this run. */
  hasNode(id: NodeId): boolean {
    return this.byId.has(id);
  }

  /** @internal Arms a timer of `h` (the interpreter validated `afterMs`). */
  armTimer(h: NodeHost, timer: Timer, key: string, afterMs: number): void {
    if (this.stopped) return;
    const token = ++this.seq;
    h.timers.set(key, token);
    this.queue.push(new Ev(this.time + afterMs / (1 + h.drift), token, TIMER, h.index, -1, timer, key, token));
  }

  /** @internal Puts a message of `from` on the network (the interpreter validated `toId`). */
  sendFrom(from: NodeHost, toId: NodeId, msg: unknown): void {
    if (this.stopped) return;
    const to = this.byId.get(toId) as NodeHost;
    const l = from.index * this.n + to.index;
    if (this.blocked[l] === 1) return this.drop(from.index, to.index, msg, "partition");
    const link = this.links[l] as LinkConfig;
    const rng = this.netRng;
    if (link.dropRate > 0 && rng.next() < link.dropRate) return this.drop(from.index, to.index, msg, "loss");
    const copies = link.duplicateRate > 0 && rng.next() < link.duplicateRate ? 2 : 1;
    for (let c = 0; c < copies; c++) {
      const span = link.maxLatencyMs - link.minLatencyMs;
      const latency = link.minLatencyMs + (span > 0 ? Math.floor(rng.next() * (span + 1)) : 0);
      let at = this.time + latency;
      if (link.reorderRate > 0 && rng.next() < link.reorderRate) {
        // Escapes FIFO order and lingers, so later messages on the link may overtake it.
        at += Math.floor(rng.next() * (link.maxLatencyMs + 1));
      } else {
        const last = this.lastArrival[l] as number;
        if (at < last) at = last;
        this.lastArrival[l] = at;
      }
      this.queue.push(new Ev(at, ++this.seq, DELIVER, to.index, from.index, msg, c === 0 ? "" : "dup", 0));
    }
  }

  /** @internal Answers a client request on behalf of `h`. */
  replyFrom(h: NodeHost, client: ClientId, id: RequestId, res: unknown): void {
    if (this.stopped) return;
    this.record(new Ev(this.time, 0, REPLY, h.index, -1, res, client, id));
    const key = requestKey(client, id);
    const entry = this.pending.get(key);
    if (entry === undefined) return; // an unknown or already answered request: traced, not recorded twice
    this.pending.delete(key);
    entry.completedAt = this.time;
    entry.res = res;
    const c = this.clientById.get(client);
    if (c !== undefined && c.waiting === id) this.react(c, () => c.actor.onReply(c.state, { node: h.id, req: entry.req, res }, c.rng.next));
  }

  private drop(from: number, to: number, msg: unknown, reason: DropReason): void {
    this.record(new Ev(this.time, 0, DROP, to, from, msg, reason, 0));
  }

  private hold(h: NodeHost, e: Ev): void {
    h.held.push(e);
  }

  private applyFault(a: FaultAction): void {
    switch (a.type) {
      case "partition":
        a.groups.forEach((g, i) =>
          a.groups.forEach((other, j) => {
            if (i === j) return;
            for (const x of g) for (const y of other) this.setBlocked(x, y);
          }),
        );
        return;
      case "block":
        return this.setBlocked(a.from, a.to);
      case "isolate":
        for (const other of this.nodeIds) {
          if (other === a.node) continue;
          this.setBlocked(a.node, other);
          this.setBlocked(other, a.node);
        }
        return;
      case "heal":
        this.blocked.fill(0);
        return;
      case "crash": {
        const h = this.host(a.node, "node");
        if (!h.up) return;
        const before = h.state;
        h.up = false;
        h.paused = false;
        h.state = undefined;
        h.timers.clear();
        h.held = [];
        if (this.config.storage.loseUnsyncedOnCrash) h.records.length = h.synced;
        this.afterStep(h, before, CRASH);
        return;
      }
      case "restart": {
        const h = this.host(a.node, "node");
        if (!h.up) this.startNode(h);
        return;
      }
      case "pause":
        this.host(a.node, "node").paused = this.host(a.node, "node").up;
        return;
      case "resume": {
        const h = this.host(a.node, "node");
        if (!h.paused) return;
        h.paused = false;
        const held = h.held;
        h.held = [];
        // Held inputs arrive now, in the order they were held.
        for (const e of held) {
          this.queue.push(new Ev(this.time, ++this.seq, e.kind, e.node, e.from, e.payload, e.name, e.token));
        }
        return;
      }
      case "clock": {
        const h = this.host(a.node, "node");
        h.clockBase = a.offsetMs !== undefined ? this.time + a.offsetMs : h.ctx.now();
        h.clockT0 = this.time;
        if (a.drift !== undefined) h.drift = a.drift;
        return;
      }
      case "network": {
        const { at: _at, type: _type, from, to, ...change } = a;
        if (from !== undefined && to !== undefined) this.setLink(from, to, change);
        else this.network = { ...this.network, ...change, links: this.network.links };
        this.rebuildLinks();
        return;
      }
    }
  }

  private afterDrop(): void {
    this.events++;
  }

  /** Counts the step and checks the invariants against it; `h.state` is the state after. */
  private afterStep(h: NodeHost, before: unknown, cause: StepInfo["cause"]): void {
    if (this.stopped) return;
    this.events++;
    if (this.invariants.length === 0 && this.stopWhen === undefined) return;
    const info: StepInfo = { node: h.id, before, after: h.state, cause };
    for (let i = 0; i < this.invariants.length; i++) {
      const inv = this.invariants[i] as Invariant;
      let message: string | undefined | void;
      try {
        if (inv.ghost !== undefined) this.ghosts[i] = inv.ghost.update(this.ghosts[i], this, info);
        message = inv.check(this, info, this.ghosts[i]);
      } catch (err) {
        message = `the check threw: ${errorText(err)}`;
      }
      if (typeof message === "string") return this.fail(inv.name, message);
    }
    if (this.stopWhen?.(this)) this.stopped = true;
  }

  private fail(invariant: string, message: string): void {
    if (this.stopped) return;
    this.violation = { invariant, message, time: this.time, event: this.events };
    this.stopped = true;
  }

  // ---- helpers ------------------------------------------------------------------------------

  private host(id: NodeId, field: string): NodeHost {
    const h = this.byId.get(id);
    if (h === undefined) throw new ConfigError(field, `unknown node ${JSON.stringify(id)} (nodes: ${this.nodeIds.join(", ")})`);
    return h;
  }

  private setBlocked(from: NodeId, to: NodeId): void {
    if (from === to) return;
    this.blocked[this.host(from, "from").index * this.n + this.host(to, "to").index] = 1;
  }

  /** Per-link overrides, kept as full configs at [from * n + to] (sparse). */
  private setLink(from: NodeId, to: NodeId, change: Partial<LinkConfig>): void {
    const l = this.host(from, "from").index * this.n + this.host(to, "to").index;
    const { links: _l, ...defaults } = this.network;
    const current = this.network.links[l] ?? defaults;
    const { from: _f, to: _t, ...rest } = change as Partial<LinkConfig> & { from?: unknown; to?: unknown };
    this.network.links[l] = { ...current, ...rest };
  }

  private rebuildLinks(): void {
    const { links: overrides, ...defaults } = this.network;
    this.links = Array.from({ length: this.n * this.n }, (_, l) => overrides[l] ?? defaults);
  }

  private pushFault(action: FaultAction): void {
    this.queue.push(new Ev(action.at, ++this.seq, FAULT, -1, -1, action, action.type, 0));
  }

  /** Queues a client request and returns its id (ids count up per client from 1). */
  private pushRequest(op: WorkloadOp, timeoutMs = -1): number {
    const id = (this.nextRequestId.get(op.client) ?? 0) + 1;
    this.nextRequestId.set(op.client, id);
    const node = this.host(op.node, "node").index;
    this.queue.push(new Ev(op.at, ++this.seq, REQUEST, node, -1, op, "", id));
    // The client's clock starts when it sends, not when a node takes the request: a request held
    // by a paused node, or lost with it in a crash, still times out.
    if (timeoutMs >= 0) this.queue.push(new Ev(op.at + timeoutMs, ++this.seq, CLIENT_TIMEOUT, node, -1, op, op.client, id));
    return id;
  }

  private record(e: Ev): void {
    this.recent.push(e);
    this.full?.push(e);
    if (this.hasher !== undefined) {
      this.hasher.add(`${e.kind}|${e.time}|${e.node}|${e.from}|${e.name}|${e.token}|${stringify(e.payload)}`);
    }
  }

  private toTraceEvent(e: Ev): TraceEvent {
    const node = e.node >= 0 ? this.nodeIds[e.node] : undefined;
    const from = e.from >= 0 ? this.nodeIds[e.from] : undefined;
    const t = e.time;
    switch (e.kind) {
      case DELIVER:
        return { t, kind: "deliver", node, from, msg: e.payload, ...(e.name === "dup" ? { duplicate: true as const } : {}) };
      case DROP:
        return { t, kind: "drop", node, from, msg: e.payload, reason: e.name as DropReason };
      case TIMER:
        return { t, kind: "timer", node, timer: e.payload as Timer };
      case REQUEST:
      case LOST: {
        const op = e.payload as WorkloadOp;
        return { t, kind: KIND_NAMES[e.kind], node, client: op.client, id: e.token, req: op.req };
      }
      case REPLY:
        return { t, kind: "reply", node, client: e.name, id: e.token, res: e.payload };
      case CLIENT_TIMEOUT:
        return { t, kind: "client-timeout", node, client: e.name, id: e.token, req: (e.payload as WorkloadOp).req };
      default:
        return { t, kind: "fault", action: e.payload as FaultAction };
    }
  }
}

function requestKey(client: ClientId, id: RequestId): string {
  return `${client}\u0000${id}`;
}

/** JSON with object keys sorted at every level, so equal values give equal text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return value === undefined ? "null" : JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const keys = Object.keys(value).sort();
  let out = "{";
  for (const k of keys) {
    const v = (value as Record<string, unknown>)[k];
    if (v === undefined) continue;
    if (out.length > 1) out += ",";
    out += `${JSON.stringify(k)}:${canonicalJson(v)}`;
  }
  return out + "}";
}

function stringify(v: unknown): string {
  return v === undefined ? "" : JSON.stringify(v);
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Runs one simulation to the end. Shorthand for `new Simulation(options).run()`. */
export function simulate(options: SimulationOptions): SimulationResult {
  return new Simulation(options).run();
}

/** The code half of a run, which a report cannot carry: the nodes' protocols and the invariants. */
export interface SystemUnderTest {
  readonly nodes: readonly NodeSpec[];
  readonly clients?: readonly ClientSpec[];
  readonly invariants?: readonly Invariant[];
}

/**
 * Re-runs a reported run with the same code. Throws {@link ConfigError} when the nodes do not
 * match the report (ids or protocol names). The result has the same trace hash and violation
 * as the report, unless the protocols' code changed since.
 */
export function replay(report: ViolationReport, system: SystemUnderTest, trace?: TraceOptions): SimulationResult {
  const want = report.nodes.map((n) => `${n.id}:${n.protocol}`).join(", ");
  const have = system.nodes.map((n) => `${n.id}:${n.protocol.name}`).join(", ");
  if (want !== have) throw new ConfigError("nodes", `the report ran [${want}] but replay was given [${have}]`);
  return simulate({ ...report.config, ...system, ...(trace ? { trace } : {}) });
}
