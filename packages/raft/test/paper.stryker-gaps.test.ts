/**
 * What StrykerJS showed the Raft tests never pinned down (bench/mutants/STRYKER.md): pre-vote
 * tallies (denied, stale and real votes mixed in), a candidate meeting InstallSnapshot, an
 * AppendEntries that starts inside the follower's snapshot, the conflict hint's first index, and
 * the quorum index of an even-sized cluster. One node at a time, like paper.test.ts.
 */
import { describe, expect, it } from "vitest";
import { quorumIndex, type RaftRecord, type Snapshot } from "@faultline/raft";
import { entry, OneNode } from "./one-node.js";

const preVote = { config: { preVote: true } };

describe("§9.6 PreVote tallies", () => {
  it("a pre-candidate counts only granted pre-votes for the term it proposes", () => {
    const n = new OneNode(preVote).timer("election");
    expect([n.state.role, n.state.term]).toEqual(["precandidate", 0]);
    // A denial from a voter of its term (one with a longer log, say) is not a grant.
    n.deliver("n2", { type: "prevote-reply", term: 0, granted: false });
    expect([n.state.role, n.state.votes]).toEqual(["precandidate", ["n1"]]);
    // A grant for the term it is in (an earlier pre-campaign's) proposes nothing now.
    n.deliver("n2", { type: "prevote-reply", term: 0, granted: true });
    expect([n.state.role, n.state.votes]).toEqual(["precandidate", ["n1"]]);
    n.deliver("n2", { type: "prevote-reply", term: 1, granted: true });
    expect([n.state.role, n.state.term]).toEqual(["candidate", 1]);
  });

  it("a pre-candidate needs a majority of pre-votes, not the first one", () => {
    const n = new OneNode({ size: 5, ...preVote }).timer("election");
    n.deliver("n2", { type: "prevote-reply", term: 1, granted: true });
    expect([n.state.role, n.state.votes]).toEqual(["precandidate", ["n1", "n2"]]);
    n.deliver("n3", { type: "prevote-reply", term: 1, granted: true });
    expect(n.state.role).toBe("candidate");
  });

  it("a pre-candidate never counts a real vote: pre-votes plus a late grant of its term must not make it leader of that term", () => {
    const n = new OneNode({ size: 5, ...preVote }).timer("election");
    n.deliver("n4", { type: "prevote-reply", term: 1, granted: true });
    n.deliver("n2", { type: "vote-reply", term: 0, granted: true });
    expect([n.state.role, n.state.term, n.state.votes]).toEqual(["precandidate", 0, ["n1", "n4"]]);
  });
});

describe("§5.2 a candidate meets the leader", () => {
  it("recognizes InstallSnapshot of its term as the leader's, steps down and installs it", () => {
    const n = new OneNode().timer("election");
    expect([n.state.role, n.state.term]).toEqual(["candidate", 1]);
    const snapshot: Snapshot = { index: 2, term: 1, machine: { data: { k: "v" }, sessions: {} } };
    n.deliver("n2", { type: "snapshot", term: 1, snapshot });
    expect([n.state.role, n.state.leader, n.state.log.snapshot.index]).toEqual(["follower", "n2", 2]);
    expect(n.sent()).toEqual([["n2", { type: "snapshot-reply", term: 1, match: 2 }]]);
  });
});

describe("figure 2 AppendEntries receiver, beyond the paper's figure", () => {
  /** A follower of term 2 restarted from a snapshot through index 3 (term 1), then entries 4 and 5. */
  function compacted(): OneNode {
    const snapshot: Snapshot = { index: 3, term: 1, machine: { data: { k: "v1" }, sessions: {} } };
    const records: RaftRecord[] = [{ type: "snapshot", term: 2, votedFor: null, snapshot, entries: [entry(1, "a"), entry(2, "b")] }];
    return new OneNode({ records });
  }

  it("an append starting inside the snapshot skips what the snapshot covers and keeps the rest", () => {
    const n = compacted();
    n.deliver("n2", { type: "append", term: 2, prevIndex: 1, prevTerm: 1, entries: [entry(1), entry(1), entry(1, "a"), entry(2, "b"), entry(2, "c")], commit: 3 });
    expect(n.sent()).toEqual([["n2", { type: "append-reply", term: 2, success: true, match: 6 }]]);
    expect([n.state.log.snapshot.index, n.state.log.lastIndex, n.state.log.termAt(6)]).toEqual([3, 6, 2]);
  });

  it("a rejection names the conflicting term and the first index it holds of that term", () => {
    const n = OneNode.follower(3, [entry(1), entry(1), entry(2), entry(2), entry(2)]);
    n.deliver("n2", { type: "append", term: 3, prevIndex: 5, prevTerm: 3, entries: [], commit: 0 });
    expect(n.sent()).toEqual([["n2", { type: "append-reply", term: 3, success: false, match: 0, conflictIndex: 3, conflictTerm: 2 }]]);
    // When that term reaches back into the snapshot, the hint stops at the first entry it still holds.
    const c = compacted(); // snapshot through 3 (term 1), then 4 (term 1) and 5 (term 2)
    c.deliver("n2", { type: "append", term: 2, prevIndex: 4, prevTerm: 2, entries: [], commit: 0 });
    expect(c.sent()).toEqual([["n2", { type: "append-reply", term: 2, success: false, match: 0, conflictIndex: 4, conflictTerm: 1 }]]);
  });

  it("a stale snapshot is answered with the commit index it already holds", () => {
    const n = compacted();
    n.deliver("n2", { type: "append", term: 2, prevIndex: 5, prevTerm: 2, entries: [], commit: 5 });
    expect(n.state.commitIndex).toBe(5);
    n.deliver("n2", { type: "snapshot", term: 2, snapshot: { index: 2, term: 1, machine: { data: {}, sessions: {} } } });
    expect(n.sent()).toEqual([["n2", { type: "snapshot-reply", term: 2, match: 5 }]]);
  });
});

describe("§5.3 the leader's replication", () => {
  it("a success that leaves the follower behind sends it the next entries at once, and the next heartbeat carries none of them again", () => {
    const n = OneNode.leader(2, [entry(1), entry(1)], { config: { maxEntriesPerAppend: 1 } }); // log: 1, 1, then its no-op at 3
    n.deliver("n2", { type: "append-reply", term: 2, success: false, match: 0, conflictIndex: 2 });
    expect(n.sent("append")).toEqual([["n2", { type: "append", term: 2, prevIndex: 1, prevTerm: 1, entries: [entry(1)], commit: 0 }]]);
    n.deliver("n2", { type: "append-reply", term: 2, success: true, match: 2 });
    expect(n.sent("append").map(([to, m]) => [to, m.prevIndex, m.entries.length])).toEqual([["n2", 2, 1]]);
    n.timer("heartbeat");
    expect(n.sent("append").map(([to, m]) => [to, m.prevIndex, m.entries.length])).toContainEqual(["n2", 3, 0]);
  });

  it("a step never changes the state it was given (the follower's next index is copied, not written in place)", () => {
    // One entry per append, so backing up to the conflict leaves n2's next index behind the log's end.
    const n = OneNode.leader(2, [entry(1)], { config: { maxEntriesPerAppend: 1 } });
    const before = n.state;
    const next = [...before.progress.next];
    n.deliver("n2", { type: "append-reply", term: 2, success: false, match: 0, conflictIndex: 1 });
    expect(n.state.progress.next).not.toEqual(next);
    expect(before.progress.next).toEqual(next);
  });
});

describe("§5.3 the quorum index", () => {
  it("is what a majority holds in even-sized clusters too", () => {
    expect(quorumIndex(9, [8, 5, 1])).toBe(5); // 4 nodes: 9, 8 and 5 hold index 5; only two hold 8
    expect(quorumIndex(1, [5, 9, 8])).toBe(5);
    expect(quorumIndex(6, [1, 2, 3, 4, 5])).toBe(3); // 6 nodes: four hold 3
    expect(quorumIndex(4, [4, 4])).toBe(4);
  });
});
