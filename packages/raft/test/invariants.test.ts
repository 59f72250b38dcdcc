/** Each invariant fails on a planted bad step: proof that it can fail. */
import { describe, expect, it } from "vitest";
import type { Invariant, NodeView, StepInfo, WorldView } from "@faultline/kernel";
import {
  RaftLog,
  commitIndexMonotonic,
  committedMonotonic,
  electionSafety,
  leaderAppendOnly,
  leaderCompleteness,
  logMatching,
  senderKeepsTerm,
  stateMachineSafety,
  validateMessage,
  validateRequest,
  type Entry,
  ProgressTracker,
  type RaftState,
} from "@faultline/raft";

const e = (term: number, value = `v${term}`): Entry => ({ term, command: { op: "put", key: "k", value } });

const EMPTY = { index: 0, term: 0, machine: {} };

function node(over: Omit<Partial<RaftState>, "log"> & { log?: Entry[] }): RaftState {
  const { log = [], ...rest } = over;
  return {
    term: 1, votedFor: null, log: RaftLog.of(EMPTY, log), role: "follower", leader: null, votes: [],
    commitIndex: 0, lastApplied: 0, machine: {}, progress: ProgressTracker.EMPTY, lastLeaderContact: -1, pending: [],
    ...rest,
  };
}

/**
 * Runs `inv` over steps in order the way the kernel does: the ghost is updated by each step, then
 * checked; returns each step's answer.
 */
function run(inv: Invariant<RaftState>, steps: readonly [WorldView<RaftState>, StepInfo<RaftState>][]): (string | undefined)[] {
  let ghost = inv.ghost?.initial;
  return steps.map(([view, last]) => {
    if (inv.ghost) ghost = inv.ghost.update(ghost, view, last);
    return inv.check(view, last, ghost) ?? undefined;
  });
}

function world(states: Record<string, RaftState>): WorldView<RaftState> {
  const nodes: NodeView<RaftState>[] = Object.entries(states).map(([id, state]) => ({ id, protocol: "raft", up: true, paused: false, state, records: [], restarts: 0 }));
  return { time: 0, nodes, node: (id) => nodes.find((n) => n.id === id) as NodeView<RaftState>, history: [], inFlight: () => [] };
}

const step = (node: string, before: RaftState | undefined, after: RaftState): StepInfo<RaftState> => ({ node, before, after, cause: { type: "timer", timer: { kind: "t" } } });

describe("Raft invariants fail when they should", () => {
  it("ElectionSafety: two leaders of one term, even when the first one is gone", () => {
    const a = node({ role: "leader", term: 3 });
    expect(run(electionSafety, [[world({ a }), step("a", node({ term: 3 }), a)]])).toEqual([undefined]);
    // b wins term 3 after a has crashed: only the history (ghost) remembers a.
    const out = run(electionSafety, [
      [world({ a }), step("a", node({ term: 3 }), a)],
      [world({ b: a }), step("b", node({ term: 3 }), a)],
    ]);
    expect(out[1]).toMatch(/term 3 has two leaders: a and b/);
  });

  it("LogMatching: same index and term, different history below", () => {
    const a = node({ log: [e(1), e(2), e(3)] });
    const b = node({ log: [e(1), e(1, "other"), e(3)] });
    expect(run(logMatching, [[world({ a, b }), step("a", node({ log: [e(1), e(2)] }), a)]])[0]).toMatch(/a and b agree on entry 3 \(term 3\) but differ at 2/);
    expect(run(logMatching, [[world({ a, b: node({ log: [e(1), e(2), e(3)] }) }), step("a", node({ log: [e(1), e(2)] }), a)]])).toEqual([undefined]);
  });

  it("LeaderCompleteness: a leader of a later term without a committed entry", () => {
    const committer = node({ term: 2, role: "leader", log: [e(2)], commitIndex: 1 });
    const usurper = node({ term: 3, role: "leader", log: [e(1)] });
    const out = run(leaderCompleteness, [
      [world({ a: committer }), step("a", node({ term: 2, role: "leader", log: [e(2)] }), committer)],
      [world({ b: usurper }), step("b", node({ term: 3, role: "candidate", log: [e(1)] }), usurper)],
    ]);
    expect(out[0]).toBeUndefined();
    expect(out[1]).toMatch(/b leads term 3 without entry 1 \(term 2\) committed in term 2; it holds 1/);
    // A leader of an earlier term (back from a pause) need not hold what a later term committed.
    const stale = node({ term: 1, role: "leader", log: [e(1)] });
    expect(run(leaderCompleteness, [[world({ a: committer }), step("a", node({ term: 2, role: "leader", log: [e(2)] }), committer)], [world({ c: stale }), step("c", node({ term: 1, role: "candidate", log: [e(1)] }), stale)]])[1]).toBeUndefined();
  });

  it("LeaderCompleteness: an entry committed while another node leads a later term without it", () => {
    const leader = node({ term: 4, role: "leader", log: [e(1)] });
    const committer = node({ term: 3, role: "leader", log: [e(3)], commitIndex: 1 });
    const out = run(leaderCompleteness, [[world({ a: committer, b: leader }), step("a", node({ term: 3, role: "leader", log: [e(3)] }), committer)]]);
    expect(out[0]).toMatch(/b leads term 4 without entry 1 \(term 3\) committed in term 3; it holds 1/);
  });

  it("StateMachineSafety: two nodes commit different entries at one index", () => {
    const out = run(stateMachineSafety, [
      [world({}), step("a", node({ log: [e(1)] }), node({ log: [e(1)], commitIndex: 1 }))],
      [world({}), step("b", node({ log: [e(2)] }), node({ log: [e(2)], commitIndex: 1 }))],
    ]);
    expect(out[0]).toBeUndefined();
    expect(out[1]).toMatch(/index 1: a committed an entry of term 1, b one of term 2/);
  });

  it("LeaderAppendOnly: a leader that rewrites its log", () => {
    const before = node({ role: "leader", term: 2, log: [e(1), e(2)] });
    expect(run(leaderAppendOnly, [[world({}), step("a", before, node({ role: "leader", term: 2, log: [e(1)] }))]])[0]).toMatch(/shrank its log from 2 to 1/);
    expect(run(leaderAppendOnly, [[world({}), step("a", before, { ...before, log: before.log.replaceFrom(2, [e(1)]) })]])[0]).toMatch(/rewrote entry 2/);
    expect(run(leaderAppendOnly, [[world({}), step("a", before, { ...before, log: before.log.append([e(2)]) })]])).toEqual([undefined]);
  });

  it("CommitIndexMonotonic: a commit index that goes down (not through a restart)", () => {
    expect(run(commitIndexMonotonic, [[world({}), step("a", node({ commitIndex: 5 }), node({ commitIndex: 4 }))]])[0]).toMatch(/went down from 5 to 4/);
    expect(run(commitIndexMonotonic, [[world({}), step("a", undefined, node({ commitIndex: 0 }))]])).toEqual([undefined]);
  });

  it("CommittedMonotonic: a node that replaces an entry it had committed", () => {
    const before = node({ log: [e(1), e(1)], commitIndex: 2 });
    expect(run(committedMonotonic, [[world({}), step("a", before, { ...before, log: before.log.replaceFrom(2, [e(2)]) })]])[0]).toMatch(/a lost committed entry 2 \(term 1\): it now holds 2/);
    // Replacing an uncommitted entry is the normal repair of a follower's log.
    const uncommitted = { ...before, commitIndex: 1 };
    expect(run(committedMonotonic, [[world({}), step("a", uncommitted, { ...uncommitted, log: before.log.replaceFrom(2, [e(2)]) })]])).toEqual([undefined]);
  });

  it("SenderKeepsTerm: a node back in an older term than its messages carried", () => {
    const deliver = (to: string, from: string, msg: object, state: RaftState): StepInfo<RaftState> => ({ node: to, before: state, after: state, cause: { type: "message", from, msg } });
    const b = node({ term: 3 });
    // a (term 3) asked b for its vote, then crashed and came back in term 2: caught at a's next step.
    const out = run(senderKeepsTerm, [
      [world({ a: node({ term: 3 }), b }), deliver("b", "a", { type: "vote", term: 3, lastIndex: 0, lastTerm: 0 }, b)],
      [world({ a: node({ term: 2 }), b }), step("a", undefined, node({ term: 2 }))],
    ]);
    expect(out).toEqual([undefined, "a is in term 2 after sending messages of term 3: its term was not kept"]);
    // A message delivered after its sender went back is caught at delivery.
    expect(run(senderKeepsTerm, [[world({ a: node({ term: 2 }), b }), deliver("b", "a", { type: "append-reply", term: 3, success: true, match: 0 }, b)]])).toEqual([
      "a sent a message of term 3 but is in term 2: its term was not kept",
    ]);
    // A PreVote proposes the next term without holding it; a node that keeps its term passes.
    expect(run(senderKeepsTerm, [
      [world({ a: node({ term: 2 }), b }), deliver("b", "a", { type: "prevote", term: 3, lastIndex: 0, lastTerm: 0 }, b)],
      [world({ a: node({ term: 3 }), b }), deliver("b", "a", { type: "vote", term: 3, lastIndex: 0, lastTerm: 0 }, b)],
      [world({ a: node({ term: 3 }), b }), step("a", undefined, node({ term: 3 }))],
    ])).toEqual([undefined, undefined, undefined]);
  });
});

describe("wire validation", () => {
  it("names the bad field", () => {
    expect(validateMessage({ type: "append", term: 1, prevIndex: 0, prevTerm: 0, commit: 0, entries: [] })).toBeUndefined();
    expect(validateMessage({ type: "append", term: 1, prevIndex: -1, prevTerm: 0, commit: 0, entries: [] })).toMatch(/^prevIndex/);
    expect(validateMessage({ type: "append", term: 1, prevIndex: 0, prevTerm: 0, commit: 0, entries: [{ term: 1, command: { op: "zap" } }] })).toMatch(/^entries\[0\]\.command\.op/);
    expect(validateMessage({ type: "vote", term: "2", lastIndex: 0, lastTerm: 0 })).toMatch(/^term/);
    expect(validateMessage({ type: "gossip", term: 1 })).toMatch(/^type/);
    expect(validateRequest({ op: "put", key: "k" })).toMatch(/^value/);
    expect(validateRequest({ op: "put", key: "k", value: "v", session: { client: "c", seq: -1 } })).toMatch(/^session\.seq/);
    expect(validateRequest({ op: "get", key: "k" })).toBeUndefined();
  });
});
