/**
 * The Raft sweep through the search runner: each run draws its configuration (1–7 nodes, timing,
 * snapshot threshold down to 3 entries, batch limit, PreVote, CheckQuorum, workload shape),
 * timed and event-triggered faults; every invariant holds, the key-value history is
 * linearizable, and every client finishes once faults stop. A failure is shrunk and printed with
 * a replay line. The coverage is printed.
 * `FAULTLINE_SEEDS=10000 FAULTLINE_MODE=guided npx vitest run packages/raft/test/property.test.ts` runs the large sweep.
 */
import { describe, expect, it } from "vitest";
import { formatCoverage, formatSweepFailure, PLAIN_SWARM, runCase, sweep, type SearchMode } from "@faultline/check";
import { RAFT_DEFAULT_CONFIG, raftSearchSpace, raftSpace } from "./space.js";

const RUNS = Number(process.env.FAULTLINE_SEEDS ?? 100);
const MODE = (process.env.FAULTLINE_MODE ?? "guided") as SearchMode;

describe("Raft over swarm configurations, timed and triggered faults", () => {
  it(`keeps every invariant, stays linearizable and finishes every client (${RUNS} runs, ${MODE})`, () => {
    const r = sweep(raftSpace, { mode: MODE, runs: RUNS, seed: 20261129 });
    console.log(formatCoverage(raftSpace, r.coverage));
    if (r.failure) expect.fail(formatSweepFailure(r.failure));
    expect(r.runs).toBe(RUNS);
    // Snapshots happen now (the old sweep's threshold was never reached), and triggers fire.
    expect(r.coverage.sometimes.find((s) => s.name === "a snapshot taken")?.firstRun).toBeDefined();
    expect(Object.entries(r.coverage.fired).filter(([k]) => k.startsWith("persist→")).reduce((n, [, v]) => n + v, 0)).toBeGreaterThan(0);
    expect(r.coverage.states).toBeGreaterThan(100);
  }, 60_000 + RUNS * 1_000);

  // Skipped since the search's triggers became the kernel's: its crash-before-send keeps the
  // step's write (and so syncs what came before), and every client-visible step of a lone leader
  // replies, which syncs too. The old search wrapper lost the write as well, which exposed a lone
  // leader committing its no-op and a write before anything was synced. The triage work owns this
  // finding (the raft package syncing before it commits, or a kernel response that loses the write).
  it.skip("finds that a single-node leader commits entries before its log is synced (a finding, kept out of the sweep above)", () => {
    const lossy = raftSearchSpace({ singleNodeLossyStorage: true }, "lossy");
    const config = { ...RAFT_DEFAULT_CONFIG, nodes: 1, clients: 1, ops: 1 };
    const swarm = { ...PLAIN_SWARM, drop: 0, dup: 0, reorder: 0, loseUnsynced: true };
    const triggers = [{ type: "trigger" as const, at: 0, when: { on: "persist" as const, node: 0, recordType: "append" }, then: { do: "crash-before-send" as const, restartAfterSteps: 1 } }];
    expect(runCase(lossy, { config, seed: 0, swarm, faults: [], triggers }).failure?.property).toBe("LeaderCompleteness");
    expect(runCase(raftSpace, { config, seed: 0, swarm, faults: [], triggers }).failure).toBeUndefined();
  });
});
