/** Each invariant fails on a planted bad step: proof that it can fail. */
import { describe, expect, it } from "vitest";
import type { NodeView, StepInfo, WorldView } from "@faultline/kernel";
import {
  commitIndexMonotonic,
  electionSafety,
  leaderAppendOnly,
  leaderCompleteness,
  logMatching,
  stateMachineSafety,
  validateMessage,
  validateRequest,
  type Entry,
  type RaftState,
} from "@faultline/raft";

const e = (term: number, value = `v${term}`): Entry => ({ term, command: { op: "put", key: "k", value } });

function node(over: Partial<RaftState>): RaftState {
  return {
    term: 1, votedFor: null, snapshot: { index: 0, term: 0, machine: {} }, log: [], role: "follower", leader: null, votes: [],
    commitIndex: 0, lastApplied: 0, machine: {}, nextIndex: {}, matchIndex: {}, lastAck: {}, lastLeaderContact: -1, pending: {},
    ...over,
  };
}

function world(states: Record<string, RaftState>): WorldView<RaftState> {
  const nodes: NodeView<RaftState>[] = Object.entries(states).map(([id, state]) => ({ id, protocol: "raft", up: true, paused: false, state, records: [], restarts: 0 }));
  return { time: 0, nodes, node: (id) => nodes.find((n) => n.id === id) as NodeView<RaftState>, history: [], inFlight: () => [] };
}

const step = (node: string, before: RaftState | undefined, after: RaftState): StepInfo<RaftState> => ({ node, before, after, cause: { type: "timer", timer: { kind: "t" } } });

describe("Raft invariants fail when they should", () => {
  it("ElectionSafety: two leaders of one term", () => {
    const inv = electionSafety();
    const a = node({ role: "leader", term: 3 });
    expect(inv.check(world({ a }), step("a", node({ term: 3 }), a), undefined)).toBeUndefined();
    expect(inv.check(world({ a, b: a }), step("b", node({ term: 3 }), a), undefined)).toMatch(/term 3 has two leaders: a and b/);
  });

  it("LogMatching: same index and term, different history below", () => {
    const inv = logMatching();
    const a = node({ log: [e(1), e(2), e(3)] });
    const b = node({ log: [e(1), e(1, "other"), e(3)] });
    expect(inv.check(world({ a, b }), step("a", node({ log: [e(1), e(2)] }), a), undefined)).toMatch(/a and b agree on entry 3 \(term 3\) but differ at 2/);
    expect(inv.check(world({ a, b: node({ log: [e(1), e(2), e(3)] }) }), step("a", node({ log: [e(1), e(2)] }), a), undefined)).toBeUndefined();
  });

  it("LeaderCompleteness: a leader of a later term without a committed entry", () => {
    const inv = leaderCompleteness();
    const committer = node({ term: 2, role: "leader", log: [e(2)], commitIndex: 1 });
    expect(inv.check(world({ a: committer }), step("a", node({ term: 2, role: "leader", log: [e(2)] }), committer), undefined)).toBeUndefined();
    const usurper = node({ term: 3, role: "leader", log: [e(1)] });
    expect(inv.check(world({ b: usurper }), step("b", node({ term: 3, role: "candidate", log: [e(1)] }), usurper), undefined)).toMatch(/b leads term 3 without entry 1 \(term 2\) committed in term 2/);
  });

  it("StateMachineSafety: two nodes commit different entries at one index", () => {
    const inv = stateMachineSafety();
    expect(inv.check(world({}), step("a", node({ log: [e(1)] }), node({ log: [e(1)], commitIndex: 1 })), undefined)).toBeUndefined();
    expect(inv.check(world({}), step("b", node({ log: [e(2)] }), node({ log: [e(2)], commitIndex: 1 })), undefined)).toMatch(/index 1: a committed an entry of term 1, b one of term 2/);
  });

  it("LeaderAppendOnly: a leader that rewrites its log", () => {
    const inv = leaderAppendOnly();
    const before = node({ role: "leader", term: 2, log: [e(1), e(2)] });
    expect(inv.check(world({}), step("a", before, node({ role: "leader", term: 2, log: [e(1)] })), undefined)).toMatch(/shrank its log from 2 to 1/);
    expect(inv.check(world({}), step("a", before, node({ role: "leader", term: 2, log: [e(1), e(1)] })), undefined)).toMatch(/rewrote entry 2/);
    expect(inv.check(world({}), step("a", before, node({ role: "leader", term: 2, log: [e(1), e(2), e(2)] })), undefined)).toBeUndefined();
  });

  it("CommitIndexMonotonic: a commit index that goes down (not through a restart)", () => {
    const inv = commitIndexMonotonic();
    expect(inv.check(world({}), step("a", node({ commitIndex: 5 }), node({ commitIndex: 4 })), undefined)).toMatch(/went down from 5 to 4/);
    expect(inv.check(world({}), step("a", undefined, node({ commitIndex: 0 })), undefined)).toBeUndefined();
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
