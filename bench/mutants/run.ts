/**
 * The mutation bench: `pnpm mutants [--json] [--only a,b] [--runs N] [--modes plain,guided] [--seed S] [--no-replay] [--out rows.jsonl] [--cell-minutes M]`.
 * For each mutant and mode it sweeps up to N runs and prints whether the bug was found, the runs
 * to the first failure, the shrunk case's size (timed faults + triggers), the wall time, and
 * whether the replay line reproduces the same trace hash in a fresh process. A failing case that
 * fails on the real system too is not the mutant's: it is counted ("baseline failures") and the
 * sweep goes on. `--out` appends each row as a JSON line as soon as it is measured.
 * `--cell-minutes M` caps a sweep's wall time: a cell not found by then is recorded as not found
 * after the runs it made (`stopped: true`), so one slow cell cannot hold a shared machine for hours.
 */
import { execFileSync } from "node:child_process";
import { appendFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { sweep, type SearchMode } from "faultline/check";
import { exploreMutant } from "./explorer.js";
import { baselineSpace, MUTANTS, mutantNamed, mutantSpace } from "./registry.js";
import type { BenchRow } from "./row.js";

const args = process.argv.slice(2);
const value = (flag: string) => {
  const i = args.findIndex((a) => a === flag || a.startsWith(`${flag}=`));
  if (i < 0) return undefined;
  const a = args[i] as string;
  return a.includes("=") ? a.slice(a.indexOf("=") + 1) : args[i + 1];
};
const json = args.includes("--json");
const replay = !args.includes("--no-replay");
const runs = Number(value("--runs") ?? 300);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs: expected a whole number ≥ 1, got ${JSON.stringify(value("--runs"))}`);
const seed = Number(value("--seed") ?? 1);
const maxShrinkRuns = Number(value("--shrink-runs") ?? 600);
type Mode = SearchMode | "explorer";
const ALL_MODES: Mode[] = ["plain", "swarm", "triggers", "guided", "explorer"];
// The explorer is opt-in (--modes ...,explorer): its small models take minutes per mutant.
const modes = (value("--modes")?.split(",") ?? ALL_MODES.filter((m) => m !== "explorer")) as Mode[];
const maxStates = Number(value("--max-states") ?? 20_000);
for (const m of modes) if (!ALL_MODES.includes(m)) throw new Error(`--modes: unknown mode ${JSON.stringify(m)} (modes: ${ALL_MODES.join(", ")})`);
const chosen = value("--only")?.split(",").map(mutantNamed) ?? MUTANTS;
const out = value("--out");
const cellMs = value("--cell-minutes") === undefined ? Infinity : Number(value("--cell-minutes")) * 60_000;
if (!(cellMs > 0)) throw new Error(`--cell-minutes: expected a positive number, got ${JSON.stringify(value("--cell-minutes"))}`);

/** Thrown from a sweep's onRun when the cell's wall budget is spent. */
class CellBudgetSpent extends Error {
  constructor(readonly runs: number) {
    super(`cell wall budget spent after ${runs} runs`);
  }
}


const rows: BenchRow[] = [];
const here = fileURLToPath(new URL("./replay.ts", import.meta.url));
for (const m of chosen) {
  const space = await mutantSpace(m);
  for (const mode of modes) {
    const t0 = performance.now();
    if (mode === "explorer") {
      // Small explorer models exist for Raft and 2PC only; other systems' cells stay "-".
      if (m.system !== "raft" && m.system !== "2pc") continue;
      const e = exploreMutant(m, space, maxStates);
      const row: BenchRow = { mutant: m.name, observable: m.observable, mode, found: e.found, runs: e.states, wallMs: Math.round(performance.now() - t0), ...(e.found ? { size: e.pathLength, property: e.invariant, model: e.model, path: e.path } : {}) };
      rows.push(row);
      if (out !== undefined) appendFileSync(out, JSON.stringify(row) + "\n");
      if (!json) process.stderr.write(`${m.name.padEnd(42)} explorer ${e.found ? `found (${e.model} model): ${e.invariant} in ${e.pathLength} steps` : `not found`} after ${e.states} states${e.complete ? " (complete)" : ""} ${(row.wallMs / 1000).toFixed(1)} s\n`);
      continue;
    }
    // A failing run is not interrupted (its shrinking and replay follow); only passing runs past the budget end the cell.
    const onRun = (i: number, failed: boolean) => {
      if (!failed && performance.now() - t0 > cellMs) throw new CellBudgetSpent(i);
    };
    let r: ReturnType<typeof sweep>;
    try {
      r = sweep(space, { mode, runs, seed, maxShrinkRuns, baseline: baselineSpace(m), onRun });
    } catch (err) {
      if (!(err instanceof CellBudgetSpent)) throw err;
      const row: BenchRow = { mutant: m.name, observable: m.observable, mode, found: false, runs: err.runs, wallMs: Math.round(performance.now() - t0), stopped: true };
      rows.push(row);
      if (out !== undefined) appendFileSync(out, JSON.stringify(row) + "\n");
      if (!json) process.stderr.write(`${m.name.padEnd(42)} ${mode.padEnd(8)} not found in ${row.runs} run(s), stopped by --cell-minutes ${(row.wallMs / 1000).toFixed(1)} s\n`);
      continue;
    }
    const wallMs = Math.round(performance.now() - t0);
    const row: BenchRow = { mutant: m.name, observable: m.observable, mode, found: !r.ok, runs: r.failure?.runsUntilFailure ?? r.runs, wallMs, ...(r.baselineFailures > 0 ? { baselineFailures: r.baselineFailures } : {}) };
    if (r.failure) {
      Object.assign(row, { size: r.failure.size, property: r.failure.property, token: r.failure.token, traceHash: r.failure.traceHash });
      if (replay) {
        const out = JSON.parse(execFileSync(process.execPath, ["--import", "tsx", here, m.name, r.failure.token], { encoding: "utf8" })) as { traceHash: string };
        row.replayed = out.traceHash === r.failure.traceHash;
      }
    }
    rows.push(row);
    if (out !== undefined) appendFileSync(out, JSON.stringify(row) + "\n");
    if (!json) process.stderr.write(`${m.name.padEnd(42)} ${mode.padEnd(8)} ${row.found ? `found after ${row.runs} run(s), ${row.size} fault action(s), ${row.property}` : `not found in ${row.runs} run(s)`} ${(wallMs / 1000).toFixed(1)} s${row.replayed === undefined ? "" : row.replayed ? ", replay ok" : ", REPLAY DIFFERS"}${row.baselineFailures ? `, ${row.baselineFailures} baseline failure(s) skipped` : ""}\n`);
  }
}

if (json) process.stdout.write(JSON.stringify(rows, null, 2) + "\n");
else {
  const cell = (r: BenchRow | undefined) => (r === undefined ? "-" : r.mode === "explorer" ? (r.found ? `${r.size} steps` : "none") : r.found ? `${r.runs} (${r.size})` : `> ${r.runs}`);
  const lines = [`| mutant | observable | ${modes.join(" | ")} |`, `|---|---|${modes.map(() => "---").join("|")}|`];
  for (const m of chosen) lines.push(`| ${m.name} | ${m.observable} | ${modes.map((mode) => cell(rows.find((r) => r.mutant === m.name && r.mode === mode))).join(" | ")} |`);
  const sizes = rows.filter((r) => r.found && r.mode !== "explorer").map((r) => r.size as number).sort((a, b) => a - b);
  const foundAny = chosen.filter((m) => rows.some((r) => r.mutant === m.name && r.found)).length;
  lines.push("", `cells: runs to first failure (shrunk case size in fault actions), budget ${runs} runs per cell, seed ${seed}; explorer: shortest counterexample in steps within ${maxStates} states`);
  lines.push(`found by some mode: ${foundAny} / ${chosen.length}; median shrunk size ${sizes.length ? sizes[Math.floor(sizes.length / 2)] : "-"}; replays reproducing the trace hash: ${rows.filter((r) => r.replayed).length} / ${rows.filter((r) => r.replayed !== undefined).length}`);
  process.stdout.write(lines.join("\n") + "\n");
}
