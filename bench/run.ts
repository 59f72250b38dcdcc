/**
 * Runs every benchmark and prints a table, or with `--json` one JSON array of
 * `{ name, value, unit }` rows. Run with `pnpm bench` (or `pnpm bench -- --json`,
 * `pnpm bench -- --only=kernel,raft`). Each suite runs in a process of its own, so one suite's
 * heap and JIT state cannot skew the next one's figures.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { benchCheck } from "./check.js";
import { benchEtcd } from "./etcd.js";
import { benchExplore } from "./explore.js";
import { benchKernel } from "./kernel.js";
import { benchLinearizability } from "./linearizability.js";
import { benchPubSub } from "./pubsub.js";
import { benchPubSubTcp } from "./pubsub-tcp.js";
import { benchRaft } from "./raft.js";
import type { BenchRow } from "./row.js";
import { benchTcp } from "./tcp.js";
import { benchTwoPhaseCommit } from "./two-phase-commit.js";

const suites: Record<string, () => BenchRow[] | Promise<BenchRow[]>> = {
  kernel: benchKernel,
  "2pc": benchTwoPhaseCommit,
  raft: benchRaft,
  pubsub: benchPubSub,
  check: benchCheck,
  lin: benchLinearizability,
  explore: benchExplore,
  tcp: benchTcp,
  etcd: benchEtcd,
  "pubsub-tcp": benchPubSubTcp,
};

const json = process.argv.includes("--json");
const inProcess = process.argv.includes("--in-process");
const only = process.argv.find((a) => a.startsWith("--only="))?.slice("--only=".length);
const chosen = only ? only.split(",") : Object.keys(suites);
for (const name of chosen) if (!(name in suites)) throw new Error(`unknown bench suite "${name}" (suites: ${Object.keys(suites).join(", ")})`);

const rows: BenchRow[] = [];
for (const name of chosen) {
  if (!json) process.stderr.write(`running ${name}...\n`);
  if (inProcess) {
    for (const row of await (suites[name] as () => BenchRow[] | Promise<BenchRow[]>)()) rows.push({ ...row, name: `${name}: ${row.name}` });
  } else {
    const out = execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), `--only=${name}`, "--in-process", "--json"], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
    rows.push(...(JSON.parse(out) as BenchRow[]));
  }
}
if (json) {
  console.log(JSON.stringify(rows));
} else {
  const width = Math.max(...rows.map((r) => r.name.length));
  console.log(`${"benchmark".padEnd(width)}  ${"value".padStart(14)}  unit`);
  console.log(`${"-".repeat(width)}  ${"-".repeat(14)}  ----`);
  for (const r of rows) console.log(`${r.name.padEnd(width)}  ${r.value.toLocaleString("en-US").padStart(14)}  ${r.unit}`);
}
