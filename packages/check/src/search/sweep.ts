/**
 * The sweep: draws cases of a system's space by mode (plain random, swarm, swarm + triggers,
 * coverage-guided), runs them, counts coverage, and on the first failure shrinks THAT case with
 * fast-check (fewer and shorter faults, fewer triggers, the smallest configuration) and reports
 * it with a replay line. Deterministic: the same seed gives the same cases, corpus and result.
 */
import fc from "fast-check";
import { createRng, type FaultAction, type TraceEvent } from "@faultline/kernel";
import { caseArbitrary, caseSize, type Case, type CaseArbitraryOptions, type SearchMode } from "./case.js";
import { runCase, type CaseFailure } from "./driver.js";
import { Corpus } from "./corpus.js";
import { mutateCase } from "./mutate.js";
import { formatFailureText, summarizeNodes, type FormatOptions, type NodeSummary } from "../runner/format.js";
import { encodeCase } from "./replay.js";
import { SearchError, type SystemSpace } from "./space.js";

/** Options of {@link sweep}. */
export interface SweepOptions<Config = any> {
  /** How cases are drawn (default "guided"). */
  readonly mode?: SearchMode;
  /** Cases to run (default 200). */
  readonly runs?: number;
  /** Seed of the search itself (default 1). */
  readonly seed?: number;
  /** Shrink a failing case (default true). */
  readonly shrink?: boolean;
  /** Most runs spent shrinking (default 600). */
  readonly maxShrinkRuns?: number;
  /** Bounds of generated plans. */
  readonly cases?: CaseArbitraryOptions;
  /** The variable name the replay line uses for the space (default: the space's name). */
  readonly spaceName?: string;
  /**
   * The system without the bug looked for (mutation testing: the real reducers). A failing case
   * that fails on the baseline too is the baseline's own failure, not the bug's: it is counted in
   * `baselineFailures` and the sweep goes on.
   */
  readonly baseline?: SystemSpace<Config>;
  /** Called after every run (progress bars, benches). */
  readonly onRun?: (run: number, failed: boolean) => void;
}

/** What a sweep covered. */
export interface CoverageReport {
  readonly mode: SearchMode;
  readonly runs: number;
  readonly states: number;
  readonly transitions: number;
  /** Each sometimes-assertion, and the first run that reached it (undefined: never). */
  readonly sometimes: readonly { readonly name: string; readonly firstRun: number | undefined }[];
  /** Faults applied over all runs, by kind. */
  readonly fired: Readonly<Record<string, number>>;
  /** Cases kept for reaching new coarse coverage (guided mode; see `coarseFeatures`). */
  readonly corpus: number;
}

/** A failure, shrunk. */
export interface SweepFailure<Config = unknown> extends CaseFailure {
  /** The minimal case, and the kernel plan its timed faults became. */
  readonly case: Case<Config>;
  readonly plan: readonly FaultAction[];
  /** Fault actions of the minimal case (timed faults on + triggers). */
  readonly size: number;
  readonly traceHash: string;
  /** The last events before the failure (up to 1,000; the printer selects). */
  readonly lastEvents: readonly TraceEvent[];
  /** Every node at the failure, summarised by its protocol's `describe`. */
  readonly nodes: readonly NodeSummary[];
  /** The sweep's own seed (it draws the cases; `case.seed` is the failing run's seed). */
  readonly searchSeed: number;
  /** Runs until the first failure (1-based), and shrink runs taken. */
  readonly runsUntilFailure: number;
  readonly shrinkRuns: number;
  /** True when shrinking stopped at its budget (`maxShrinkRuns`): the case may shrink further. */
  readonly shrinkBudgetSpent: boolean;
  /** Pass to `replayCase`. */
  readonly token: string;
  /** One line to paste into a vitest test. */
  readonly replayLine: string;
}

/** What {@link sweep} found. */
export interface SweepResult<Config = unknown> {
  readonly ok: boolean;
  readonly runs: number;
  /** Failing cases that failed on `options.baseline` too (skipped), and the first of them as a case token. */
  readonly baselineFailures: number;
  readonly firstBaselineFailure?: string;
  readonly coverage: CoverageReport;
  readonly failure?: SweepFailure<Config>;
}

const MODES: readonly SearchMode[] = ["plain", "swarm", "triggers", "guided"];

/** Runs a sweep of `space`; stops at the first failure. See {@link SweepOptions}. */
export function sweep<Config>(space: SystemSpace<Config>, options: SweepOptions<Config> = {}): SweepResult<Config> {
  const mode = options.mode ?? "guided";
  if (!MODES.includes(mode)) throw new SearchError("mode", `unknown mode ${JSON.stringify(mode)} (known: ${MODES.join(", ")})`);
  const runs = options.runs ?? 200;
  if (!Number.isInteger(runs) || runs < 0) throw new SearchError("runs", `expected a whole number ≥ 0, got ${JSON.stringify(runs)}`);
  const seed = options.seed ?? 1;
  const limits = { windowMs: space.faultWindowMs, maxFaults: options.cases?.maxFaults ?? 8, maxTriggers: options.cases?.maxTriggers ?? 3 };
  const arb = caseArbitrary(space, mode === "guided" ? "triggers" : mode, limits);
  const draw = (i: number, stream: number) => fc.sample(arb, { seed: (seed * 1_000_003 + i * 7_919 + stream * 104_729) | 0, numRuns: 1 })[0] as Case<Config>;
  const rng = createRng(String(seed), "guided");
  const corpus = new Corpus<Config>();
  const states = new Set<string>();
  const transitions = new Set<string>();
  const firstReached = new Map<string, number>();
  const fired: Record<string, number> = {};
  let done = 0;
  let drawn = 0;
  let baselineFailures = 0;
  let firstBaselineFailure: string | undefined;
  for (let i = 0; i < runs; i++) {
    // Guided: every other run mutates a corpus case; the rest are the triggers mode's own cases in
    // its order, so guided needs at most about twice the runs triggers needs, whatever the corpus.
    const c = mode === "guided" && corpus.size > 0 && i % 2 === 1 ? mutateCase(corpus.pick(rng), draw(i, 1), corpus.any(rng), rng, limits) : draw(drawn++, 0);
    const run = runCase(space, c);
    done++;
    for (const s of run.coverage.states) states.add(s);
    for (const t of run.coverage.transitions) transitions.add(t);
    let firstSometimes = false;
    for (const s of run.coverage.sometimes)
      if (!firstReached.has(s)) {
        firstReached.set(s, i + 1);
        firstSometimes = true;
      }
    for (const [k, n] of Object.entries(run.coverage.fired)) fired[k] = (fired[k] ?? 0) + n;
    if (mode === "guided") corpus.add(c, run.coverage, firstSometimes);
    options.onRun?.(i + 1, run.failure !== undefined);
    if (run.failure !== undefined && options.baseline !== undefined && runCase(options.baseline, c, { coverage: false }).failure !== undefined) {
      baselineFailures++;
      firstBaselineFailure ??= encodeCase(options.baseline.name, c as Case);
      continue;
    }
    if (run.failure !== undefined) {
      const failure = shrinkFailure(space, arb, c, run.failure, i + 1, options);
      return { ok: false, runs: done, baselineFailures, ...(firstBaselineFailure ? { firstBaselineFailure } : {}), coverage: report(), failure };
    }
  }
  return { ok: true, runs: done, baselineFailures, ...(firstBaselineFailure ? { firstBaselineFailure } : {}), coverage: report() };

  function report(): CoverageReport {
    return {
      mode,
      runs: done,
      states: states.size,
      transitions: transitions.size,
      sometimes: space.sometimes.map((s) => ({ name: s.name, firstRun: firstReached.get(s.name) })),
      fired,
      corpus: corpus.size,
    };
  }
}

function shrinkFailure<Config>(space: SystemSpace<Config>, arb: fc.Arbitrary<Case<Config>>, found: Case<Config>, first: CaseFailure, runsUntilFailure: number, options: SweepOptions<Config>): SweepFailure<Config> {
  let c = found;
  let shrinkRuns = 0;
  const budget = options.maxShrinkRuns ?? 600;
  // A smaller case must fail the same way: an invariant (any) for an invariant, the end-of-run check for the check.
  const kind = (f: CaseFailure | undefined) => (f === undefined ? "none" : f.property === "check" ? "check" : "invariant");
  // With a baseline, a smaller case must still pass there (else it shrank onto the baseline's own failure).
  const baseline = options.baseline;
  const fails = (x: Case<Config>) => ++shrinkRuns <= budget && kind(runCase(space, x, { coverage: false }).failure) === kind(first) && (baseline === undefined || runCase(baseline, x, { coverage: false }).failure === undefined);
  if (options.shrink !== false) {
    // A cheap first pass: drop whole faults and triggers one at a time (latest first), then
    // fast-check's shrinker on what is left (shorter outages, later faults, smaller knobs).
    c = dropEach(dropEach(c, "triggers", fails), "faults", fails);
    if (arb.canShrinkWithoutContext(c)) {
      const details = fc.check(
        fc.property(arb, (x) => !fails(x)),
        { examples: [[c]], numRuns: 1, seed: options.seed ?? 1 },
      );
      if (details.failed && details.counterexample) c = details.counterexample[0] as Case<Config>;
    }
  }
  const run = runCase(space, c, { coverage: false, trace: { keepLast: 1_000 } });
  const failure = run.failure ?? first;
  const protocols = new Map(space.buildChecked(c.config).nodes.map((n) => [n.id, n.protocol]));
  const token = encodeCase(space.name, c as Case);
  const name = options.spaceName ?? space.name;
  const expected = JSON.stringify({ traceHash: run.traceHash, failure: `${failure.property}: ${failure.message}` });
  return {
    ...failure,
    case: c,
    plan: run.plan.filter((a) => a.at < space.faultWindowMs),
    size: caseSize(c as Case),
    traceHash: run.traceHash,
    lastEvents: run.result.lastEvents,
    nodes: summarizeNodes(run.result.view, protocols),
    searchSeed: options.seed ?? 1,
    runsUntilFailure,
    shrinkRuns: Math.min(shrinkRuns, budget),
    shrinkBudgetSpent: shrinkRuns > budget,
    token,
    replayLine: `expect(replayCase(${name}, ${JSON.stringify(token)})).toEqual(${expected});`,
  };
}

/** Tries the case without each element of `key`, from the last; keeps every removal that still fails. */
function dropEach<C, K extends "faults" | "triggers">(c: Case<C>, key: K, fails: (x: Case<C>) => boolean): Case<C> {
  let cur = c;
  for (let i = cur[key].length - 1; i >= 0; i--) {
    const list = cur[key] as readonly unknown[];
    const next = { ...cur, [key]: [...list.slice(0, i), ...list.slice(i + 1)] } as Case<C>;
    if (fails(next)) cur = next;
  }
  return cur;
}

/** Coverage as text: abstract states and transitions, faults that fired, sometimes-assertions reached and never reached. */
export function formatCoverage(space: SystemSpace<any>, c: CoverageReport): string {
  const fired = Object.entries(c.fired).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`);
  const never = c.sometimes.filter((s) => s.firstRun === undefined).map((s) => s.name);
  const reached = c.sometimes.filter((s) => s.firstRun !== undefined).map((s) => `${s.name} (run ${s.firstRun})`);
  return [
    `coverage of ${space.name}: ${c.runs} run(s), mode ${c.mode}${c.mode === "guided" ? `, corpus ${c.corpus}` : ""}`,
    `  abstract states ${c.states}, abstract transitions ${c.transitions}`,
    `  faults fired: ${fired.length ? fired.join(", ") : "none"}`,
    `  sometimes reached: ${reached.length ? reached.join(", ") : "none"}`,
    `  sometimes NEVER reached: ${never.length ? never.join(", ") : "none"}`,
  ].join("\n");
}

/**
 * A failure as text, by the same printer as `formatFailure`: what broke, the seed as run, the
 * minimal case and plan, every node at the failure, the relevant last events (noise folded;
 * `all: true` shows all), the replay line. A number is taken as `{ events }`.
 */
export function formatSweepFailure(f: SweepFailure, options: FormatOptions | number = {}): string {
  const facts = [
    `after ${f.runsUntilFailure} run(s), shrunk in ${f.shrinkRuns} run(s)${f.shrinkBudgetSpent ? " (all of maxShrinkRuns: it may shrink further with more)" : ""} to ${f.size} fault action(s); trace hash ${f.traceHash}`,
    `seed as run: ${f.case.seed} (the failing run's simulation seed; the sweep's search seed was ${f.searchSeed})`,
    `configuration: ${JSON.stringify(f.case.config)}`,
    `swarm: ${JSON.stringify(f.case.swarm)}`,
    // An empty plan says so in words: two empty headings read as if something was cut off.
    ...(f.plan.length === 0
      ? ["fault plan: none (the configuration, the swarm's network rates and the seed alone fail it)"]
      : [`minimal timed plan (${f.plan.length} action(s), calm after):`, ...f.plan.map((a) => `  ${JSON.stringify(a)}`)]),
    ...(f.case.triggers.length === 0 ? [] : [`triggers (${f.case.triggers.length}):`, ...f.case.triggers.map((t) => `  ${JSON.stringify(t)}`)]),
  ];
  const opts = typeof options === "number" ? { events: options } : options;
  return formatFailureText({ property: f.property, message: f.message, facts, lastEvents: f.lastEvents, nodes: f.nodes, replayLine: f.replayLine }, opts);
}
