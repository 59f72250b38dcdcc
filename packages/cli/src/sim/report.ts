/** The merged sweep report: chunk results combined in index order, identical however they were run. */
import type { SearchMode, SweepFailure } from "@faultline/check";
import type { ChunkResult, SweepPlan } from "./chunks.js";
import { UsageError } from "./load-system.js";

/** One failure of a merged sweep. */
export interface ReportFailure {
  readonly chunk: number;
  /** Global 1-based run index of the failing run. */
  readonly run: number;
  readonly property: string;
  readonly message: string;
  readonly traceHash: string;
  readonly size: number;
  readonly token: string;
  readonly replayLine: string;
  readonly case: SweepFailure["case"];
  readonly plan: SweepFailure["plan"];
}

/** Coverage after the first `runs` runs of a sweep. */
export interface GrowthPoint {
  readonly runs: number;
  readonly states: number;
  readonly transitions: number;
}

/** What `faultline sweep --json` prints and `sweep merge` rebuilds. */
export interface SweepReport {
  readonly system: string;
  readonly mode: SearchMode;
  readonly seed: number;
  readonly plannedRuns: number;
  readonly chunkSize: number;
  readonly runs: number;
  readonly ok: boolean;
  readonly coverage: {
    readonly states: number;
    readonly transitions: number;
    readonly corpus: number;
    readonly fired: Readonly<Record<string, number>>;
    readonly sometimes: readonly { readonly name: string; readonly firstRun: number | null }[];
    /**
     * Coverage growth, one point per chunk in index order: distinct abstract states and
     * transitions after the first `runs` runs (the report page's "abstract states over time").
     */
    readonly growth: readonly GrowthPoint[];
  };
  readonly failures: readonly ReportFailure[];
}

/** Merges every chunk of `plan` (all must be present, each once) into the report. */
export function mergeChunks(systemName: string, sometimesNames: readonly string[], plan: SweepPlan, chunks: readonly ChunkResult[]): SweepReport {
  const n = Math.ceil(plan.runs / plan.chunkSize);
  const byIndex = new Map<number, ChunkResult>();
  for (const c of chunks) {
    if (byIndex.has(c.index)) throw new UsageError("merge", `chunk ${c.index} appears twice (overlapping shards?)`);
    byIndex.set(c.index, c);
  }
  const missing = Array.from({ length: n }, (_, i) => i).filter((i) => !byIndex.has(i));
  if (missing.length > 0) throw new UsageError("merge", `chunk(s) ${missing.slice(0, 10).join(", ")}${missing.length > 10 ? "…" : ""} missing (a shard not given?)`);
  const states = new Set<string>();
  const transitions = new Set<string>();
  const fired: Record<string, number> = {};
  const first = new Map<string, number>();
  const failures: ReportFailure[] = [];
  const growth: GrowthPoint[] = [];
  let runs = 0;
  let corpus = 0;
  for (let i = 0; i < n; i++) {
    const c = byIndex.get(i) as ChunkResult;
    runs += c.runs;
    corpus += c.corpus;
    for (const s of c.states) states.add(s);
    for (const t of c.transitions) transitions.add(t);
    growth.push({ runs, states: states.size, transitions: transitions.size });
    for (const [k, v] of Object.entries(c.fired)) fired[k] = (fired[k] ?? 0) + v;
    for (const [k, v] of Object.entries(c.sometimes)) if (!first.has(k) || (first.get(k) as number) > v) first.set(k, v);
    const f = c.failure;
    if (f) failures.push({ chunk: i, run: i * plan.chunkSize + f.runsUntilFailure, property: f.property, message: f.message, traceHash: f.traceHash, size: f.size, token: f.token, replayLine: f.replayLine, case: f.case, plan: f.plan });
  }
  return {
    system: systemName,
    mode: plan.mode,
    seed: plan.seed,
    plannedRuns: plan.runs,
    chunkSize: plan.chunkSize,
    runs,
    ok: failures.length === 0,
    coverage: {
      states: states.size,
      transitions: transitions.size,
      corpus,
      fired: Object.fromEntries(Object.entries(fired).sort((a, b) => (a[0] < b[0] ? -1 : 1))),
      sometimes: sometimesNames.map((name) => ({ name, firstRun: first.get(name) ?? null })),
      growth,
    },
    failures,
  };
}

/** The report as text: verdict, coverage, each failure with its replay command. */
export function formatReport(r: SweepReport, systemArg: string): string {
  const never = r.coverage.sometimes.filter((s) => s.firstRun === null).map((s) => s.name);
  const reached = r.coverage.sometimes.filter((s) => s.firstRun !== null).map((s) => `${s.name} (run ${s.firstRun})`);
  const lines = [
    `${r.ok ? "OK" : `FAILED (${r.failures.length} failing chunk(s))`}: ${r.runs} run(s) of ${r.system}, mode ${r.mode}, seed ${r.seed}`,
    `coverage: abstract states ${r.coverage.states}, transitions ${r.coverage.transitions}${r.mode === "guided" ? `, corpus ${r.coverage.corpus}` : ""}`,
    `  growth (states/transitions after runs): ${quarters(r.coverage.growth).map((g) => `${g.states}/${g.transitions} after ${g.runs}`).join(", ") || "none"}`,
    `  faults fired: ${Object.entries(r.coverage.fired).map(([k, v]) => `${k} ${v}`).join(", ") || "none"}`,
    `  sometimes reached: ${reached.join(", ") || "none"}`,
    `  sometimes NEVER reached: ${never.join(", ") || "none"}`,
  ];
  for (const f of r.failures) {
    lines.push(`FAILED at run ${f.run}: ${f.property}: ${f.message}`, `  shrunk to ${f.size} fault action(s); trace hash ${f.traceHash}`, `  replay: faultline replay ${f.token}${["raft", "2pc"].includes(systemArg) ? "" : ` --system ${systemArg}`}`, `  test:   ${f.replayLine}`);
  }
  return lines.join("\n");
}

/** The growth points nearest a quarter, half, three quarters and all of the runs (no repeats). */
function quarters(g: readonly GrowthPoint[]): GrowthPoint[] {
  const picked = [0.25, 0.5, 0.75, 1].map((q) => g[Math.max(0, Math.ceil(q * g.length) - 1)]).filter((p): p is GrowthPoint => p !== undefined);
  return picked.filter((p, i) => picked.indexOf(p) === i);
}
