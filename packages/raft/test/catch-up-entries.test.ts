/**
 * Catch-up entries (`snapshotCatchUpEntries`, etcd's SnapshotCatchUpEntries): a compaction keeps
 * the last entries it folded, so a leader sends a follower just behind its snapshot entries
 * instead of the whole snapshot; further behind, or without them, it still gets the snapshot.
 */
import { describe, expect, it } from "vitest";
import { generatePlan } from "@faultline/kernel";
import { RaftLog, kvClient, resolveRaftConfig, type Entry, type RaftMessage } from "@faultline/raft";
import { startRaft } from "./harness.js";
import { entry, OneNode } from "./one-node.js";

/** Leader n1 of 3 whose log was compacted under load: n2 acknowledged every entry, n3 only the first two. */
function compactedLeader(catchUp: number): OneNode {
  const n = new OneNode({ config: { snapshotThreshold: 5, snapshotCatchUpEntries: catchUp } }).timer("election");
  n.deliver("n2", { type: "vote-reply", term: n.state.term, granted: true });
  expect(n.state.role).toBe("leader");
  const term = n.state.term;
  n.deliver("n3", { type: "append-reply", term, success: true, match: 1 });
  for (let i = 0; i < 8; i++) {
    n.request({ op: "put", key: "k", value: `v${i}` }, "c", i + 1);
    n.deliver("n2", { type: "append-reply", term, success: true, match: n.state.log.lastIndex });
  }
  expect(n.state.commitIndex).toBe(9);
  expect(n.state.log.snapshot.index).toBe(5);
  return n;
}

describe("catch-up entries", () => {
  it("a follower just behind the snapshot gets the entries it lacks, not the snapshot", () => {
    const n = compactedLeader(10);
    // n3 says it holds entries up to 2: the leader has compacted them, but kept them for catch-up.
    n.deliver("n3", { type: "append-reply", term: n.state.term, success: false, match: 0, conflictIndex: 3 });
    expect(n.sent("snapshot")).toEqual([]);
    const [[to, append]] = n.sent("append") as [[string, Extract<RaftMessage, { type: "append" }>]];
    expect(to).toBe("n3");
    expect([append.prevIndex, append.prevTerm, append.entries.length]).toEqual([2, n.state.log.termToSend(2), 7]);
    expect(append.entries.map((e) => e.command)).toEqual([...Array.from({ length: 7 }, (_, i) => ({ op: "put", key: "k", value: `v${i + 1}` }))]);
    // The kept entries are no part of the log's content.
    expect([n.state.log.entryAt(3), n.state.log.termAt(3), n.state.log.entries().length]).toEqual([undefined, undefined, 4]);
  });

  it("a follower that needs the snapshot gets it at heartbeats and in answer to its replies, not with every proposal", () => {
    const n = compactedLeader(0);
    // n3 rejects an append: it holds entry 1, the leader holds nothing after it but the snapshot.
    n.deliver("n3", { type: "append-reply", term: n.state.term, success: false, match: 0, conflictIndex: 2 });
    expect(n.sent("snapshot").map(([to]) => to)).toEqual(["n3"]);
    // Proposals while the snapshot is on its way: n2 gets its entries, n3 nothing (a whole snapshot each, before).
    for (let i = 0; i < 3; i++) {
      n.request({ op: "put", key: "k", value: `w${i}` }, "c", 20 + i);
      expect(n.sent("snapshot")).toEqual([]);
      expect(n.sent().map(([to]) => to)).not.toContain("n3");
      n.deliver("n2", { type: "append-reply", term: n.state.term, success: true, match: n.state.log.lastIndex });
    }
    // A heartbeat sends it again (it may have been lost).
    n.timer("heartbeat");
    expect(n.sent("snapshot").map(([to, m]) => [to, m.snapshot.index])).toEqual([["n3", n.state.log.snapshot.index]]);
  });

  it("a follower behind the kept entries, or any without them, gets the snapshot", () => {
    for (const catchUp of [0, 3]) {
      const n = compactedLeader(catchUp);
      n.deliver("n3", { type: "append-reply", term: n.state.term, success: false, match: 0, conflictIndex: 3 });
      expect(n.sent("append")).toEqual([]);
      expect(n.sent("snapshot").map(([to, m]) => [to, m.snapshot.index])).toEqual([["n3", 5]]);
    }
  });

  it("compactTo keeps at most that many entries, contiguous up to the snapshot; sendableFrom says where entries can start", () => {
    const entries: Entry[] = Array.from({ length: 10 }, (_, i) => entry(1, `v${i + 1}`));
    const log = RaftLog.of({ index: 0, term: 0, machine: null }, entries);
    const kept = log.compactTo({ index: 6, term: 1, machine: null }, 4);
    expect(kept.behind?.length).toBe(4);
    // Entry 3 is the first kept: it gives the prevTerm of an append from 4.
    expect(kept.sendableFrom).toBe(4);
    expect(kept.entriesToSend(4, 8).map((e) => e.command)).toEqual([4, 5, 6, 7, 8].map((i) => ({ op: "put", key: "k", value: `v${i}` })));
    expect(kept.termToSend(3)).toBe(1);
    expect(kept.termToSend(2)).toBeUndefined();
    // Appends carry them; a second compaction keeps from what it holds and kept.
    const again = kept.append([entry(1, "v11")]).compactTo({ index: 9, term: 1, machine: null }, 5);
    expect(again.entriesToSend(again.sendableFrom, 11).map((e) => (e.command as { value: string }).value)).toEqual(["v6", "v7", "v8", "v9", "v10", "v11"]);
    // None kept: as before.
    const none = log.compactTo({ index: 6, term: 1, machine: null });
    expect([none.behind, none.sendableFrom]).toEqual([undefined, 7]);
  });

  it("is validated like the other settings", () => {
    expect(resolveRaftConfig({}).snapshotCatchUpEntries).toBe(0);
    expect(resolveRaftConfig({ snapshotCatchUpEntries: 1_000 }).snapshotCatchUpEntries).toBe(1_000);
    expect(() => resolveRaftConfig({ snapshotCatchUpEntries: -1 })).toThrow(/snapshotCatchUpEntries/);
    expect(() => resolveRaftConfig({ snapshotCatchUpEntries: 1.5 })).toThrow(/snapshotCatchUpEntries/);
  });
});

describe("catch-up entries in a simulated cluster under faults", () => {
  /** Seeds 1..30 of a cluster compacting every 6 entries, under crashes, partitions, loss and reordering: violations, and snapshots sent. */
  function sweep(catchUp: number): { violations: string[]; snapshotsSent: number } {
    const violations: string[] = [];
    let snapshotsSent = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const nodes = 3 + (seed % 2) * 2;
      const ids = Array.from({ length: nodes }, (_, i) => `n${i + 1}`);
      const r = startRaft({
        nodes,
        seed,
        config: { snapshotThreshold: 6, snapshotCatchUpEntries: catchUp },
        network: { minLatencyMs: 1, maxLatencyMs: 15, dropRate: 0.05, duplicateRate: 0.05, reorderRate: 0.1 },
        plan: generatePlan(seed, { nodes: ids, durationMs: 4_000, maxActions: 12 }),
        clients: ["k1", "k2"].map((name) => ({ id: name, actor: kvClient({ nodes: ids, name, ops: 40 }) })),
        maxTimeMs: 6_000,
        trace: true,
      });
      const result = r.sim.run();
      if (result.violation) violations.push(`seed ${seed}: ${result.violation.invariant}: ${result.violation.message}`);
      snapshotsSent += (result.trace ?? []).filter((e) => e.kind === "deliver" && (e.msg as RaftMessage).type.startsWith("snapshot") && (e.msg as RaftMessage).type !== "snapshot-reply").length;
    }
    return { violations, snapshotsSent };
  }

  it("keeps every invariant, and sends fewer snapshots than without them", () => {
    const without = sweep(0);
    const withThem = sweep(4);
    expect(without.violations).toEqual([]);
    expect(withThem.violations).toEqual([]);
    // The same seeds compact just as often; the catch-up entries stand in for some of the snapshots.
    expect(without.snapshotsSent).toBeGreaterThan(0);
    expect(withThem.snapshotsSent).toBeLessThan(without.snapshotsSent);
  });
});
