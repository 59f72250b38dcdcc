/**
 * The property runner: random seeds, fault plans and workloads against a system's invariants;
 * on the first failure fast-check shrinks the case, and the report carries a line to paste into
 * a vitest test.
 */
import { writeFileSync } from "node:fs";
import fc from "fast-check";
import { FAULTLINE_VERSION, Simulation, toJsonLines, type FaultPlan, type RunConfig, type RunConfigInput, type SimulationResult, type SystemUnderTest, type TraceEvent, type Workload } from "@faultline/kernel";
import { planArbitrary, seedArbitrary, type PlanArbitraryOptions } from "../arbitraries/index.js";
import { formatFailureText, summarizeNodes, type FormatOptions, type NodeSummary } from "./format.js";
import { AFTER_CHECK } from "./replay.js";
import { encodeReplayToken, violationText } from "./token.js";

/** Events a failure keeps for the printer, which picks the relevant ones (heartbeats crowd a short window). */
const FAILURE_EVENTS = 1_000;

/** One generated case. */
export interface PropertyCase {
  readonly seed: number;
  readonly plan: FaultPlan;
  readonly workload: Workload;
}

/** Options of {@link checkProperty}. */
export interface PropertyOptions {
  /** Makes the system afresh for every run (invariants may keep history). */
  readonly system: () => SystemUnderTest;
  /** How many cases to try (default 100). */
  readonly runs?: number;
  /** fast-check's seed, so the search itself is reproducible (default 1). */
  readonly seed?: number;
  /** Fault plans: defaults to every node of the system, faults in the first 2 s. */
  readonly faults?: Partial<PlanArbitraryOptions>;
  /** Client workloads (see `workloadArbitrary`); default: none. */
  readonly workload?: fc.Arbitrary<Workload>;
  /** The rest of each run's config (network, clocks, storage, maxTimeMs ...). */
  readonly run?: Omit<RunConfigInput, "seed" | "plan" | "workload">;
  /** A check at the end of a run that held its invariants (termination, say); a string fails it. */
  readonly after?: (result: SimulationResult) => string | undefined;
  /** Write the failing run's full trace (JSON lines) here. */
  readonly traceFile?: string;
  /** How the printed line names the system (default "system"). */
  readonly systemName?: string;
  /** How the printed line of an `after` failure names the check (default "after"). */
  readonly afterName?: string;
}

/** A failure, shrunk. */
export interface PropertyFailure {
  /** The faults of the minimal plan, without the calm-down that ends every plan. */
  readonly faults: FaultPlan;
  /** When the plan's calm-down begins (faults stop). */
  readonly calmAtMs: number;
  readonly invariant: string;
  readonly message: string;
  /** The shrunk case; `case.seed` is the simulation seed the failing run was made with. */
  readonly case: PropertyCase;
  /** `checkProperty`'s own `seed` (default 1): it draws the cases, it is not a run's seed. */
  readonly searchSeed: number;
  readonly traceHash: string;
  /** The last events before the violation (up to 1,000; the printer selects). */
  readonly lastEvents: readonly TraceEvent[];
  /** Every node at the violation (or at the end of the run, for an `after` failure). */
  readonly nodes: readonly NodeSummary[];
  /** Pass to `replayFailure` (an `after` failure's token needs the check: `{ after }`). */
  readonly token: string;
  /** One line to paste into a vitest test. */
  readonly replayLine: string;
  /** Cases run until the first failure, and shrink steps taken. */
  readonly runsUntilFailure: number;
  readonly shrinks: number;
}

/** What {@link checkProperty} found. */
export type PropertyResult = { readonly ok: true; readonly runs: number } | { readonly ok: false; readonly failure: PropertyFailure };

function runCase(options: PropertyOptions, c: PropertyCase, trace?: { full?: boolean; keepLast?: number }): { result: SimulationResult; config: RunConfig; system: SystemUnderTest } {
  const system = options.system();
  const sim = new Simulation({ ...options.run, ...system, seed: c.seed, plan: c.plan, workload: c.workload, ...(trace ? { trace } : {}) });
  return { result: sim.run(), config: sim.config, system };
}

/** Runs `runs` random cases; on the first failure shrinks it and reports. */
export function checkProperty(options: PropertyOptions): PropertyResult {
  const nodes = options.system().nodes.map((n) => n.id);
  const planOptions = { nodes, durationMs: 2_000, ...options.faults };
  const plans = planArbitrary(planOptions);
  const workloads = options.workload ?? fc.constant([] as Workload);
  const cases = fc.record({ seed: seedArbitrary(), plan: plans, workload: workloads });
  const failed = (c: PropertyCase) => {
    const r = runCase(options, c).result;
    return r.violation !== undefined || options.after?.(r) !== undefined;
  };
  const runs = options.runs ?? 100;
  const details = fc.check(
    fc.property(cases, (c) => !failed(c)),
    { numRuns: runs, seed: options.seed ?? 1 },
  );
  if (!details.failed || details.counterexample === null) return { ok: true, runs: details.numRuns };
  const c = details.counterexample[0];
  const { result, config, system } = runCase(options, c, { keepLast: FAILURE_EVENTS, ...(options.traceFile !== undefined ? { full: true } : {}) });
  if (options.traceFile !== undefined && result.trace) writeFileSync(options.traceFile, toJsonLines(result.trace));
  const name = options.systemName ?? "system";
  const faults = c.plan.filter((a) => a.at < planOptions.durationMs);
  const summaries = summarizeNodes(result.view, new Map(system.nodes.map((n) => [n.id, n.protocol])));
  const base = { faults, calmAtMs: planOptions.durationMs, case: c, searchSeed: options.seed ?? 1, traceHash: result.traceHash, lastEvents: result.lastEvents, nodes: summaries, runsUntilFailure: details.numRuns, shrinks: details.numShrinks };
  if (result.violation && result.report) {
    const token = encodeReplayToken(result.report);
    const text = violationText(result.violation.invariant, result.violation.message, result.traceHash);
    return {
      ok: false,
      failure: { ...base, invariant: result.violation.invariant, message: result.violation.message, token, replayLine: `expect(() => replayFailure(${name}, ${JSON.stringify(token)})).toThrow(${JSON.stringify(text)});` },
    };
  }
  // An `after` failure: the same token, its violation named "after", replayed with the same check.
  const message = options.after?.(result) ?? "the run failed";
  const token = encodeReplayToken({
    faultline: FAULTLINE_VERSION,
    nodes: system.nodes.map((n) => ({ id: n.id, protocol: n.protocol.name })),
    config,
    violation: { invariant: AFTER_CHECK, message, time: result.time, event: result.events },
    traceHash: result.traceHash,
    lastEvents: [],
  });
  const text = violationText(AFTER_CHECK, message, result.traceHash);
  const after = options.afterName ?? "after";
  return {
    ok: false,
    failure: { ...base, invariant: AFTER_CHECK, message, token, replayLine: `expect(() => replayFailure(${name}, ${JSON.stringify(token)}, { after: ${after} })).toThrow(${JSON.stringify(text)});` },
  };
}

/**
 * A readable report of a failure: what broke, the seed as run (and the search seed), the minimal
 * plan and workload, every node's state at the violation (its protocol's `describe`), the events
 * at the violating nodes and the requests first with timer and heartbeat noise folded (`all: true`
 * shows every kept event), and the line to paste. A number is taken as `{ events }`.
 */
export function formatFailure(f: PropertyFailure, options: FormatOptions | number = {}): string {
  const facts = [
    `after ${f.runsUntilFailure} run(s), shrunk in ${f.shrinks} step(s); trace hash ${f.traceHash}`,
    `seed as run: ${f.case.seed} (the failing run's simulation seed; checkProperty's search seed was ${f.searchSeed})`,
    `minimal fault plan: ${f.faults.length} action(s), then everything calm again at ${f.calmAtMs} ms (heal, restart, resume):`,
    ...f.faults.map((a) => `  ${JSON.stringify(a)}`),
    `minimal workload (${f.case.workload.length} request(s)):`,
    ...f.case.workload.map((op) => `  ${JSON.stringify(op)}`),
  ];
  const opts = typeof options === "number" ? { events: options } : options;
  return formatFailureText({ property: f.invariant, message: f.message, facts, lastEvents: f.lastEvents, nodes: f.nodes, replayLine: f.replayLine }, opts);
}
