/**
 * `parallelLeaderWrite` (Ongaro's thesis §10.2.1): the leader sends a proposal's AppendEntries
 * before writing it, and counts itself in the commit quorum only once an acknowledgement to itself,
 * sent after the write, comes back. Its appends (and every reply) are marked free to leave before
 * its records are durable; nothing else is.
 */
import { describe, expect, it } from "vitest";
import { formatSweepFailure, sweep } from "@faultline/check";
import { Simulation } from "@faultline/kernel";
import { createRaftProtocol, raftCluster, type KvResponse, type RaftState } from "@faultline/raft";
import { OneNode } from "./one-node.js";
import { raftSearchSpace } from "./space.js";

const parallel = { config: { parallelLeaderWrite: true } };
const selfAck = (term: number, match: number) => ({ type: "append-reply" as const, term, success: true, match });
const ack = (term: number, match: number) => ({ type: "append-reply" as const, term, success: true, match });
const put = { op: "put" as const, key: "k", value: "v" };

/** n1 leads term 2 of three nodes with its no-op (index 1) committed and acknowledged by itself. */
function leader(): OneNode {
  const n = OneNode.leader(2, [], parallel);
  n.deliver("n1", selfAck(2, 1)).deliver("n2", ack(2, 1)).deliver("n3", ack(2, 1));
  expect(n.state.commitIndex).toBe(1);
  return n;
}

describe("parallelLeaderWrite", () => {
  it("sends a proposal to idle followers before writing it, then acknowledges its own write", () => {
    const n = leader().request(put, "c", 7);
    expect(n.kinds()).toEqual(["send append", "send append", "persist", "send append-reply"]);
    expect(n.sent("append-reply")).toEqual([["n1", selfAck(2, 2)]]);
    // Off, the write comes first (and the leader needs no acknowledgement from itself).
    const off = OneNode.leader(2).deliver("n2", ack(2, 1)).deliver("n3", ack(2, 1)).request(put, "c", 7);
    expect(off.kinds()).toEqual(["persist", "send append", "send append"]);
  });

  it("keeps one acknowledgement to itself on its way: proposals meanwhile are asked for when it returns", () => {
    const n = leader().request(put, "c", 7);
    expect(n.sent("append-reply")).toEqual([["n1", selfAck(2, 2)]]);
    n.request(put, "c", 8).request(put, "c", 9);
    expect(n.sent("append-reply")).toEqual([]);
    // The first returns: entries 3 and 4 are asked for in one acknowledgement.
    n.deliver("n1", selfAck(2, 2));
    expect(n.sent("append-reply")).toEqual([["n1", selfAck(2, 4)]]);
    n.deliver("n1", selfAck(2, 4)).deliver("n2", ack(2, 4));
    expect(n.state.commitIndex).toBe(4);
    expect(n.sent("append-reply")).toEqual([]);
  });

  it("does not count its own unsynced entry: one follower's ack commits nothing until its write is acknowledged", () => {
    const n = leader().request(put, "c", 7).deliver("n2", ack(2, 2));
    expect(n.state.commitIndex).toBe(1);
    expect(n.effects.some((e) => e.type === "reply")).toBe(false);
    n.deliver("n1", selfAck(2, 2));
    expect(n.state.commitIndex).toBe(2);
    expect(n.effects).toContainEqual({ type: "reply", client: "c", id: 7, res: { ok: true } });
  });

  it("commits on the followers alone while its own write is still under way", () => {
    const n = leader().request(put, "c", 7).deliver("n2", ack(2, 2));
    expect(n.state.commitIndex).toBe(1);
    n.deliver("n3", ack(2, 2));
    expect(n.state.commitIndex).toBe(2);
    expect(n.effects).toContainEqual({ type: "reply", client: "c", id: 7, res: { ok: true } });
  });

  it("asks itself again at the heartbeat while its log is unacknowledged, and ignores another term's acknowledgement", () => {
    const n = leader().request(put, "c", 7);
    n.timer("heartbeat");
    expect(n.sent("append-reply")).toEqual([["n1", selfAck(2, 2)]]);
    n.deliver("n1", selfAck(1, 2)).deliver("n2", ack(2, 2));
    expect(n.state.commitIndex).toBe(1);
    n.deliver("n1", selfAck(2, 2));
    expect(n.state.commitIndex).toBe(2);
    expect(n.timer("heartbeat").sent("append-reply")).toEqual([]);
  });

  it("marks only a leader's appends, and replies, as free to leave before its records are durable", () => {
    const on = createRaftProtocol(parallel).beforeDurable;
    const off = createRaftProtocol().beforeDurable;
    expect(on?.send?.("n2", { type: "append", term: 1, prevIndex: 0, prevTerm: 0, entries: [], commit: 0 })).toBe(true);
    for (const msg of [ack(1, 1), { type: "vote-reply" as const, term: 1, granted: true }, { type: "vote" as const, term: 1, lastIndex: 0, lastTerm: 0 }]) expect(on?.send?.("n2", msg)).toBe(false);
    expect(off?.send).toBeUndefined();
    expect([on?.reply?.({ ok: true }), off?.reply?.({ ok: true })]).toEqual([true, true]);
  });

  it("a leader crashing during its write, its appends already out, loses no acknowledged write", () => {
    // n1 leads (fast election); n2 takes over after n1 crashes during the write of a proposal
    // whose appends already left; n3 never campaigns. Every put acknowledged must be in the end state.
    const cluster = raftCluster({ nodes: 3, config: { preVote: false, checkQuorum: false, heartbeatIntervalMs: 20, parallelLeaderWrite: true } });
    const build = (ms: number) => createRaftProtocol({ config: { ...cluster.config, electionTimeoutMinMs: ms, electionTimeoutMaxMs: ms } });
    const protocols = { n1: build(100), n2: build(400), n3: build(60_000) } as const;
    const workload = Array.from({ length: 40 }, (_, i) => [
      { at: 200 + i * 25, client: `a${i}`, node: "n1", req: { op: "put" as const, key: `k${i}`, value: `v${i}` } },
      { at: 200 + i * 25, client: `b${i}`, node: "n2", req: { op: "put" as const, key: `k${i}`, value: `v${i}` } },
    ]).flat();
    const sim = new Simulation({
      seed: "parallel-leader-write",
      nodes: cluster.ids.map((id) => ({ id, protocol: protocols[id as keyof typeof protocols] })),
      invariants: cluster.invariants,
      network: { minLatencyMs: 2, maxLatencyMs: 4 },
      plan: [{ at: 500, type: "trigger", when: { on: "persist", node: "n1", recordType: "append" }, then: { do: "crash-during-write", restartAfterSteps: 30 } }],
      workload,
      maxTimeMs: 4_000,
      trace: { full: true },
    });
    const result = sim.run();
    expect(result.violation).toBeUndefined();
    expect(sim.node("n1").restarts).toBe(1);
    const states = cluster.ids.map((id) => sim.node(id).state as RaftState);
    // The crashed step's appends, sent before its write, reached the followers: the case at stake.
    const trace = result.trace as unknown as { t: number; kind: string; from?: string; sentAt?: number; msg?: { type?: string; entries?: unknown[] } }[];
    const crashAt = trace.find((e) => e.kind === "fault" && e.t >= 500)?.t;
    expect(trace.filter((e) => e.kind === "deliver" && e.from === "n1" && e.sentAt === crashAt && e.msg?.type === "append" && (e.msg.entries?.length ?? 0) > 0).length).toBe(2);
    const acked = result.history.filter((h) => (h.res as KvResponse | undefined)?.ok === true);
    expect(acked.length).toBeGreaterThan(20);
    const top = Math.max(...states.map((s) => s.commitIndex));
    const leaderNow = states.find((s) => s.role === "leader" && s.commitIndex === top) as RaftState;
    const data = (leaderNow.machine as { data: Record<string, string> }).data;
    for (const h of acked) {
      const req = h.req as { key: string; value: string };
      expect(data[req.key], `acknowledged put ${req.key}`).toBe(req.value);
    }
  });

  it("keeps every invariant and stays linearizable over swarm configurations with timed and triggered faults (60 runs)", () => {
    const r = sweep(raftSearchSpace({ config: { parallelLeaderWrite: true } }, "raftParallelLeaderWrite"), { mode: "guided", runs: 60, seed: 20261129 });
    if (r.failure) expect.fail(formatSweepFailure(r.failure));
    expect(r.runs).toBe(60);
  }, 120_000);
});
