/**
 * The step machinery behind a {@link Simulation}: processes one queued event at a time through
 * the one step function (protocol step, effect interpreter, invariants), applies faults and runs
 * client actors. The public Simulation class is a thin facade over it.
 */
import type { ClientAction } from "./client.js";
import type { ClientHost } from "./clients.js";
import type { FaultAction, RunConfig, WorkloadOp } from "./config.js";
import { ConfigError, ProtocolError } from "./errors.js";
import { CLIENT_TIMEOUT, DELIVER, FAULT, REQUEST, TIMER, clientTimeoutEvent, dropOutcome, faultEvent, lostRequestOutcome, replyOutcome, requestEvent, requeued, timerEvent, type MessageEvent, type QueuedEvent } from "./events.js";
import { applyFault, type FaultTarget } from "./faults.js";
import { SimulationEffectWorld } from "./effect-world.js";
import { interpretEffects, runInit, runStep, type DurableWrite } from "./interpreter.js";
import type { NodeHost } from "./nodes.js";
import type { ClientId, Effect, Input, NodeId, RequestId, Timer } from "./protocol.js";
import type { RunState } from "./run-state.js";
import type { TriggerAction, TriggerResponse } from "./triggers.js";
import { SimulationView, type HistoryEntry, type StepInfo } from "./view.js";

const CRASH = { type: "crash" } as const;
const RESTART = { type: "restart" } as const;

/** One run's world and the code that steps it. */
export class Engine {
  /** The read-only view invariants get. */
  readonly view: SimulationView;
  private readonly effectWorld: SimulationEffectWorld;
  private readonly faultTarget: FaultTarget;
  /** True when messages to an earlier incarnation of their receiver are lost. */
  private readonly dropAcrossRestarts: boolean;
  /** Trigger responses due once the current event is fully processed (empty between events). */
  private readonly pending: (() => void)[] = [];

  constructor(
    readonly config: RunConfig,
    readonly nodeIds: readonly NodeId[],
    /** Node index by id. */
    readonly indexOf: ReadonlyMap<NodeId, number>,
    readonly state: RunState,
  ) {
    this.view = new SimulationView({
      get time() {
        return state.schedule.time;
      },
      nodes: state.hosts,
      history: state.clients.history,
      queued: () => state.schedule.queue.unordered(),
      held: () => state.hosts.flatMap((h) => h.held),
    });
    this.effectWorld = new SimulationEffectWorld(this, state);
    this.faultTarget = {
      network: state.network,
      get time() {
        return state.schedule.time;
      },
      hosts: state.hosts,
      host: (id, field) => this.host(id, field),
      crash: (h) => this.crash(h),
      restart: (h) => this.startNode(h),
      resume: (h) => this.resume(h),
      arm: (action) => state.triggers.arm(action),
    };
    this.dropAcrossRestarts = config.network.acrossRestarts === "drop";
  }

  /** An independent copy of the world (see {@link RunState.clone}), with the same code. */
  fork(): Engine {
    return new Engine(this.config, this.nodeIds, this.indexOf, this.state.clone());
  }

  /**
   * The index of node `id`, or -1. Small clusters are scanned (ids usually are the very strings
   * the configuration named, so `===` is a pointer compare): cheaper than a Map lookup, and this
   * runs for every send.
   */
  nodeIndex(id: NodeId): number {
    const ids = this.nodeIds;
    if (ids.length <= 16) {
      for (let i = 0; i < ids.length; i++) if (ids[i] === id) return i;
      return -1;
    }
    return this.indexOf.get(id) ?? -1;
  }

  /** The host of `id`; throws a {@link ConfigError} naming `field` for an unknown id. */
  host(id: NodeId, field: string): NodeHost {
    const i = this.indexOf.get(id);
    if (i === undefined) throw new ConfigError(field, `unknown node ${JSON.stringify(id)} (nodes: ${this.nodeIds.join(", ")})`);
    return this.state.hosts[i] as NodeHost;
  }

  /** Boots every node and starts the actors, once. */
  boot(): void {
    if (this.state.started) return;
    this.state.started = true;
    for (const h of this.state.hosts) {
      this.startNode(h);
      if (this.pending.length > 0) this.runPending();
      if (this.state.stopped) return;
    }
    for (const c of this.state.clients.actors) this.react(c, () => c.actor.start(c.rng.next));
  }

  /** Processes one event taken off the queue, then what triggers it fired asked for. */
  process(e: QueuedEvent): void {
    // Messages are most events: their path is a function of its own, small enough to be inlined.
    if (e.kind === DELIVER) this.deliverMessage(e);
    else this.dispatch(e);
    if (this.pending.length > 0) this.runPending();
  }

  /** A message arrives: held by a clogged link, lost to a down, restarted or cut-off receiver, held by a paused one, or stepped. */
  private deliverMessage(e: MessageEvent): void {
    const { schedule, hosts, tracer, network } = this.state;
    schedule.advanceTo(e.time);
    const h = hosts[e.node] as NodeHost;
    const clogged = network.cloggedUntil(e.sender, e.node);
    if (clogged > schedule.time) return schedule.queue.push(requeued(e, clogged, schedule.nextSeq())); // held in a clogged link
    if (!h.up) return tracer.record(dropOutcome(schedule.time, e.node, e.sender, e.msg, "down", e.sentAt));
    if (this.dropAcrossRestarts && e.incarnation !== h.restarts) return tracer.record(dropOutcome(schedule.time, e.node, e.sender, e.msg, "restarted", e.sentAt));
    if (network.isBlocked(e.sender, e.node)) return tracer.record(dropOutcome(schedule.time, e.node, e.sender, e.msg, "partition", e.sentAt));
    if (h.paused) return void h.held.push(e);
    tracer.record(e);
    // The event is the step's input ({ type: "message", from, msg }): nothing else to build.
    return this.deliver(h, e);
  }

  private dispatch(e: QueuedEvent): void {
    const { schedule, hosts, tracer } = this.state;
    switch (e.kind) {
      case TIMER: {
        const h = hosts[e.node] as NodeHost;
        // A timer fires only if it is still the armed one: re-arming, cancelling and crashing make it stale.
        if (h.timers.get(e.timerKey) !== e.timerToken) return;
        schedule.advanceTo(e.time);
        if (h.paused) return void h.held.push(e);
        h.timers.delete(e.timerKey);
        tracer.record(e);
        return this.deliver(h, { type: "timer", timer: e.payload as Timer });
      }
      case DELIVER:
        return this.deliverMessage(e);
      case REQUEST: {
        schedule.advanceTo(e.time);
        const h = hosts[e.node] as NodeHost;
        const op = e.payload as WorkloadOp;
        if (h.paused) return void h.held.push(e);
        const entry: HistoryEntry = { client: op.client, id: e.requestId, node: op.node, req: op.req, invokedAt: e.time };
        this.state.clients.invoked(entry, h.up);
        if (!h.up) return tracer.record(lostRequestOutcome(e.time, e.node, op, e.requestId));
        tracer.record(e);
        return this.deliver(h, { type: "request", client: op.client, id: e.requestId, req: op.req });
      }
      case FAULT:
        schedule.advanceTo(e.time);
        tracer.record(e);
        return applyFault(e.payload as FaultAction, this.faultTarget);
      case CLIENT_TIMEOUT: {
        schedule.advanceTo(e.time);
        const op = e.payload as WorkloadOp;
        const c = this.state.clients.actor(op.client);
        if (c === undefined || c.waiting !== e.requestId) return; // answered in time
        tracer.record(e);
        this.state.clients.gaveUp(c.id, e.requestId);
        return this.react(c, () => c.actor.onTimeout(c.state, { node: op.node, req: op.req }, c.rng.next));
      }
    }
  }

  /**
   * The one step function: hands `input` to node `h`, keeps its new state and carries out its
   * effects through the kernel's interpreter, then checks the invariants.
   */
  private deliver(h: NodeHost, input: Input<unknown, unknown>): void {
    const before = h.state;
    const log = h.records;
    const logLength = log.length;
    try {
      const out = runStep(h.impl, before, input, h.ctx);
      h.state = out.state;
      this.apply(h, out.effects);
    } catch (err) {
      if (err instanceof ProtocolError) return this.fail("protocol-error", err.message);
      throw err;
    }
    this.afterStep(h, before, input, h.records === log ? logLength : 0, !this.effectWorld.crashedMidStep);
  }

  private startNode(h: NodeHost): void {
    h.up = true;
    h.restarts++;
    h.synced = h.records.length;
    const log = h.records;
    const logLength = log.length;
    try {
      const out = runInit(h.impl, h.ctx, h.records.slice());
      h.state = out.state;
      this.apply(h, out.effects);
    } catch (err) {
      if (err instanceof ProtocolError) return this.fail("protocol-error", err.message);
      throw err;
    }
    this.afterStep(h, undefined, RESTART, h.records === log ? logLength : 0, !this.effectWorld.crashedMidStep);
  }

  private apply(h: NodeHost, effects: readonly Effect<unknown, unknown, unknown>[]): void {
    this.effectWorld.host = h;
    this.effectWorld.crashedMidStep = false;
    interpretEffects(effects, this.effectWorld, h.id);
  }

  private crash(h: NodeHost): void {
    const before = h.state;
    h.up = false;
    h.paused = false;
    h.state = undefined;
    h.timers.clear();
    h.held = [];
    if (this.config.storage.loseUnsyncedOnCrash) h.records.length = h.synced;
    this.afterStep(h, before, CRASH, h.records.length);
  }

  private resume(h: NodeHost): void {
    h.paused = false;
    const held = h.held;
    h.held = [];
    // Held inputs arrive now, in the order they were held.
    const schedule = this.state.schedule;
    for (const e of held) schedule.queue.push(requeued(e, schedule.time, schedule.nextSeq()));
  }

  /**
   * Puts a message of `from` on the network, to node index `target` (the interpreter validated
   * it); returns true when a send trigger crashes the sender right after it (the step ends there).
   */
  sendFrom(from: NodeHost, target: number, msg: unknown): boolean {
    const { network, schedule, tracer, triggers, hosts } = this.state;
    const to = hosts[target] as NodeHost;
    const incarnation = to.restarts;
    let crashed = false;
    if (triggers.watchesSend && !network.isBlocked(from.index, target)) {
      const action = triggers.fireSend(from.id, to.id, msg, schedule.time);
      if (action !== undefined) {
        this.traceFired(action);
        const then = action.then;
        if (then.do === "crash-after-send") {
          this.respondLater(from, then);
          crashed = true; // the message still goes out, as any other
        } else {
          if (then.do === "duplicate") network.force(from.index, target, msg, schedule, incarnation, 2);
          else if (then.do === "hold") network.force(from.index, target, msg, schedule, incarnation, 1, then.forMs);
          else tracer.record(dropOutcome(schedule.time, target, from.index, msg, "trigger"));
          return false;
        }
      }
    }
    const reason = network.transmit(from.index, target, msg, schedule, incarnation);
    if (reason !== undefined) tracer.record(dropOutcome(schedule.time, target, from.index, msg, reason));
    return crashed;
  }

  /**
   * A persist trigger watching `h` matched this write: says whether the rest of the step is lost
   * with the write kept ("sends-lost") or with the write itself ("write-lost"), or neither.
   */
  firePersist(h: NodeHost, batch: DurableWrite): "sends-lost" | "write-lost" | undefined {
    const records = batch.compacted ? [batch.snapshot, ...batch.records] : batch.records;
    const action = this.state.triggers.firePersist(h.id, records, this.state.schedule.time);
    if (action === undefined) return undefined;
    this.traceFired(action);
    this.respondLater(h, action.then);
    return action.then.do === "crash-before-send" ? "sends-lost" : action.then.do === "crash-during-write" ? "write-lost" : undefined;
  }

  /** Records a fired trigger in the trace, as a fault at the time it fired. */
  private traceFired(action: TriggerAction): void {
    const schedule = this.state.schedule;
    this.state.tracer.record(faultEvent(action, schedule.nextSeq(), schedule.time));
  }

  /** Carries out a trigger's response to node `h` once the current event is processed. */
  private respondLater(h: NodeHost, then: TriggerResponse): void {
    this.pending.push(() => {
      const time = this.state.schedule.time;
      switch (then.do) {
        case "crash":
        case "crash-before-send":
        case "crash-during-write":
        case "crash-after-send":
          if (h.up) this.crash(h);
          if (then.restartAfterSteps !== undefined) this.state.triggers.promiseRestart(h.id, this.state.schedule.events + then.restartAfterSteps);
          return;
        case "isolate":
        case "pause":
          applyFault({ at: time, type: then.do, node: h.id }, this.faultTarget);
          if (then.forMs !== undefined) this.pushFault(then.do === "isolate" ? { at: time + then.forMs, type: "heal" } : { at: time + then.forMs, type: "resume", node: h.id });
          return;
        default:
          return; // message responses act when the message is sent
      }
    });
  }

  private runPending(): void {
    while (this.pending.length > 0 && !this.state.stopped) (this.pending.shift() as () => void)();
    this.pending.length = 0;
  }

  /** Arms a timer of `h` (the interpreter validated `afterMs`). */
  armTimer(h: NodeHost, timer: Timer, key: string, afterMs: number): void {
    const schedule = this.state.schedule;
    const seq = schedule.nextSeq();
    h.timers.set(key, seq);
    schedule.queue.push(timerEvent(schedule.time + afterMs / (1 + h.drift), seq, h.index, timer, key));
  }

  /** Answers a client request on behalf of `h`. */
  replyFrom(h: NodeHost, client: ClientId, id: RequestId, res: unknown): void {
    const time = this.state.schedule.time;
    this.state.tracer.record(replyOutcome(time, h.index, client, id, res));
    const entry = this.state.clients.answered(client, id, res, time);
    if (entry === undefined) return; // an unknown or already answered request: traced, not recorded twice
    const c = this.state.clients.actor(client);
    if (c !== undefined && c.waiting === id) this.react(c, () => c.actor.onReply(c.state, { node: h.id, req: entry.req, res }, c.rng.next));
  }

  /** Runs one actor reaction, keeps its state and queues its next request. */
  private react(c: ClientHost, reaction: () => { state: unknown; next?: ClientAction<unknown> }): void {
    let out;
    try {
      out = reaction();
    } catch (err) {
      return this.fail("client-error", `client ${c.id} threw: ${err instanceof Error ? err.message : String(err)}`);
    }
    c.state = out.state;
    c.waiting = 0;
    const next = out.next;
    if (next === undefined) return;
    const after = next.afterMs ?? 0;
    if (!(after >= 0) || !this.indexOf.has(next.node)) {
      return this.fail("client-error", `client ${c.id} asked for a bad request: node ${JSON.stringify(next.node)}, afterMs ${after}`);
    }
    c.waiting = this.pushRequest({ at: this.state.schedule.time + after, client: c.id, node: next.node, req: next.req }, next.timeoutMs ?? -1);
  }

  /**
   * Counts the step and checks the invariants against it; `h.state` is the state after. `judge` false: a trigger cut
   * the step short, so that state never existed; ghosts see the step (its messages left), invariants judge the crash next.
   */
  private afterStep(h: NodeHost, before: unknown, cause: StepInfo["cause"], logFrom: number, judge = true): void {
    const state = this.state;
    if (state.stopped) return;
    state.schedule.events++;
    const triggers = state.triggers;
    if (triggers.watchesState && h.up) {
      const action = triggers.fireState(h.id, before, h.state, state.schedule.time);
      if (action !== undefined) {
        this.traceFired(action);
        this.respondLater(h, action.then);
      }
    }
    if (triggers.nextRestartAt <= state.schedule.events) {
      for (const id of triggers.dueRestarts(state.schedule.events)) {
        const due = this.host(id, "node");
        this.pending.push(() => {
          if (!due.up) this.startNode(due);
        });
      }
    }
    if (!state.checker.active) return;
    const outcome = state.checker.afterStep(this.view, { node: h.id, before, after: h.state, cause, logFrom }, judge);
    if (outcome === "stop") state.stopped = true;
    else if (outcome !== undefined) this.fail(outcome.invariant, outcome.message);
  }

  /** Stops the run with a violation (the first one wins). */
  fail(invariant: string, message: string): void {
    const state = this.state;
    if (state.stopped) return;
    state.violation = { invariant, message, time: state.schedule.time, event: state.schedule.events };
    state.stopped = true;
  }

  /** Queues a fault action at its time. */
  pushFault(action: FaultAction): void {
    this.state.schedule.queue.push(faultEvent(action, this.state.schedule.nextSeq()));
  }

  /** Queues a client request and returns its id (ids count up per client from 1). */
  pushRequest(op: WorkloadOp, timeoutMs = -1): number {
    const { schedule, clients } = this.state;
    const id = clients.nextRequestId(op.client);
    const node = this.host(op.node, "node").index;
    schedule.queue.push(requestEvent(schedule.nextSeq(), node, op, id));
    // The client's clock starts when it sends, not when a node takes the request: a request held
    // by a paused node, or lost with it in a crash, still times out.
    if (timeoutMs >= 0) schedule.queue.push(clientTimeoutEvent(op.at + timeoutMs, schedule.nextSeq(), node, op, id));
    return id;
  }
}
