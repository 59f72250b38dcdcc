/**
 * The property runner: random seeds, fault plans and workloads against a system's invariants;
 * on the first failure fast-check shrinks the case, and the report carries a line to paste into
 * a vitest test.
 */
import { writeFileSync } from "node:fs";
import fc from "fast-check";
import { simulate, toJsonLines, type FaultPlan, type RunConfigInput, type SimulationResult, type SystemUnderTest, type TraceEvent, type Workload } from "@faultline/kernel";
import { planArbitrary, seedArbitrary, type PlanArbitraryOptions } from "../arbitraries/index.js";
import { encodeReplayToken, violationText } from "./token.js";

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
}

/** A failure, shrunk. */
export interface PropertyFailure {
  /** The faults of the minimal plan, without the calm-down that ends every plan. */
  readonly faults: FaultPlan;
  /** When the plan's calm-down begins (faults stop). */
  readonly calmAtMs: number;
  readonly invariant: string;
  readonly message: string;
  readonly case: PropertyCase;
  readonly traceHash: string;
  /** The last events before the violation. */
  readonly lastEvents: readonly TraceEvent[];
  /** Pass to `replayFailure` (invariant failures only; an `after` failure has none). */
  readonly token?: string;
  /** One line to paste into a vitest test. */
  readonly replayLine: string;
  /** Cases run until the first failure, and shrink steps taken. */
  readonly runsUntilFailure: number;
  readonly shrinks: number;
}

/** What {@link checkProperty} found. */
export type PropertyResult = { readonly ok: true; readonly runs: number } | { readonly ok: false; readonly failure: PropertyFailure };

function runCase(options: PropertyOptions, c: PropertyCase, full = false): SimulationResult {
  return simulate({ ...options.run, ...options.system(), seed: c.seed, plan: c.plan, workload: c.workload, ...(full ? { trace: { full: true } } : {}) });
}

/** Runs `runs` random cases; on the first failure shrinks it and reports. */
export function checkProperty(options: PropertyOptions): PropertyResult {
  const nodes = options.system().nodes.map((n) => n.id);
  const planOptions = { nodes, durationMs: 2_000, ...options.faults };
  const plans = planArbitrary(planOptions);
  const workloads = options.workload ?? fc.constant([] as Workload);
  const cases = fc.record({ seed: seedArbitrary(), plan: plans, workload: workloads });
  const failed = (c: PropertyCase) => {
    const r = runCase(options, c);
    return r.violation !== undefined || options.after?.(r) !== undefined;
  };
  const runs = options.runs ?? 100;
  const details = fc.check(
    fc.property(cases, (c) => !failed(c)),
    { numRuns: runs, seed: options.seed ?? 1 },
  );
  if (!details.failed || details.counterexample === null) return { ok: true, runs: details.numRuns };
  const c = details.counterexample[0];
  const result = runCase(options, c, options.traceFile !== undefined);
  if (options.traceFile !== undefined && result.trace) writeFileSync(options.traceFile, toJsonLines(result.trace));
  const name = options.systemName ?? "system";
  const faults = c.plan.filter((a) => a.at < planOptions.durationMs);
  const base = { faults, calmAtMs: planOptions.durationMs, case: c, traceHash: result.traceHash, lastEvents: result.lastEvents, runsUntilFailure: details.numRuns, shrinks: details.numShrinks };
  if (result.violation && result.report) {
    const token = encodeReplayToken(result.report);
    const text = violationText(result.violation.invariant, result.violation.message, result.traceHash);
    return {
      ok: false,
      failure: { ...base, invariant: result.violation.invariant, message: result.violation.message, token, replayLine: `expect(() => replayFailure(${name}, ${JSON.stringify(token)})).toThrow(${JSON.stringify(text)});` },
    };
  }
  const message = options.after?.(result) ?? "the run failed";
  const literal = JSON.stringify({ seed: c.seed, plan: c.plan, workload: c.workload });
  return { ok: false, failure: { ...base, invariant: "after", message, replayLine: `expect(simulate({ ...${name}(), ...${literal} }).traceHash).toBe(${JSON.stringify(result.traceHash)});` } };
}

/** A readable report of a failure: what broke, the minimal plan and workload, the last events, the line to paste. */
export function formatFailure(f: PropertyFailure, lastN = 12): string {
  const lines = [`FAILED ${f.invariant}: ${f.message}`, `after ${f.runsUntilFailure} run(s), shrunk in ${f.shrinks} step(s); seed ${f.case.seed}, trace hash ${f.traceHash}`];
  lines.push(`minimal fault plan: ${f.faults.length} action(s), then everything calm again at ${f.calmAtMs} ms (heal, restart, resume):`);
  for (const a of f.faults) lines.push(`  ${JSON.stringify(a)}`);
  lines.push(`minimal workload (${f.case.workload.length} request(s)):`);
  for (const op of f.case.workload) lines.push(`  ${JSON.stringify(op)}`);
  lines.push(`last events before the violation:`);
  for (const e of f.lastEvents.slice(-lastN)) lines.push(`  ${JSON.stringify(e)}`);
  lines.push("paste into a vitest test to replay it:", `  ${f.replayLine}`);
  return lines.join("\n");
}
