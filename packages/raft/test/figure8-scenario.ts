/**
 * Figure 8 of the Raft paper as a scripted simulation (shared by the figure-8 test and the
 * explorer test), with every new leader's no-op kept. Per-node election timeouts steer who
 * campaigns when: s1 and s5 time out fast, the others practically never, so the partitions
 * decide every election. s1 sends one entry per AppendEntries, so a follower can hold an earlier
 * term's entry without the no-op of s1's term; the times below are when messages are in flight
 * (every link takes 5 ms), found by reading the trace.
 */
import { Simulation, type FaultAction, type Invariant, type TraceOptions } from "@faultline/kernel";
import { raftInvariants, raftProtocol, type RaftConfigInput } from "@faultline/raft";
import { mutantProtocol } from "./mutants/index.js";

const ids = ["s1", "s2", "s3", "s4", "s5"];

/** Times of the schedule (ms), exported for the tests that stop at its brink. */
export const FIGURE8 = {
  /** s5 has just won term 2: its no-op is on the way to s3 and s4, and the partition drops it. */
  isolateS5: 346,
  /** s3 has just acknowledged s1's entry 2 (term 1); s1's no-op (term 3) is on the way to s3 and is dropped. */
  isolateS3: 571,
  /** s1 crashes, s5 comes back with s2, s3, s4. */
  brink: 900,
};

/** The scenario with the planted commit-rule mutant or the real commit rule; `invariants` default to the spec's. */
export function figure8(buggy: boolean, invariants: Invariant[] = raftInvariants(), trace: TraceOptions = {}) {
  const base = { preVote: false, checkQuorum: false, heartbeatIntervalMs: 20 };
  const build = (config: RaftConfigInput) => (buggy ? mutantProtocol("commit-previous-term-by-count", config) : raftProtocol(config));
  const fast = (ms: number, more: RaftConfigInput = {}) => build({ ...base, electionTimeoutMinMs: ms, electionTimeoutMaxMs: ms, ...more });
  const slow = build({ ...base, electionTimeoutMinMs: 60_000, electionTimeoutMaxMs: 60_000 });
  // Partitions add up until a heal, so each new shape starts with one.
  const plan: FaultAction[] = [
    // (a) s1 leads term 1 (its no-op, entry 1, reaches everyone), then gets entry 2 onto s2 only.
    { at: 140, type: "partition", groups: [["s1", "s2"], ["s3", "s4", "s5"]] },
    // (b) s5 wins term 2 with s3 and s4, and is cut off before its no-op (entry 2, term 2) leaves it; it crashes.
    { at: FIGURE8.isolateS5, type: "heal" },
    { at: FIGURE8.isolateS5, type: "partition", groups: [["s1", "s2"], ["s3", "s4"], ["s5"]] },
    { at: 420, type: "crash", node: "s5" },
    // (c) s1 comes back to s3, learns term 2, wins term 3, and gets entry 2 (term 1) onto s3 — not its no-op.
    { at: 430, type: "heal" },
    { at: 430, type: "partition", groups: [["s1", "s2", "s3"], ["s4"], ["s5"]] },
    ...(FIGURE8.isolateS3 > 0
      ? [
          { at: FIGURE8.isolateS3, type: "heal" } as FaultAction,
          { at: FIGURE8.isolateS3, type: "partition", groups: [["s1", "s2"], ["s3"], ["s4"], ["s5"]] } as FaultAction,
        ]
      : []),
    // (d) s1 crashes; s5 restarts and, with s3 and s4, wins a later term (its last term 2 beats their 1).
    { at: FIGURE8.brink, type: "crash", node: "s1" },
    { at: FIGURE8.brink, type: "restart", node: "s5" },
    { at: FIGURE8.brink, type: "heal" },
    { at: FIGURE8.brink, type: "partition", groups: [["s2", "s3", "s4", "s5"], ["s1"]] },
  ];
  return new Simulation({
    seed: "figure8",
    nodes: ids.map((id) => ({ id, protocol: id === "s1" ? fast(100, { maxEntriesPerAppend: 1 }) : id === "s5" ? fast(200) : slow })),
    invariants,
    network: { minLatencyMs: 5, maxLatencyMs: 5 },
    plan,
    workload: [{ at: 150, client: "c", node: "s1", req: { op: "put", key: "x", value: "from s1, term 1" } }],
    maxTimeMs: 3_000,
    trace,
  });
}
