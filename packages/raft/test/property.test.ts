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
import { RAFT_DEFAULT_CONFIG, raftSpace } from "./space.js";

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
    expect((r.coverage.fired["crash-after-persist"] ?? 0) + (r.coverage.fired["crash-before-sends"] ?? 0)).toBeGreaterThan(0);
    expect(r.coverage.states).toBeGreaterThan(100);
  }, 60_000 + RUNS * 1_000);

  it("a single-node leader commits only what is durable: a crash right after a write loses nothing committed (lossy storage)", () => {
    // With lossy storage a node's records are durable only once something leaves it. A lone leader
    // used to commit and apply its no-op at once, sending nothing, so a crash before its first
    // reply lost a committed entry (LeaderCompleteness; etcd#14370's class). Now it commits only
    // once its acknowledgement to itself, sent after the write, has come back.
    const config = { ...RAFT_DEFAULT_CONFIG, nodes: 1, clients: 1, ops: 1 };
    const lossy = { ...PLAIN_SWARM, drop: 0, dup: 0, reorder: 0, loseUnsynced: true };
    // The crash between the client's write (its 2nd persisting step) and its sends, as found.
    expect(runCase(raftSpace, { config, seed: 0, swarm: lossy, faults: [], triggers: [{ type: "crash-before-sends", node: 0, nth: 2, downMs: 1 }] }).failure).toBeUndefined();
    // And after every persisting step of a longer run, one crash at a time.
    const longer = { ...config, ops: 8, readPct: 50 };
    for (let nth = 1; nth <= 12; nth++) {
      for (const type of ["crash-before-sends", "crash-after-persist"] as const) {
        const run = runCase(raftSpace, { config: longer, seed: nth, swarm: lossy, faults: [], triggers: [{ type, node: 0, nth, downMs: 50 }] });
        expect(run.failure, `${type} at persisting step ${nth}`).toBeUndefined();
      }
    }
  });
});
