/**
 * The Raft sweep through the search runner: each run draws its configuration (1–7 nodes, timing,
 * snapshot threshold down to 3 entries, batch limit, PreVote, CheckQuorum, workload shape),
 * timed and event-triggered faults; every invariant holds, the key-value history is
 * linearizable, and every client finishes once faults stop. A failure is shrunk and printed with
 * a replay line. The coverage is printed.
 * `FAULTLINE_SEEDS=10000 FAULTLINE_MODE=guided npx vitest run packages/raft/test/property.test.ts` runs the large sweep.
 */
import { describe, expect, it } from "vitest";
import { formatCoverage, formatSweepFailure, sweep, type SearchMode } from "@faultline/check";
import { raftSpace } from "./space.js";

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
});
