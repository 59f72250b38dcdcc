/**
 * Runs every benchmark and prints a table, or with `--json` one JSON array of
 * `{ name, value, unit }` rows. Run with `pnpm bench` (or `pnpm bench -- --json`).
 */
import { benchCheck } from "./check.js";
import { benchKernel } from "./kernel.js";
import { benchRaft } from "./raft.js";
import { benchTcp } from "./tcp.js";
import { benchTwoPhaseCommit } from "./two-phase-commit.js";
import type { BenchRow } from "./row.js";

const suites: [string, () => BenchRow[] | Promise<BenchRow[]>][] = [
  ["kernel", benchKernel],
  ["2pc", benchTwoPhaseCommit],
  ["raft", benchRaft],
  ["check", benchCheck],
  ["tcp", benchTcp],
];

const json = process.argv.includes("--json");
const only = process.argv.find((a) => a.startsWith("--only="))?.slice("--only=".length);
const rows: BenchRow[] = [];
for (const [suite, run] of suites) {
  if (only && !only.split(",").includes(suite)) continue;
  if (!json) process.stderr.write(`running ${suite}...\n`);
  for (const row of await run()) rows.push({ ...row, name: `${suite}: ${row.name}` });
}
if (json) {
  console.log(JSON.stringify(rows));
} else {
  const width = Math.max(...rows.map((r) => r.name.length));
  console.log(`${"benchmark".padEnd(width)}  ${"value".padStart(14)}  unit`);
  console.log(`${"-".repeat(width)}  ${"-".repeat(14)}  ----`);
  for (const r of rows) console.log(`${r.name.padEnd(width)}  ${r.value.toLocaleString("en-US").padStart(14)}  ${r.unit}`);
}
