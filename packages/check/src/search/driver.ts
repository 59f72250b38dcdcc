/**
 * Runs one case: builds the system from the case's configuration, turns the case into one kernel
 * plan (timed faults, and event-triggered ones as the kernel's own `trigger` and `clog` actions),
 * observes coverage with an invariant that keeps no ghost, and returns the outcome. The same case
 * gives the same trace hash in any process.
 */
import { Simulation, type FaultAction, type Invariant, type SimulationResult, type TraceOptions, type WorldView } from "@faultline/kernel";
import { planOf, swarmRates, validateCase, type Case } from "./case.js";
import { triggerKind } from "./triggers.js";
import { doneAfter, type SystemSpace } from "./space.js";

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
    maxEvents: space.maxEvents,
    ...(options.trace ? { trace: options.trace } : {}),
  });
  const result = sim.run();
  const fired = observe ? firedFaults(plan, result, space.faultWindowMs) : {};
  let failure: CaseFailure | undefined;
  if (result.violation) failure = { property: result.violation.invariant, message: result.violation.message };
  else if (result.events >= space.maxEvents) {
    // A run that spends its whole event budget before its time is up storms or livelocks: nothing
    // a user's protocol should do, and a run that would otherwise fill the memory before it ends.
    failure = { property: "event budget", message: `the run processed ${result.events} events by virtual time ${result.time} ms of ${space.runMs} ms: a message storm or a livelock (raise ${space.name}.maxEvents if the system needs more)` };
  } else {
    const why = built.check?.(result);
    if (why !== undefined) failure = { property: "check", message: why };
  }
  return { result, traceHash: result.traceHash, failure, plan, coverage: { states, transitions, sometimes: reached, fired } };
}

/** Timed faults applied (by action type) and triggers fired (by kind). */
function firedFaults(plan: readonly FaultAction[], result: SimulationResult, windowMs: number): Record<string, number> {
  const fired: Record<string, number> = {};
  const add = (k: string, n: number) => {
    if (n !== 0) fired[k] = (fired[k] ?? 0) + n;
  };
  for (const a of plan) if (a.at < windowMs && a.at <= result.time && a.type !== "trigger") add(a.type, 1);
  for (const t of result.firedTriggers) add(triggerKind(t), 1);
  return fired;
}
