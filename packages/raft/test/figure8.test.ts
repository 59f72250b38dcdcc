/**
 * Figure 8 of the Raft paper, scripted: a leader that commits an entry of an earlier term by
 * counting replicas (the planted bug) lets a later leader overwrite a committed entry; the
 * invariants catch it. The same schedule is safe with the real commit rule.
 *
 * Per-node election timeouts steer who campaigns when: s1 and s5 time out fast, the others
 * practically never, so the partitions below decide every election.
 */
import { describe, expect, it } from "vitest";
import { Simulation, type FaultAction } from "@faultline/kernel";
import { raftInvariants, raftProtocol, type RaftState } from "@faultline/raft";

const ids = ["s1", "s2", "s3", "s4", "s5"];

function figure8(buggy: boolean) {
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
    invariants: raftInvariants(),
    network: { minLatencyMs: 5, maxLatencyMs: 5 },
    plan,
    workload: [
      { at: 150, client: "c", node: "s1", req: { op: "put", key: "x", value: "from s1, term 1" } },
      { at: 400, client: "c", node: "s5", req: { op: "put", key: "x", value: "from s5, term 2" } },
    ],
    maxTimeMs: 3_000,
  });
}

const st = (sim: Simulation, id: string) => sim.node(id).state as RaftState;

describe("figure 8", () => {
  it("the planted bug commits an earlier term's entry by counting, and a later leader overwrites it: caught", () => {
    const sim = figure8(true);
    sim.runUntil(899);
    // s1 led term 3 and committed entry 1 of term 1, replicated on s1, s2, s3 only by counting.
    expect(st(sim, "s1").term).toBe(3);
    expect(st(sim, "s1").commitIndex).toBe(1);
    expect(st(sim, "s1").log[0]?.term).toBe(1);
    const result = sim.run();
    expect(result.ok).toBe(false);
    expect(result.violation?.invariant).toBe("LeaderCompleteness");
    expect(result.violation?.message).toMatch(/s5 leads term \d+ without entry 1 \(term 1\) committed in term 3; it holds 2/);
  });

  it("the real commit rule (with its no-op) runs the same schedule safely", () => {
    const sim = figure8(false);
    const result = sim.run();
    expect(result.violation).toBeUndefined();
    // Everyone still up ends with the same committed prefix, which holds every entry s1 committed.
    const live = ["s2", "s3", "s4", "s5"].map((id) => st(sim, id));
    const upTo = Math.min(...live.map((s) => s.commitIndex));
    expect(upTo).toBeGreaterThan(0);
    for (const s of live) expect(s.log.slice(0, upTo)).toEqual(live[0]?.log.slice(0, upTo));
  });
});
