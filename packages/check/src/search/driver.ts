/**
 * Runs one case: builds the system from the case's configuration, wraps every node's protocol to
 * fire event-triggered faults (through the protocol contract only: the wrapper sees a step's
 * input, states and effects), observes coverage with an invariant that keeps no ghost, and
 * returns the outcome. The same case gives the same trace hash in any process.
 */
import { Simulation, type AnyProtocol, type Effect, type FaultAction, type Invariant, type NodeId, type SimulationResult, type Step, type TraceOptions, type WorldView } from "@faultline/kernel";
import { planOf, swarmRates, validateCase, type Case, type Trigger } from "./case.js";
import type { SystemSpace } from "./space.js";

/** What broke in a run: an invariant (by name) or the system's end-of-run `check` ("check"). */
export interface CaseFailure {
  readonly property: string;
  readonly message: string;
}

/** Coverage one run reached. */
export interface RunCoverage {
  /** Distinct abstract states (their JSON). */
  readonly states: ReadonlySet<string>;
  /** Distinct abstract transitions ("from → to"). */
  readonly transitions: ReadonlySet<string>;
  /** Sometimes-assertions that held at least once. */
  readonly sometimes: ReadonlySet<string>;
  /** Faults applied, by kind: timed actions by type, triggers by trigger type. */
  readonly fired: Readonly<Record<string, number>>;
}

/** The outcome of {@link runCase}. */
export interface CaseRun {
  readonly result: SimulationResult;
  readonly traceHash: string;
  readonly failure: CaseFailure | undefined;
  readonly coverage: RunCoverage;
  /** The kernel plan the case's timed faults became. */
  readonly plan: readonly FaultAction[];
}

type Pending = { readonly action: FaultAction; readonly undo: FaultAction; readonly kind: string };

/** Per-run trigger bookkeeping. */
class Triggers {
  readonly counts: number[];
  readonly done: boolean[];
  readonly pending: Pending[] = [];
  /** Held sends, by sender: released on the sender's first step at or after `at`. */
  readonly held = new Map<NodeId, { at: number; to: NodeId; msg: unknown }[]>();
  leaderships = 0;
  /** Virtual time now (set to the simulation's clock once it exists). */
  now: () => number = () => 0;
  constructor(
    readonly list: readonly Trigger[],
    readonly ids: readonly NodeId[],
    readonly windowMs: number,
    readonly role: ((s: unknown) => string | undefined) | undefined,
    readonly fired: Record<string, number>,
  ) {
    this.counts = list.map(() => 0);
    this.done = list.map(() => false);
  }

  private node(i: number): NodeId {
    return this.ids[i % this.ids.length] as NodeId;
  }

  private fire(i: number, t: Trigger): void {
    this.done[i] = true;
    this.fired[t.type] = (this.fired[t.type] ?? 0) + 1;
  }

  /** Rewrites one step's effects; queues faults to apply once the step is done. */
  onStep(self: NodeId, before: unknown, step: Step<unknown, unknown, unknown, unknown>, init: boolean): Step<unknown, unknown, unknown, unknown> {
    let effects: Effect<unknown, unknown, unknown>[] = step.effects as Effect<unknown, unknown, unknown>[];
    if (init) this.held.delete(self);
    const held = this.held.get(self);
    if (held !== undefined && held.some((h) => h.at <= this.now())) {
      const due = held.filter((h) => h.at <= this.now());
      this.held.set(self, held.filter((h) => h.at > this.now()));
      effects = [...effects, ...due.map((h): Effect<unknown, unknown, unknown> => ({ type: "send", to: h.to, msg: h.msg }))];
    }
    if (this.now() >= this.windowMs) return effects === step.effects ? step : { state: step.state, effects };
    const becameLeader = this.role !== undefined && step.state !== undefined && this.role(step.state) === "leader" && (before === undefined || this.role(before) !== "leader");
    if (becameLeader) this.leaderships++;
    const persisted = effects.some((e) => e.type === "persist" || e.type === "compact");
    this.list.forEach((t, i) => {
      if (this.done[i]) return;
      switch (t.type) {
        case "crash-after-persist":
        case "crash-before-sends": {
          if (!persisted || this.node(t.node) !== self || ++this.counts[i]! < t.nth) return;
          this.fire(i, t);
          if (t.type === "crash-before-sends") {
            const last = effects.map((e) => e.type === "persist" || e.type === "compact").lastIndexOf(true);
            effects = effects.filter((e, j) => j <= last || (e.type !== "send" && e.type !== "reply"));
          }
          this.pending.push({ kind: t.type, action: { at: 0, type: "crash", node: self }, undo: { at: t.downMs, type: "restart", node: self } });
          return;
        }
        case "drop-next":
        case "duplicate-next":
        case "hold-next": {
          if (this.node(t.from) !== self) return;
          const to = this.node(t.to);
          const j = effects.findIndex((e) => e.type === "send" && e.to === to && (t.msg === "*" || (e.msg as { type?: unknown } | null)?.type === t.msg) && ++this.counts[i]! >= t.nth);
          if (j < 0) return;
          this.fire(i, t);
          const e = effects[j] as Effect<unknown, unknown, unknown> & { type: "send" };
          if (t.type === "duplicate-next") effects = [...effects.slice(0, j + 1), e, ...effects.slice(j + 1)];
          else effects = [...effects.slice(0, j), ...effects.slice(j + 1)];
          if (t.type === "hold-next") this.held.set(self, [...(this.held.get(self) ?? []), { at: this.now() + t.holdMs, to, msg: e.msg }]);
          return;
        }
        default: {
          if (!becameLeader || this.leaderships < t.nth) return;
          this.fire(i, t);
          const [on, off] = t.type === "crash-leader" ? (["crash", "restart"] as const) : t.type === "pause-leader" ? (["pause", "resume"] as const) : (["isolate", "heal"] as const);
          this.pending.push({ kind: t.type, action: { at: 0, type: on, node: self } as FaultAction, undo: (off === "heal" ? { at: t.forMs, type: "heal" } : { at: t.forMs, type: off, node: self }) as FaultAction });
        }
      }
    });
    return effects === step.effects ? step : { state: step.state, effects };
  }
}

function wrap(p: AnyProtocol, tr: Triggers): AnyProtocol {
  return {
    ...p,
    init: (ctx, records) => tr.onStep(ctx.self, undefined, p.init(ctx, records), true),
    step: (state, input, ctx) => tr.onStep(ctx.self, state, p.step(state, input, ctx), false),
  };
}

/** Observes abstract states, transitions and sometimes-assertions after every step. */
function observer(space: SystemSpace<any>, states: Set<string>, transitions: Set<string>, reached: Set<string>): Invariant {
  let prev = "";
  return {
    name: "coverage (observer)",
    check(view: WorldView) {
      const cur = JSON.stringify(space.abstraction(view));
      if (cur !== prev) {
        states.add(cur);
        if (prev !== "") transitions.add(`${prev} → ${cur}`);
        prev = cur;
      }
      for (const s of space.sometimes) if (!reached.has(s.name) && s.condition(view)) reached.add(s.name);
      return undefined;
    },
  };
}

/** `done`, asked once the faults have stopped and then at most every 50 virtual ms. */
function doneAfter(windowMs: number, done: (view: WorldView) => boolean): (view: WorldView) => boolean {
  let next = windowMs;
  return (view) => {
    if (view.time < next) return false;
    next = view.time + 50;
    return done(view);
  };
}

/** Options of {@link runCase}. */
export interface RunCaseOptions {
  /** Kernel trace options (keep the full trace, say). */
  readonly trace?: TraceOptions;
  /** Observe coverage (default true). */
  readonly coverage?: boolean;
}

/** Runs one case of `space` (validated first); see {@link CaseRun}. */
export function runCase<Config>(space: SystemSpace<Config>, c: Case<Config>, options: RunCaseOptions = {}): CaseRun {
  validateCase(c as Case);
  const built = space.buildChecked(c.config);
  const ids = built.nodes.map((n) => n.id);
  const maxDown = space.maxDown(ids.length);
  const plan = planOf(c as Case, ids, space.faultWindowMs, maxDown);
  const fired: Record<string, number> = {};
  const tr = new Triggers(c.triggers, ids, space.faultWindowMs, space.role, fired);
  const states = new Set<string>();
  const transitions = new Set<string>();
  const reached = new Set<string>();
  const nodes = c.triggers.length === 0 ? built.nodes : built.nodes.map((n) => ({ ...n, protocol: wrap(n.protocol, tr) }));
  const invariants = [...(built.invariants ?? []), ...(options.coverage === false ? [] : [observer(space, states, transitions, reached)])];
  const sim = new Simulation({
    seed: c.seed,
    nodes,
    invariants,
    clients: built.clients ?? [],
    workload: built.workload ?? [],
    network: { ...built.network, ...swarmRates(c.swarm) },
    // The swarm may lose unsynced records on crash, unless the system declares its storage model.
    storage: { ...(c.swarm.loseUnsynced ? { loseUnsyncedOnCrash: true } : {}), ...built.storage },
    plan,
    maxTimeMs: space.runMs,
    ...(built.done ? { stopWhen: doneAfter(space.faultWindowMs, built.done) } : {}),
    ...(options.trace ? { trace: options.trace } : {}),
  });
  tr.now = () => sim.time;
  while (sim.step()) {
    while (tr.pending.length > 0) {
      const p = tr.pending.shift() as Pending;
      const down = sim.nodes.filter((n) => !n.up).length;
      if (p.action.type === "crash" && down >= Math.max(1, maxDown)) continue;
      sim.inject({ ...p.action, at: sim.time });
      sim.schedule({ ...p.undo, at: sim.time + p.undo.at });
    }
  }
  const result = sim.result();
  for (const a of plan) if (a.at < space.faultWindowMs && a.at <= result.time) fired[a.type] = (fired[a.type] ?? 0) + 1;
  let failure: CaseFailure | undefined;
  if (result.violation) failure = { property: result.violation.invariant, message: result.violation.message };
  else {
    const why = built.check?.(result);
    if (why !== undefined) failure = { property: "check", message: why };
  }
  return { result, traceHash: result.traceHash, failure, plan, coverage: { states, transitions, sometimes: reached, fired } };
}
