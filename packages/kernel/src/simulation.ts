/**
 * The seeded simulator's public face: build a run from options, run it (whole, up to a time, or
 * step by step), read its result, and explore it (fork, pending events, take, inject,
 * fingerprint). The loop is synchronous; nothing but the seed, the configuration, the plan, the
 * workload and the protocols' code decides what happens. The step machinery is in `engine.ts`.
 */
import { Checker } from "./checking.js";
import type { ClientSpec } from "./client.js";
import { Clients } from "./clients.js";
import { checkAction, checkNodeIds, resolveRunConfig, type FaultAction, type RunConfig, type RunConfigInput } from "./config.js";
import { fingerprint, pendingEvents, type CursorSource, type PendingEvent, type TakeMode } from "./cursor.js";
import { Engine } from "./engine.js";
import { ConfigError } from "./errors.js";
import { DELIVER, KIND_NAMES, dropOutcome, faultEvent } from "./events.js";
import { Network } from "./network.js";
import { NodeHost } from "./nodes.js";
import type { AnyProtocol, ClientId, NodeId } from "./protocol.js";
import type { SimulationResult, TraceOptions, ViolationReport } from "./reports.js";
import { createRng } from "./rng.js";
import { RunState } from "./run-state.js";
import { Schedule } from "./schedule.js";
import { Tracer } from "./tracer.js";
import { Triggers } from "./triggers.js";
import { FAULTLINE_VERSION } from "./version.js";
import type { HistoryEntry, InFlightMessage, Invariant, NodeView, WorldView } from "./view.js";
import { describeValue, isObject } from "./validate.js";

/** A node of a simulated cluster: its id and the protocol it runs. */
export interface NodeSpec {
  readonly id: NodeId;
  readonly protocol: AnyProtocol;
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

/** Checks the code half of the options up front, naming the field. */
function checkCode(options: SimulationOptions): void {
  if (!isObject(options)) throw new ConfigError("options", "expected an object with seed and nodes");
  if (!Array.isArray(options.nodes)) throw new ConfigError("nodes", "expected an array of { id, protocol }");
  options.nodes.forEach((n, i) => {
    const p = (n as Partial<NodeSpec> | undefined)?.protocol as Partial<AnyProtocol> | undefined;
    if (!p || typeof p.init !== "function" || typeof p.step !== "function") {
      throw new ConfigError(`nodes[${i}].protocol`, "expected a protocol with init and step functions");
    }
  });
  if (options.clients !== undefined && !Array.isArray(options.clients)) throw new ConfigError("clients", "expected an array of { id, actor }");
  if (options.invariants !== undefined) {
    if (!Array.isArray(options.invariants)) throw new ConfigError("invariants", "expected an array of { name, check }");
    options.invariants.forEach((inv, i) => {
      if (!isObject(inv) || typeof inv.name !== "string" || typeof inv.check !== "function") throw new ConfigError(`invariants[${i}]`, "expected { name: string, check(view, last, ghost) }");
      if (inv.ghost !== undefined && (!isObject(inv.ghost) || typeof inv.ghost.update !== "function")) throw new ConfigError(`invariants[${i}].ghost`, "expected { initial, update(ghost, view, last) }");
    });
  }
  if (options.stopWhen !== undefined && typeof options.stopWhen !== "function") throw new ConfigError("stopWhen", "expected a function of the world view");
  const trace: TraceOptions | undefined = options.trace;
  if (trace !== undefined && !isObject(trace)) throw new ConfigError("trace", "expected { hash?, keepLast?, full? }");
  const keepLast = trace?.keepLast;
  if (keepLast !== undefined && !(typeof keepLast === "number" && Number.isInteger(keepLast) && keepLast >= 0)) throw new ConfigError("trace.keepLast", `expected a whole number ≥ 0, got ${describeValue(keepLast)}`);
}

/**
 * One simulated run. Build it, optionally schedule more actions or requests, then `run()`.
 *
 * ```ts
 * const result = new Simulation({ seed: 42, nodes, plan, invariants }).run();
 * ```
 */
export class Simulation {
  /** The world and its step machinery: the only field, so a fork (a new engine) shares nothing by accident. */
  private engine: Engine;

  constructor(options: SimulationOptions) {
    checkCode(options);
    const known = checkNodeIds(options.nodes.map((n) => n.id));
    const config = resolveRunConfig(options, known);
    const nodeIds = options.nodes.map((n) => n.id);
    const indexOf = new Map(nodeIds.map((id, i) => [id, i]));
    const schedule = Schedule.empty();
    const hosts = options.nodes.map((spec, i) => {
      const clock = config.clocks[spec.id] ?? {};
      return NodeHost.create(spec.id, i, spec.protocol, nodeIds, schedule, createRng(config.seed, `node/${spec.id}`), clock.offsetMs ?? 0, clock.drift ?? 0);
    });
    const overrides = (config.network.links ?? []).map((l) => ({ from: indexOf.get(l.from) as number, to: indexOf.get(l.to) as number, change: l }));
    const state = new RunState({
      schedule,
      hosts,
      network: Network.create(nodeIds, config.network, overrides, createRng(config.seed, "network")),
      clients: Clients.create(options.clients ?? [], config.seed),
      checker: Checker.create(options.invariants ?? [], options.stopWhen),
      tracer: Tracer.create(options.trace ?? {}),
      triggers: Triggers.empty(),
      violation: undefined,
      stopped: false,
      started: false,
    });
    this.engine = new Engine(config, nodeIds, indexOf, state);
    for (const action of config.plan) this.engine.pushFault(action);
    for (const op of config.workload) this.engine.pushRequest(op);
  }

  // ---- what the world looks like ------------------------------------------------------------

  /** The resolved data half of this run. */
  get config(): RunConfig {
    return this.engine.config;
  }

  /** Virtual time in ms. */
  get time(): number {
    return this.engine.state.schedule.time;
  }

  /** Events processed so far. */
  get events(): number {
    return this.engine.state.schedule.events;
  }

  /** Client requests in invocation order. */
  get history(): readonly HistoryEntry[] {
    return this.engine.state.clients.history;
  }

  /** Every node, in configuration order. */
  get nodes(): readonly NodeView[] {
    return this.engine.state.hosts;
  }

  /** The read-only view of this world that invariants get. */
  get view(): WorldView {
    return this.engine.view;
  }

  /** One node by id; throws {@link ConfigError} for an unknown id. */
  node(id: NodeId): NodeView {
    return this.engine.host(id, "node");
  }

  /** Messages sent and not yet delivered or dropped, in arrival order. */
  inFlight(): InFlightMessage[] {
    return this.engine.view.inFlight();
  }

  // ---- scheduling from outside --------------------------------------------------------------

  /** Adds a fault action to the plan of this run (validated like the plan). */
  schedule(action: FaultAction): void {
    checkAction("action", action, new Set(this.engine.nodeIds));
    if (action.at < this.time) throw new ConfigError("action.at", `${action.at} is in the past (now ${this.time})`);
    this.engine.pushFault(action);
  }

  /** Adds a client request at time `at` (default: now). */
  request(node: NodeId, client: ClientId, req: unknown, at: number = this.time): void {
    this.engine.host(node, "request.node");
    if (!(at >= this.time)) throw new ConfigError("request.at", `${at} is in the past (now ${this.time})`);
    this.engine.pushRequest({ at, client, node, req });
  }

  // ---- running ------------------------------------------------------------------------------

  /** Runs until the queue is empty, the time or event limit is reached, `stopWhen` holds, or an invariant breaks. */
  run(): SimulationResult {
    this.runUntil(this.config.maxTimeMs);
    return this.result();
  }

  /** Runs every event up to virtual time `t` (within the run's limits), then sets the clock to `t`. */
  runUntil(t: number): this {
    const engine = this.engine;
    engine.boot();
    const state = engine.state;
    const schedule = state.schedule;
    const queue = schedule.queue;
    const limit = Math.min(t, engine.config.maxTimeMs);
    const maxEvents = engine.config.maxEvents;
    while (!state.stopped && schedule.events < maxEvents) {
      const next = queue.popNotAfter(limit);
      if (next === undefined) break;
      engine.process(next);
    }
    if (!state.stopped && schedule.time < limit && schedule.events < maxEvents) schedule.time = limit;
    return this;
  }

  /** Runs for `ms` more virtual milliseconds. */
  runFor(ms: number): this {
    return this.runUntil(this.time + ms);
  }

  /** Processes the next event; returns false when the run cannot go on. */
  step(): boolean {
    const engine = this.engine;
    engine.boot();
    const { schedule } = engine.state;
    if (engine.state.stopped || schedule.events >= engine.config.maxEvents) return false;
    const next = schedule.queue.popNotAfter(engine.config.maxTimeMs);
    if (next === undefined) return false;
    engine.process(next);
    return true;
  }

  /** The outcome so far. */
  result(): SimulationResult {
    const { tracer, violation, schedule, hosts, triggers } = this.engine.state;
    const nodeIds = this.engine.nodeIds;
    const lastEvents = tracer.lastEvents(nodeIds);
    const traceHash = tracer.digest();
    const trace = tracer.everyEvent(nodeIds);
    const base = { ok: violation === undefined, traceHash, events: schedule.events, time: schedule.time, history: this.history, lastEvents, firedTriggers: triggers.fired.slice(), view: this.engine.view, ...(trace ? { trace } : {}) };
    if (violation === undefined) return base;
    const report: ViolationReport = {
      faultline: FAULTLINE_VERSION,
      nodes: hosts.map((h) => ({ id: h.id, protocol: h.protocol })),
      config: this.config,
      violation,
      traceHash,
      lastEvents,
    };
    return { ...base, violation, report };
  }

  // ---- exploration: the same step function, with the choice of the next event left open -----

  /**
   * An independent copy of this run's world: node states are shared (they are immutable), every
   * other part copies itself, random streams continue from the same position.
   */
  fork(): Simulation {
    this.engine.boot();
    const copy = Object.create(Simulation.prototype) as Simulation;
    copy.engine = this.engine.fork();
    return copy;
  }

  private cursorSource(): CursorSource {
    const { schedule, hosts, clients, network, checker, triggers } = this.engine.state;
    return { queued: schedule.queue.unordered(), hosts, clients, network, checker, triggers, events: schedule.events };
  }

  /** The events that could happen next, whatever their time, in a fixed order. Stale timers are left out. */
  pendingEvents(): PendingEvent[] {
    this.engine.boot();
    return pendingEvents(this.cursorSource());
  }

  /**
   * Takes pending event `seq` now, out of time order, through the same step function as a run.
   * Messages may instead be dropped, or delivered while a copy stays in flight (`mode`).
   * Returns false when the run has stopped or no such event is queued.
   */
  take(seq: number, mode: TakeMode = "deliver"): boolean {
    const engine = this.engine;
    engine.boot();
    const { schedule, tracer } = engine.state;
    if (engine.state.stopped) return false;
    const e = mode === "duplicate" ? schedule.queue.unordered().find((x) => x.seq === seq) : schedule.queue.remove((x) => x.seq === seq);
    if (e === undefined) return false;
    if (mode !== "deliver" && e.kind !== DELIVER) throw new ConfigError("mode", `only messages can be dropped or duplicated, not ${KIND_NAMES[e.kind]}`);
    if (mode === "drop" && e.kind === DELIVER) {
      schedule.advanceTo(e.time);
      tracer.record(dropOutcome(schedule.time, e.node, e.sender, e.msg, "loss", e.sentAt));
      schedule.events++;
      return true;
    }
    engine.process(e);
    return true;
  }

  /** Applies a fault action now (its `at` is ignored), through the same path as a planned one. */
  inject(action: FaultAction): void {
    const engine = this.engine;
    engine.boot();
    checkAction("action", action, new Set(engine.nodeIds));
    if (engine.state.stopped) return;
    engine.process(faultEvent(action, engine.state.schedule.nextSeq(), this.time));
  }

  /** True once an invariant broke or `stopWhen` held. */
  get isStopped(): boolean {
    return this.engine.state.stopped;
  }

  /**
   * A canonical text of the world that decides what can happen next: nodes (up, paused, state,
   * log, armed timers), messages in flight (as a multiset), queued requests and faults, blocked
   * links, the client history, the actors and the invariants' ghost states. Time, sequence
   * numbers and random-stream positions are left out, so equal worlds reached by different
   * paths compare equal. Object keys are sorted.
   */
  fingerprint(): string {
    this.engine.boot();
    return fingerprint(this.cursorSource());
  }
}
