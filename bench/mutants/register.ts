/**
 * Runs to the first failure for the quorum register's planted bugs (examples/quorum-register),
 * over several search seeds, without shrinking: the figure a change to the generator moves.
 *
 *   node --import tsx bench/mutants/register.ts [--only read-without-write-back] [--seeds 1-5] [--runs 5000] [--modes triggers,guided]
 *
 * Prints one line per cell and a table; `> N` = not found in N runs.
 */
import { sweep, type SearchMode, type SystemSpace } from "faultline/check";
import { REGISTER_MUTANTS } from "../../examples/quorum-register/mutants.js";
import type { RegisterConfig } from "../../examples/quorum-register/src/system.js";
import { loadPatched } from "./patch.js";

const args = process.argv.slice(2);
const value = (flag: string) => {
  const i = args.indexOf(flag);
  return i < 0 ? undefined : args[i + 1];
};
const only = value("--only")?.split(",");
const runs = Number(value("--runs") ?? 5_000);
const modes = (value("--modes") ?? "triggers,guided").split(",") as SearchMode[];
const [lo, hi] = (value("--seeds") ?? "1-5").split("-").map(Number) as [number, number | undefined];
const seeds = Array.from({ length: (hi ?? lo) - lo + 1 }, (_, i) => lo + i);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs: expected a whole number ≥ 1, got ${JSON.stringify(value("--runs"))}`);

const lines = [`| mutant | mode | ${seeds.map((s) => `seed ${s}`).join(" | ")} |`, `|---|---|${seeds.map(() => "---").join("|")}|`];
for (const m of REGISTER_MUTANTS.filter((x) => only === undefined || only.includes(x.name))) {
  const space = (await loadPatched<{ default: SystemSpace<RegisterConfig> }>(m.name, "examples/quorum-register", m.patches, "system.ts")).default;
  for (const mode of modes) {
    const cells: string[] = [];
    for (const seed of seeds) {
      const t0 = performance.now();
      const r = sweep(space, { mode, runs, seed, shrink: false });
      const cell = r.ok ? `> ${r.runs}` : String(r.failure?.runsUntilFailure);
      process.stderr.write(`${m.name} ${mode} seed ${seed}: ${cell} (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
      cells.push(cell);
    }
    lines.push(`| ${m.name} | ${mode} | ${cells.join(" | ")} |`);
  }
}
process.stdout.write(lines.join("\n") + "\n");
