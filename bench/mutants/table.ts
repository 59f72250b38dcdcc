/**
 * Merges bench rows (`run.ts --out rows.jsonl`, possibly from several processes) into one
 * markdown table: `node --import tsx bench/mutants/table.ts a.jsonl b.jsonl`. A cell is the runs
 * to the first failure (shrunk size in fault actions) and the wall time, `> N` when not found
 * within N runs, `–` when that cell was not run; "baseline" counts failures the real system shares.
 * Give the files oldest first: where several rows measure one cell, the last one is shown.
 * `--guided` prints the guided-vs-plain table instead: for each mutant with a plain and a guided
 * row, the runs of plain, swarm, triggers and guided, plain ÷ guided (`≥` when plain never found
 * it) and guided ÷ triggers (guided runs the triggers mode's cases every other run, so ≤ 2).
 */
import { readFileSync } from "node:fs";
import { MUTANTS } from "./registry.js";
import type { BenchRow } from "./row.js";


const guided = process.argv.includes("--guided");
const files = process.argv.slice(2).filter((a) => a !== "--guided");
if (files.length === 0) throw new Error("usage: table.ts rows.jsonl [more.jsonl ...]");
const rows: BenchRow[] = files.flatMap((f) =>
  readFileSync(f, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as BenchRow),
);
if (guided) {
  process.stdout.write(guidedTable(rows) + "\n");
  process.exit(0);
}
const modes = ["plain", "swarm", "triggers", "guided", "explorer"].filter((m) => rows.some((r) => r.mode === m));
const secs = (ms: number) => `${Math.round(ms / 1000)}s`;
const cell = (r: BenchRow | undefined) => {
  if (r === undefined) return "–";
  if (r.mode === "explorer") return r.found ? `${r.size} steps ${secs(r.wallMs)}` : `none (${r.runs} states)`;
  const base = r.baselineFailures ? ` b${r.baselineFailures}` : "";
  return r.found ? `${r.runs} (${r.size}) ${secs(r.wallMs)}${r.replayed === false ? " REPLAY DIFFERS" : ""}${base}` : `> ${r.runs} ${secs(r.wallMs)}${base}`;
};
const measured = MUTANTS.filter((m) => rows.some((r) => r.mutant === m.name));
const lines = [`| mutant | observable | ${modes.join(" | ")} | caught by |`, `|---|---|${modes.map(() => "---").join("|")}|---|`];
for (const m of measured) {
  const mine = rows.filter((r) => r.mutant === m.name);
  const by = [...new Set(mine.filter((r) => r.found && r.property).map((r) => r.property as string))].join(", ") || "—";
  lines.push(`| ${m.name} | ${m.observable} | ${modes.map((mode) => cell(mine.filter((r) => r.mode === mode).at(-1))).join(" | ")} | ${by} |`);
}
const sizes = rows.filter((r) => r.found && r.mode !== "explorer").map((r) => r.size as number).sort((a, b) => a - b);
const observable = measured.filter((m) => m.observable !== "unobservable");
const found = observable.filter((m) => rows.some((r) => r.mutant === m.name && r.found));
const replays = rows.filter((r) => r.replayed !== undefined);
lines.push(
  "",
  `measured: ${measured.length} of ${MUTANTS.length} mutants; found by some mode: ${found.length} of the ${observable.length} observable ones; ` +
    `median shrunk size ${sizes.length ? sizes[Math.floor((sizes.length - 1) / 2)] : "-"} fault action(s) over ${sizes.length} finding(s); ` +
    `replays reproducing the trace hash in a fresh process: ${replays.filter((r) => r.replayed).length} / ${replays.length}`,
);
const missing = MUTANTS.filter((m) => !measured.includes(m)).map((m) => m.name);
if (missing.length > 0) lines.push(`not measured: ${missing.join(", ")}`);
process.stdout.write(lines.join("\n") + "\n");

/** Plain ÷ guided per mutant (`≥` when plain never found it, "not found" when guided did not). */
function guidedTable(rows: readonly BenchRow[]): string {
  const runs = (r: BenchRow | undefined) => (r === undefined ? "–" : r.found ? `${r.runs}` : `> ${r.runs}`);
  const ratio = (a: BenchRow | undefined, b: BenchRow | undefined) => {
    if (a === undefined || b === undefined || !b.found) return "–";
    const q = a.runs / b.runs;
    if (!a.found && q < 1) return "–"; // plain stopped before guided found it: no bound
    const x = q < 1 ? q.toFixed(2) : q.toFixed(1);
    return a.found ? `${x}×` : `≥ ${x}×`;
  };
  const lines = ["| mutant | plain | swarm | triggers | guided | plain ÷ guided | guided ÷ triggers |", "|---|---|---|---|---|---|---|"];
  for (const m of MUTANTS) {
    const of = (mode: string) => rows.find((r) => r.mutant === m.name && r.mode === mode);
    const [p, s, t, g] = [of("plain"), of("swarm"), of("triggers"), of("guided")];
    if (p === undefined || g === undefined) continue;
    // Triggers not found within a budget below guided's runs bounds nothing.
    const gt = g.found && t?.found ? `${(g.runs / t.runs).toFixed(2)}` : g.found && t !== undefined && t.runs >= g.runs ? `≤ ${(g.runs / t.runs).toFixed(2)}` : "–";
    lines.push(`| ${m.name} | ${runs(p)} | ${runs(s)} | ${runs(t)} | ${runs(g)} | ${g.found ? ratio(p, g) : "not found"} | ${gt} |`);
  }
  return lines.join("\n");
}
