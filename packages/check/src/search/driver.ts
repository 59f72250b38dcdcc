/**
 * Runs one case: builds the system from the case's configuration, turns the case into one kernel
 * plan (timed faults, and event-triggered ones as the kernel's own `trigger` and `clog` actions),
 * observes coverage with an invariant that keeps no ghost, and returns the outcome. The same case
 * gives the same trace hash in any process.
 */
import { Simulation, type FaultAction, type Invariant, type SimulationResult, type TraceEvent, type TraceOptions, type WorldView } from "@faultline/kernel";
import { planOf, swarmRates, validateCase, type Case } from "./case.js";
import { triggerKind } from "./triggers.js";
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
  /** Faults applied, by kind: timed actions by type, fired triggers as "persist→crash" and the like, clogs as "clog". */
  readonly fired: Readonly<Record<string, number>>;
}

/** The outcome of {@link runCase}. */
export interface CaseRun {
  readonly result: SimulationResult;
  readonly traceHash: string;
  readonly failure: CaseFailure | undefined;
  readonly coverage: RunCoverage;
  /** The kernel plan the case became (timed faults, triggers, the calm at the window's end). */
  readonly plan: readonly FaultAction[];
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
  const plan = planOf(c as Case, ids, space.faultWindowMs, space.maxDown(ids.length));
  const observe = options.coverage !== false;
  const states = new Set<string>();
  const transitions = new Set<string>();
  const reached = new Set<string>();
  const invariants = [...(built.invariants ?? []), ...(observe ? [observer(space, states, transitions, reached)] : [])];
  // Fired triggers are read off the trace (the kernel records each as a fault when it fires).
  const countFired = observe && c.triggers.length > 0;
  const trace = countFired ? { ...options.trace, full: true } : options.trace;
  const sim = new Simulation({
    seed: c.seed,
    nodes: built.nodes,
    invariants,
    clients: built.clients ?? [],
    workload: built.workload ?? [],
    network: { ...built.network, ...swarmRates(c.swarm) },
    // The swarm may lose unsynced records on crash, unless the system declares its storage model.
    storage: { ...(c.swarm.loseUnsynced ? { loseUnsyncedOnCrash: true } : {}), ...built.storage },
    plan,
    maxTimeMs: space.runMs,
    ...(built.done ? { stopWhen: doneAfter(space.faultWindowMs, built.done) } : {}),
    ...(trace ? { trace } : {}),
  });
  const result = sim.run();
  const fired = observe ? firedFaults(plan, result, space.faultWindowMs, countFired ? (result.trace ?? []) : []) : {};
  const shown = countFired && options.trace?.full !== true ? { ...result, trace: undefined } : result;
  let failure: CaseFailure | undefined;
  if (result.violation) failure = { property: result.violation.invariant, message: result.violation.message };
  else {
    const why = built.check?.(result);
    if (why !== undefined) failure = { property: "check", message: why };
  }
  return { result: shown, traceHash: result.traceHash, failure, plan, coverage: { states, transitions, sometimes: reached, fired } };
}

/** Timed faults applied (by action type) and triggers fired (by kind): a trigger shows in the trace once armed, again when it fires. */
function firedFaults(plan: readonly FaultAction[], result: SimulationResult, windowMs: number, trace: readonly TraceEvent[]): Record<string, number> {
  const fired: Record<string, number> = {};
  const add = (k: string, n: number) => {
    if (n !== 0) fired[k] = (fired[k] ?? 0) + n;
  };
  for (const a of plan) if (a.at < windowMs && a.at <= result.time && a.type !== "trigger") add(a.type, 1);
  const armed = new Map<string, number>();
  for (const a of plan) if (a.type === "trigger" && a.at <= result.time) armed.set(triggerKind(a), (armed.get(triggerKind(a)) ?? 0) + 1);
  const seen = new Map<string, number>();
  for (const e of trace) if (e.kind === "fault" && e.action?.type === "trigger") seen.set(triggerKind(e.action), (seen.get(triggerKind(e.action)) ?? 0) + 1);
  for (const [k, n] of seen) add(k, n - (armed.get(k) ?? 0));
  return fired;
}
