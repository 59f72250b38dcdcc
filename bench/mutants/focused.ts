/**
 * A mutant swept over a narrowed corner of the Raft space, for bugs the full space reaches too
 * rarely: `node --import tsx bench/mutants/focused.ts <mutant> <mode> <runs> [seed] [shrinkRuns]`.
 * The corner is "contended, impatient clients with frequent snapshots": one key, 3–4 clients of
 * 30–40 operations, 30–60 % reads, client timeouts of 100–130 ms, a snapshot every 3–5 entries;
 * everything else (cluster size 3–5, timing, batching, PreVote, CheckQuorum) and the faults are
 * drawn as in the full space. The real Raft over the same corner is the baseline. Prints one
 * bench row as JSON (runs to the first failure, shrunk size, token, trace hash, fresh-process replay).
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { sweep, type SearchMode } from "faultline/check";
import type { AnyProtocol } from "faultline";
import type { RaftConfigInput } from "faultline/raft";
import { raftSearchSpace, type RaftSearchConfig } from "../../packages/cli/src/sim/systems/raft.js";
import { raftConfigOf } from "../../packages/raft/test/space.js";
import { loadPatched } from "./patch.js";
import { mutantNamed } from "./registry.js";

/** The corner: contended, impatient clients and frequent snapshots. */
export const CONTENDED: fc.Arbitrary<RaftSearchConfig> = fc.record({
  nodes: fc.integer({ min: 3, max: 5 }),
  electionMinMs: fc.integer({ min: 60, max: 300 }),
  electionSpreadMs: fc.integer({ min: 10, max: 300 }),
  heartbeatPct: fc.integer({ min: 10, max: 60 }),
  snapshotThreshold: fc.integer({ min: 3, max: 5 }),
  maxEntriesPerAppend: fc.integer({ min: 1, max: 64 }),
  preVote: fc.boolean(),
  checkQuorum: fc.boolean(),
  clients: fc.integer({ min: 3, max: 4 }),
  ops: fc.integer({ min: 30, max: 40 }),
  readPct: fc.integer({ min: 30, max: 60 }),
  keys: fc.constant(1),
  thinkMs: fc.integer({ min: 0, max: 30 }),
  clientTimeoutMs: fc.integer({ min: 100, max: 130 }),
});

/** The mutant's space over the corner (its name is the one the full space gives it, so tokens replay on `mutantSpace`). */
export async function focusedSpace(name: string) {
  const m = mutantNamed(name);
  if (m.source !== "patch") throw new Error(`focused.ts: ${name} is not a Raft patch mutant`);
  const mod = await loadPatched<{ raftProtocol: (c: RaftConfigInput) => AnyProtocol }>(m.name, "packages/raft", m.patches ?? {});
  const variable = m.name.replace(/-(\w)/g, (_x, c: string) => c.toUpperCase());
  return {
    buggy: raftSearchSpace({ name: variable, configSpace: CONTENDED, protocol: (_real, c) => mod.raftProtocol(raftConfigOf(c)) }),
    real: raftSearchSpace({ name: "raftSpace", configSpace: CONTENDED }),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [name, mode, runsArg, seedArg, shrinkArg] = process.argv.slice(2);
  if (name === undefined || mode === undefined || runsArg === undefined) throw new Error("usage: focused.ts <mutant> <mode> <runs> [seed] [shrinkRuns]");
  const { buggy, real } = await focusedSpace(name);
  const t0 = performance.now();
  const r = sweep(buggy, { mode: mode as SearchMode, runs: Number(runsArg), seed: Number(seedArg ?? 1), maxShrinkRuns: Number(shrinkArg ?? 300), baseline: real });
  const row: Record<string, unknown> = { mutant: name, mode: `${mode} (contended corner)`, found: !r.ok, runs: r.failure?.runsUntilFailure ?? r.runs, wallMs: Math.round(performance.now() - t0), baselineFailures: r.baselineFailures };
  if (r.failure) {
    Object.assign(row, { size: r.failure.size, property: r.failure.property, message: r.failure.message, token: r.failure.token, traceHash: r.failure.traceHash });
    const replay = JSON.parse(execFileSync(process.execPath, ["--import", "tsx", fileURLToPath(new URL("./replay.ts", import.meta.url)), name, r.failure.token], { encoding: "utf8" })) as { traceHash: string };
    row.replayed = replay.traceHash === r.failure.traceHash;
  }
  process.stdout.write(JSON.stringify(row) + "\n");
}
