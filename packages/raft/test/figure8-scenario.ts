/**
 * Figure 8 of the Raft paper as a scripted simulation (shared by the figure-8 test and the
 * explorer test). Per-node election timeouts steer who campaigns when: s1 and s5 time out fast,
 * the others practically never, so the partitions decide every election.
 */
import { Simulation, type FaultAction, type Invariant, type TraceOptions } from "@faultline/kernel";
import { raftInvariants, raftProtocol } from "@faultline/raft";

const ids = ["s1", "s2", "s3", "s4", "s5"];

/** The scenario with the planted bug or the real commit rule; `invariants` default to the history ones. */
export function figure8(buggy: boolean, invariants: Invariant[] = raftInvariants(), trace: TraceOptions = {}) {
  const base = { preVote: false, checkQuorum: false, heartbeatIntervalMs: 20, bugs: { commitPreviousTermByCount: buggy } };
  const fast = (ms: number) => raftProtocol({ ...base, electionTimeoutMinMs: ms, electionTimeoutMaxMs: ms });
  const slow = raftProtocol({ ...base, electionTimeoutMinMs: 60_000, electionTimeoutMaxMs: 60_000 });
  // Partitions add up until a heal, so each new shape starts with one.
  const plan: FaultAction[] = [
    // (a) s1 leads term 1 and gets entry 1 onto s2 only.
    { at: 140, type: "partition", groups: [["s1", "s2"], ["s3", "s4", "s5"]] },
    // (b) s5 leads term 2 with s3 and s4, then takes entry 1 (term 2) alone, and crashes.
    { at: 380, type: "heal" },
    { at: 380, type: "partition", groups: [["s1", "s2"], ["s3", "s4"], ["s5"]] },
    { at: 420, type: "crash", node: "s5" },
    // (c) s1 comes back to s3, learns term 2, wins term 3 and sends its entry 1 (term 1) to s3.
    { at: 430, type: "heal" },
    { at: 430, type: "partition", groups: [["s1", "s2", "s3"], ["s4"], ["s5"]] },
    // (d) s1 crashes; s5 restarts and, with s2, s3, s4, wins a later term (its last term 2 beats their 1).
    { at: 900, type: "crash", node: "s1" },
    { at: 900, type: "restart", node: "s5" },
    { at: 900, type: "heal" },
    { at: 900, type: "partition", groups: [["s2", "s3", "s4", "s5"], ["s1"]] },
  ];
  return new Simulation({
    seed: "figure8",
    nodes: ids.map((id) => ({ id, protocol: id === "s1" ? fast(100) : id === "s5" ? fast(200) : slow })),
    invariants,
    network: { minLatencyMs: 5, maxLatencyMs: 5 },
    plan,
    workload: [
      { at: 150, client: "c", node: "s1", req: { op: "put", key: "x", value: "from s1, term 1" } },
      { at: 400, client: "c", node: "s5", req: { op: "put", key: "x", value: "from s5, term 2" } },
    ],
    maxTimeMs: 3_000,
    trace,
  });
}

