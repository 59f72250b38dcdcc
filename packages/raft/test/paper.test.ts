/**
 * The paper's rules, one reducer at a time (in the style of etcd-io/raft's raft_paper_test.go):
 * each test hands one node an input and checks its state and effects against a sentence of the
 * extended Raft paper (Ongaro and Ousterhout, "In Search of an Understandable Consensus
 * Algorithm (Extended Version)"), quoted briefly. §6 of the paper (membership changes) is not
 * implemented; its rule against disruptive servers is, through PreVote and CheckQuorum.
 * Whole-cluster behaviour is in scenarios.test.ts.
 */
import { describe, expect, it } from "vitest";
import { kvStateMachine } from "@faultline/raft";
import { mutantRules } from "./mutants/index.js";
import { entry, logOf, OneNode } from "./one-node.js";

describe("§5.1 terms", () => {
  it('"if one server\'s current term is smaller than the other\'s, then it updates its current term to the larger value"', () => {
    const n = OneNode.follower(1).deliver("n2", { type: "append", term: 3, prevIndex: 0, prevTerm: 0, entries: [], commit: 0 });
    expect([n.state.term, n.state.votedFor, n.state.leader]).toEqual([3, null, "n2"]);
    // The new term is durable before the reply leaves (figure 2: "Updated on stable storage before responding to RPCs").
    expect(n.kinds().indexOf("persist")).toBeLessThan(n.kinds().indexOf("send append-reply"));
  });

  it('"If a candidate or leader discovers that its term is out of date, it immediately reverts to follower state"', () => {
    const leader = OneNode.leader(2).deliver("n2", { type: "append-reply", term: 5, success: false, match: 0 });
    expect([leader.state.role, leader.state.term, leader.state.progress.peers]).toEqual(["follower", 5, []]);
    expect(leader.effects).toContainEqual({ type: "cancel-timer", timer: { kind: "heartbeat" } });
    const candidate = new OneNode().timer("election").deliver("n3", { type: "vote-reply", term: 4, granted: false });
    expect([candidate.state.role, candidate.state.term]).toEqual(["follower", 4]);
  });

  it('"If a server receives a request with a stale term number, it rejects the request"', () => {
    const n = OneNode.follower(3, [entry(1)]);
    n.deliver("n2", { type: "append", term: 2, prevIndex: 1, prevTerm: 1, entries: [entry(2)], commit: 1 });
    expect(n.sent()).toEqual([["n2", { type: "append-reply", term: 3, success: false, match: 0 }]]);
    expect([n.state.log.lastIndex, n.state.commitIndex, n.state.leader]).toEqual([1, 0, null]);
    n.deliver("n3", { type: "vote", term: 2, lastIndex: 9, lastTerm: 2 });
    expect(n.sent()).toEqual([["n3", { type: "vote-reply", term: 3, granted: false }]]);
    expect(n.state.votedFor).toBeNull();
  });
});

describe("§5.2 leader election", () => {
  it('"a follower increments its current term and transitions to candidate state. It then votes for itself and issues RequestVote RPCs in parallel"', () => {
    const n = OneNode.follower(4, [entry(1), entry(3)]).timer("election");
    expect([n.state.term, n.state.role, n.state.votedFor, n.state.votes]).toEqual([5, "candidate", "n1", ["n1"]]);
    expect(n.sent("vote")).toEqual([
      ["n2", { type: "vote", term: 5, lastIndex: 2, lastTerm: 3 }],
      ["n3", { type: "vote", term: 5, lastIndex: 2, lastTerm: 3 }],
    ]);
    // The vote for itself is durable before anyone is asked.
    expect(n.kinds().slice(0, 2)).toEqual(["set-timer", "persist"]);
  });

  it('"A candidate wins an election if it receives votes from a majority of the servers in the full cluster"; then it "sends heartbeat messages to all of the other servers"', () => {
    const n = new OneNode({ size: 5 }).timer("election").deliver("n2", { type: "vote-reply", term: 1, granted: true });
    expect(n.state.role).toBe("candidate"); // 2 of 5
    n.deliver("n2", { type: "vote-reply", term: 1, granted: true }); // the same voter twice counts once
    expect(n.state.role).toBe("candidate");
    n.deliver("n4", { type: "vote-reply", term: 1, granted: false });
    expect(n.state.role).toBe("candidate");
    n.deliver("n5", { type: "vote-reply", term: 1, granted: true });
    expect([n.state.role, n.state.leader]).toEqual(["leader", "n1"]);
    expect(n.sent("append").map(([to]) => to)).toEqual(["n2", "n3", "n4", "n5"]);
    expect(n.effects).toContainEqual({ type: "set-timer", timer: { kind: "heartbeat" }, afterMs: 50 });
  });

  it('"Each server will vote for at most one candidate in a given term, on a first-come-first-served basis"', () => {
    const n = OneNode.follower(1).deliver("n2", { type: "vote", term: 2, lastIndex: 0, lastTerm: 0 });
    expect(n.sent()).toEqual([["n2", { type: "vote-reply", term: 2, granted: true }]]);
    expect(n.kinds()).toEqual(["persist", "persist", "set-timer", "send vote-reply"]); // the term, then the vote, before the reply
    n.deliver("n3", { type: "vote", term: 2, lastIndex: 5, lastTerm: 2 });
    expect(n.sent()).toEqual([["n3", { type: "vote-reply", term: 2, granted: false }]]);
    n.deliver("n2", { type: "vote", term: 2, lastIndex: 0, lastTerm: 0 }); // a retried request: the same answer
    expect(n.sent()).toEqual([["n2", { type: "vote-reply", term: 2, granted: true }]]);
    // The vote survives a restart: it was persisted.
    const records = [{ type: "term" as const, term: 2, votedFor: "n2" }];
    const restarted = new OneNode({ records }).deliver("n3", { type: "vote", term: 2, lastIndex: 5, lastTerm: 2 });
    expect(restarted.sent()).toEqual([["n3", { type: "vote-reply", term: 2, granted: false }]]);
  });

  it('"If the leader\'s term ... is at least as large as the candidate\'s current term, then the candidate recognizes the leader as legitimate and returns to follower state"', () => {
    const n = new OneNode().timer("election").deliver("n2", { type: "append", term: 1, prevIndex: 0, prevTerm: 0, entries: [], commit: 0 });
    expect([n.state.role, n.state.term, n.state.leader]).toEqual(["follower", 1, "n2"]);
    expect(n.sent()).toEqual([["n2", { type: "append-reply", term: 1, success: true, match: 0 }]]);
  });

  it('"election timeouts are chosen randomly from a fixed interval (e.g., 150–300ms)"', () => {
    const n = new OneNode();
    n.random = 0;
    expect(n.timer("election").effects[0]).toEqual({ type: "set-timer", timer: { kind: "election" }, afterMs: 150 });
    n.random = 0.9999;
    expect(n.deliver("n2", { type: "append", term: 1, prevIndex: 0, prevTerm: 0, entries: [], commit: 0 }).effects).toContainEqual({ type: "set-timer", timer: { kind: "election" }, afterMs: 300 });
  });
});

describe("§5.3 log replication", () => {
  it('"When a leader first comes to power, it initializes all nextIndex values to the index just after the last one in its log"', () => {
    const n = OneNode.leader(3, [entry(1), entry(2)]);
    // The first AppendEntries go from nextIndex 3, carrying the no-op the leader appends at the start of its term (§8).
    const noop = { term: 3, command: { op: "noop" } };
    expect(n.state.log.entryAt(3)).toEqual(noop);
    expect(n.sent("append")).toEqual([
      ["n2", { type: "append", term: 3, prevIndex: 2, prevTerm: 2, entries: [noop], commit: 0 }],
      ["n3", { type: "append", term: 3, prevIndex: 2, prevTerm: 2, entries: [noop], commit: 0 }],
    ]);
    // Pipelining: nextIndex moves past what was sent, matchIndex waits for the answer.
    expect(n.state.progress.of("n2")).toEqual({ next: 4, match: 0, lastAck: 0 });
  });

  it('"The leader appends the command to its log as a new entry, then issues AppendEntries RPCs in parallel to each of the other servers"', () => {
    // Once the followers acknowledged everything (here the leader's no-op), a command goes out at once.
    const n = OneNode.leader(1).deliver("n2", { type: "append-reply", term: 1, success: true, match: 1 }).deliver("n3", { type: "append-reply", term: 1, success: true, match: 1 });
    n.request({ op: "put", key: "x", value: "1" });
    expect(n.state.log.entryAt(2)).toEqual({ term: 1, command: { op: "put", key: "x", value: "1" } });
    expect(n.kinds()[0]).toBe("persist");
    expect(n.sent("append").map(([to, m]) => [to, m.entries.map((e) => e.command.op)])).toEqual([
      ["n2", ["put"]],
      ["n3", ["put"]],
    ]);
    expect(n.state.commitIndex).toBe(1); // the no-op; the put is not yet on a majority
  });

  it("commands arriving while an AppendEntries is unacknowledged travel together in the next one (group commit)", () => {
    const n = OneNode.leader(1); // its no-op is in flight to n2 and n3
    n.request({ op: "put", key: "a", value: "1" }, "c", 1);
    expect(n.sent("append")).toEqual([]);
    n.request({ op: "put", key: "b", value: "2" }, "c", 2);
    expect(n.sent("append")).toEqual([]);
    // n2 acknowledges the no-op: both commands go to it in one message; n3 still waits.
    n.deliver("n2", { type: "append-reply", term: 1, success: true, match: 1 });
    expect(n.sent("append").map(([to, m]) => [to, m.prevIndex, m.entries.map((e) => e.command.op === "put" && e.command.key)])).toEqual([["n2", 1, ["a", "b"]]]);
    // The heartbeat still reaches everyone, with what each one lacks.
    n.timer("heartbeat");
    expect(n.sent("append").map(([to, m]) => [to, m.entries.length])).toEqual([
      ["n2", 0],
      ["n3", 2],
    ]);
  });

  it('"A log entry is committed once the leader that created the entry has replicated it on a majority of the servers" — and the client is answered once it is applied', () => {
    const n = OneNode.leader(1).request({ op: "put", key: "x", value: "1" }, "c", 7);
    n.deliver("n3", { type: "append-reply", term: 1, success: true, match: 2 });
    expect([n.state.commitIndex, n.state.lastApplied]).toEqual([2, 2]);
    expect(n.effects).toContainEqual({ type: "reply", client: "c", id: 7, res: { ok: true } });
    expect((n.state.machine as { data: Record<string, string> }).data).toEqual({ x: "1" });
  });

  it('"If the follower does not find an entry in its log with the same index and term, then it refuses the new entries"', () => {
    const n = OneNode.follower(2, [entry(1), entry(1)]);
    n.deliver("n2", { type: "append", term: 2, prevIndex: 2, prevTerm: 2, entries: [entry(2)], commit: 3 });
    expect(n.sent()).toEqual([["n2", { type: "append-reply", term: 2, success: false, match: 0, conflictIndex: 1, conflictTerm: 1 }]]);
    expect([n.state.log.lastIndex, n.state.commitIndex]).toEqual([2, 0]);
    n.deliver("n2", { type: "append", term: 2, prevIndex: 7, prevTerm: 2, entries: [], commit: 0 });
    expect(n.sent()).toEqual([["n2", { type: "append-reply", term: 2, success: false, match: 0, conflictIndex: 3 }]]);
  });

  it('"After a rejection, the leader decrements nextIndex and retries" (by a whole term at a time, as §5.3 suggests)', () => {
    const n = OneNode.leader(3, [entry(1), entry(1), entry(2)]);
    n.deliver("n2", { type: "append-reply", term: 3, success: false, match: 0, conflictIndex: 2, conflictTerm: 1 });
    // The leader holds term 1 up to index 2: it resumes right after it.
    expect(n.sent("append")).toEqual([["n2", { type: "append", term: 3, prevIndex: 2, prevTerm: 1, entries: [entry(2), n.state.log.entryAt(4)], commit: 0 }]]);
  });

  it('"the follower\'s conflicting entries ... will be overwritten with entries from the leader\'s log"', () => {
    const n = OneNode.follower(3, [entry(1), entry(2), entry(2)]);
    n.deliver("n2", { type: "append", term: 3, prevIndex: 1, prevTerm: 1, entries: [entry(3)], commit: 0 });
    expect(n.state.log.entries()).toEqual([entry(1), entry(3)]);
    expect(n.effects).toContainEqual({ type: "persist", record: { type: "append", index: 2, entries: [entry(3)] } });
    // Entries already held are kept: a stale, shorter append does not cut the log.
    n.deliver("n2", { type: "append", term: 3, prevIndex: 0, prevTerm: 0, entries: [entry(1)], commit: 0 });
    expect(n.state.log.entries()).toEqual([entry(1), entry(3)]);
    expect(n.sent()).toEqual([["n2", { type: "append-reply", term: 3, success: true, match: 1 }]]);
  });

  it('figure 2: "If leaderCommit > commitIndex, set commitIndex = min(leaderCommit, index of last new entry)"', () => {
    const n = OneNode.follower(1).deliver("n2", { type: "append", term: 1, prevIndex: 0, prevTerm: 0, entries: [entry(1)], commit: 5 });
    expect(n.state.commitIndex).toBe(1);
    const mutant = OneNode.follower(1, [], { rules: mutantRules("follower-commits-past-new-entries") });
    mutant.deliver("n2", { type: "append", term: 1, prevIndex: 0, prevTerm: 0, entries: [entry(1)], commit: 1 });
    expect(mutant.state.commitIndex).toBe(1);
  });
});

describe("§5.4 safety", () => {
  it('§5.4.1: "the voter denies its vote if its own log is more up-to-date than that of the candidate"', () => {
    const voter = () => OneNode.follower(3, [entry(1), entry(2)]);
    // "If the logs have last entries with different terms, then the log with the later term is more up-to-date."
    expect(voter().deliver("n2", { type: "vote", term: 4, lastIndex: 9, lastTerm: 1 }).sent("vote-reply")[0]?.[1].granted).toBe(false);
    expect(voter().deliver("n2", { type: "vote", term: 4, lastIndex: 1, lastTerm: 3 }).sent("vote-reply")[0]?.[1].granted).toBe(true);
    // "If the logs end with the same term, then whichever log is longer is more up-to-date."
    expect(voter().deliver("n2", { type: "vote", term: 4, lastIndex: 1, lastTerm: 2 }).sent("vote-reply")[0]?.[1].granted).toBe(false);
    expect(voter().deliver("n2", { type: "vote", term: 4, lastIndex: 2, lastTerm: 2 }).sent("vote-reply")[0]?.[1].granted).toBe(true);
  });

  it('§5.4.2: "Raft never commits log entries from previous terms by counting replicas"', () => {
    // n1 leads term 3 holding entry 1 of term 1, then its no-op at 2.
    const commitAfterAcks = (rules = {}) => {
      const n = OneNode.leader(3, [entry(1)], { rules });
      n.deliver("n2", { type: "append-reply", term: 3, success: true, match: 1 });
      const afterOld = n.state.commitIndex;
      n.deliver("n2", { type: "append-reply", term: 3, success: true, match: 2 });
      return [afterOld, n.state.commitIndex];
    };
    // Entry 1 is on a majority (n1, n2) but of term 1: not committed until the no-op of term 3 is.
    expect(commitAfterAcks()).toEqual([0, 2]);
    // The figure-8 mutant commits it by counting.
    expect(commitAfterAcks(mutantRules("commit-previous-term-by-count"))).toEqual([1, 2]);
  });
});

describe("§6 disruptive servers, through PreVote and CheckQuorum", () => {
  it('"if a server receives a RequestVote RPC within the minimum election timeout of hearing from a current leader, it does not update its term or grant its vote" (here: a pre-vote)', () => {
    const n = OneNode.follower(2, [], { config: { preVote: true } });
    n.now = 1_000;
    n.deliver("n2", { type: "append", term: 2, prevIndex: 0, prevTerm: 0, entries: [], commit: 0 });
    n.now = 1_100;
    n.deliver("n3", { type: "prevote", term: 3, lastIndex: 0, lastTerm: 0 });
    expect(n.sent()).toEqual([["n3", { type: "prevote-reply", term: 2, granted: false }]]);
    expect(n.state.term).toBe(2);
    n.now = 1_000 + 150;
    n.deliver("n3", { type: "prevote", term: 3, lastIndex: 0, lastTerm: 0 });
    expect(n.sent()).toEqual([["n3", { type: "prevote-reply", term: 3, granted: true }]]);
    expect(n.state.term).toBe(2); // a pre-vote changes nobody's term
  });

  it("a pre-candidate asks for the next term without taking it, and campaigns only with a majority of pre-votes", () => {
    const n = OneNode.follower(2, [], { config: { preVote: true } }).timer("election");
    expect([n.state.role, n.state.term]).toEqual(["precandidate", 2]);
    expect(n.sent("prevote").map(([, m]) => m.term)).toEqual([3, 3]);
    n.deliver("n2", { type: "prevote-reply", term: 3, granted: true });
    expect([n.state.role, n.state.term, n.state.votedFor]).toEqual(["candidate", 3, "n1"]);
  });

  it("CheckQuorum: a leader that has not heard from a majority within an election timeout steps down", () => {
    const n = OneNode.leader(1, [], { config: { checkQuorum: true } });
    n.now = 250;
    n.deliver("n2", { type: "append-reply", term: 1, success: true, match: 1 });
    n.now = 299;
    expect(n.timer("heartbeat").state.role).toBe("leader");
    n.now = 400; // n2 answered 150 ms ago, n3 never: still a majority with n1
    expect(n.timer("heartbeat").state.role).toBe("leader");
    n.now = 551;
    expect(n.timer("heartbeat").state.role).toBe("follower");
  });
});

describe("§7 log compaction", () => {
  it('"Each server takes snapshots independently, covering just the committed entries in its log"', () => {
    const n = OneNode.follower(1, [], { config: { snapshotThreshold: 2 } });
    n.deliver("n2", { type: "append", term: 1, prevIndex: 0, prevTerm: 0, entries: [entry(1, "a"), entry(1, "b"), entry(1, "c")], commit: 2 });
    expect([n.state.log.snapshot.index, n.state.log.snapshot.term, n.state.log.entries()]).toEqual([2, 1, [entry(1, "c")]]);
    expect(n.state.log.snapshot.machine).toEqual(n.state.machine);
    const compact = n.effects.find((e) => e.type === "compact");
    expect(compact).toEqual({ type: "compact", snapshot: { type: "snapshot", term: 1, votedFor: null, snapshot: n.state.log.snapshot, entries: [entry(1, "c")] } });
  });

  it('"the leader must occasionally send snapshots to followers that lag behind"', () => {
    const n = OneNode.leader(1, [], { config: { snapshotThreshold: 2 } });
    n.request({ op: "put", key: "k", value: "a" }, "c", 1).request({ op: "put", key: "k", value: "b" }, "c", 2);
    n.deliver("n2", { type: "append-reply", term: 1, success: true, match: 3 });
    expect([n.state.log.snapshot.index, n.state.log.length]).toEqual([3, 0]);
    n.deliver("n3", { type: "append-reply", term: 1, success: false, match: 0, conflictIndex: 1 });
    expect(n.sent()).toEqual([["n3", { type: "snapshot", term: 1, snapshot: n.state.log.snapshot }]]);
    n.deliver("n3", { type: "snapshot-reply", term: 1, match: 3 });
    expect(n.state.progress.of("n3")).toMatchObject({ next: 4, match: 3 });
    n.request({ op: "get", key: "k" }, "c", 3);
    expect(n.sent("append").map(([to, m]) => [to, m.prevIndex, m.prevTerm])).toEqual([
      ["n2", 3, 1],
      ["n3", 3, 1],
    ]);
  });

  it('InstallSnapshot: "the follower discards its entire log" when the snapshot holds what it lacks, but keeps "entries following the snapshot" when it describes a prefix', () => {
    const snapshot = { index: 2, term: 1, machine: kvStateMachine.init() };
    const lagging = OneNode.follower(1, [entry(1)]).deliver("n2", { type: "snapshot", term: 1, snapshot });
    expect([lagging.state.log.snapshot, lagging.state.log.length, lagging.state.commitIndex, lagging.state.lastApplied]).toEqual([snapshot, 0, 2, 2]);
    expect(lagging.sent()).toEqual([["n2", { type: "snapshot-reply", term: 1, match: 2 }]]);
    const ahead = OneNode.follower(1, [entry(1), entry(1), entry(1, "kept")]).deliver("n2", { type: "snapshot", term: 1, snapshot });
    expect(ahead.state.log.entries()).toEqual([entry(1, "kept")]);
    const conflicting = OneNode.follower(1, [entry(1), entry(0, "other term")]).deliver("n2", { type: "snapshot", term: 1, snapshot });
    expect(conflicting.state.log.length).toBe(0);
  });

  it("a restarted node rebuilds its log from the snapshot record and the appends after it", () => {
    const n = new OneNode({
      records: [
        { type: "snapshot", term: 2, votedFor: "n2", snapshot: { index: 4, term: 2, machine: { data: { k: "v" }, sessions: {} } }, entries: [entry(2)] },
        { type: "append", index: 6, entries: [entry(2, "x")] },
      ],
    });
    expect([n.state.term, n.state.votedFor, n.state.log.lastIndex, n.state.commitIndex, n.state.machine]).toEqual([2, "n2", 6, 4, { data: { k: "v" }, sessions: {} }]);
  });
});

describe("§8 client interaction", () => {
  it('"If the client\'s first choice is not the leader, that server will reject the client\'s request and supply information about the most recent leader it has heard from"', () => {
    const n = OneNode.follower(1).deliver("n3", { type: "append", term: 1, prevIndex: 0, prevTerm: 0, entries: [], commit: 0 });
    expect(n.request({ op: "get", key: "k" }).effects).toEqual([{ type: "reply", client: "c", id: 1, res: { ok: false, redirect: "n3" } }]);
  });

  it('"a leader ... commit[s] a blank no-op entry into the log at the start of its term" and a command with an executed serial number is not re-executed', () => {
    const n = OneNode.leader(2);
    expect(n.state.log.entryAt(1)).toEqual({ term: 2, command: { op: "noop" } });
    const put = { op: "put" as const, key: "k", value: "v", session: { client: "c", seq: 1 } };
    n.request(put, "c", 1).request(put, "c", 2);
    n.deliver("n2", { type: "append-reply", term: 2, success: true, match: 3 });
    expect(n.state.lastApplied).toBe(3);
    expect(n.effects.filter((e) => e.type === "reply")).toEqual([
      { type: "reply", client: "c", id: 1, res: { ok: true } },
      { type: "reply", client: "c", id: 2, res: { ok: true } },
    ]);
    expect((n.state.machine as { sessions: Record<string, { seq: number }> }).sessions.c?.seq).toBe(1);
  });
});

describe("the log value", () => {
  it("appends, replaces and compacts across chunk boundaries without changing earlier logs", () => {
    const entries = Array.from({ length: 70 }, (_, i) => entry(1 + Math.floor(i / 10), `e${i + 1}`));
    let log = logOf([]);
    const versions = [log];
    for (const e of entries) versions.push((log = log.append([e])));
    expect(log.entries()).toEqual(entries);
    versions.forEach((v, i) => expect(v.lastIndex).toBe(i));
    expect(versions[33]?.entries()).toEqual(entries.slice(0, 33));
    const replaced = log.replaceFrom(33, [entry(9)]);
    expect([replaced.lastIndex, replaced.termAt(33), replaced.termAt(32), log.termAt(33)]).toEqual([33, 9, 4, 4]);
    const compacted = log.compactTo({ index: 40, term: 4, machine: null });
    expect([compacted.lastIndex, compacted.termAt(40), compacted.termAt(39), compacted.entryAt(41)]).toEqual([70, 4, undefined, entries[40]]);
    // Two logs with the same content have the same shape, whatever their history (a fingerprint sees the content only).
    expect(JSON.stringify(Object.entries(logOf(entries)))).toBe(JSON.stringify(Object.entries(log)));
    expect(() => compacted.replaceFrom(40, [])).toThrow(/compacted/);
  });
});
