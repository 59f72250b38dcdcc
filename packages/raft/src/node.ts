/**
 * The Raft node: one pure reducer (figure 2 of the extended paper, with PreVote, CheckQuorum,
 * fast backtracking, snapshots and client sessions). The log and snapshot are read from
 * `e.view`, plain data kept in step with the draft: reading them through the immer draft would
 * copy the log on every read, and drafts must never leak into messages or records.
 */
import { transition, type Ctx, type Effects, type Input, type NodeId, type Protocol, type Step } from "@faultline/kernel";
import type { Draft } from "immer";
import { resolveRaftConfig, type RaftConfig, type RaftConfigInput } from "./config.js";
import { entriesBetween, entryAt, lastIndex, lastTerm, termAt, upToDate, type LogView } from "./log.js";
import { kvStateMachine, type StateMachine } from "./machine.js";
import { foldRecords } from "./records.js";
import type { Command, Entry, KvRequest, KvResponse, RaftMessage, RaftRecord, Snapshot } from "./types.js";
import { validateMessage, validateRequest } from "./validate.js";

/** A node's role. A pre-candidate asks for pre-votes before it disturbs anyone's term. */
export type Role = "follower" | "precandidate" | "candidate" | "leader";

/** A client request waiting for its entry to be applied (volatile: lost with the leader's memory). */
export interface PendingRequest {
  readonly client: string;
  readonly id: number;
  /** The term the entry was appended in: if another entry is applied at its index, it was lost. */
  readonly term: number;
}

/** A Raft node's state. Persistent: term, votedFor, snapshot, log. The rest is volatile. */
export interface RaftState {
  readonly term: number;
  readonly votedFor: NodeId | null;
  readonly snapshot: Snapshot;
  readonly log: readonly Entry[];
  readonly role: Role;
  /** The leader of `term` as far as this node knows. */
  readonly leader: NodeId | null;
  /** Pre-votes or votes granted to this node in the current attempt (itself included). */
  readonly votes: readonly NodeId[];
  readonly commitIndex: number;
  readonly lastApplied: number;
  /** The state machine after `lastApplied`. */
  readonly machine: unknown;
  /** Leader only: per follower, the next index to send and the highest index known replicated. */
  readonly nextIndex: Readonly<Record<NodeId, number>>;
  readonly matchIndex: Readonly<Record<NodeId, number>>;
  /** Leader only: when (this node's clock) each follower last answered; CheckQuorum reads it. */
  readonly lastAck: Readonly<Record<NodeId, number>>;
  /** When this node last heard from a current leader (its clock); -1 if never. PreVote reads it. */
  readonly lastLeaderContact: number;
  /** Leader only: clients waiting, by log index. */
  readonly pending: Readonly<Record<number, PendingRequest>>;
}

/** The Raft protocol type with the default key-value machine. */
export type RaftProtocol = Protocol<RaftState, RaftMessage, KvRequest, KvResponse, RaftRecord, RaftTimer>;

/** A Raft node's timers: its election timeout and, as leader, its heartbeat. */
export type RaftTimer = { readonly kind: "election" } | { readonly kind: "heartbeat" };

type Fx = Effects<RaftMessage, KvResponse, RaftRecord, RaftTimer>;
type D = Draft<RaftState>;

const ELECTION: RaftTimer = { kind: "election" };
const HEARTBEAT: RaftTimer = { kind: "heartbeat" };

/** Everything a handler needs: the config, the machine, the ctx, the state before the step, the draft and the effects. */
interface Env {
  readonly config: RaftConfig;
  readonly machine: StateMachine<any, Command, any>;
  readonly ctx: Ctx;
  readonly s: RaftState;
  readonly d: D;
  readonly fx: Fx;
  /** The log as it stands now in this step (plain, frozen data). */
  view: LogView;
  /** The state machine as it stands now in this step (plain data, never a draft). */
  applied: unknown;
}

/** Replaces the log (and snapshot) in both the draft and the view. */
function setLog(e: Env, log: readonly Entry[], snapshot: Snapshot = e.view.snapshot): void {
  // Frozen up front (its entries already are), so immer's finalize skips it instead of walking
  // every entry of the log on every append.
  Object.freeze(log);
  e.view = { snapshot, log };
  e.d.log = log as Draft<Entry>[];
  if (snapshot !== e.s.snapshot) e.d.snapshot = snapshot as Draft<Snapshot>;
}

function peers(ctx: Ctx): NodeId[] {
  return ctx.nodes.filter((n) => n !== ctx.self);
}

function majority(ctx: Ctx): number {
  return Math.floor(ctx.nodes.length / 2) + 1;
}

function armElection(e: Env): void {
  const { electionTimeoutMinMs: min, electionTimeoutMaxMs: max } = e.config;
  e.fx.setTimer(ELECTION, min + Math.floor(e.ctx.random() * (max - min + 1)));
}

function persistTerm(e: Env): void {
  e.fx.persist({ type: "term", term: e.d.term, votedFor: e.d.votedFor });
}

/** Answers every waiting client `not applied`, pointing at the leader this node knows. */
function failPending(e: Env): void {
  for (const [index, p] of Object.entries(e.d.pending)) {
    e.fx.reply(p.client, p.id, e.d.leader !== null && e.d.leader !== e.ctx.self ? { ok: false, redirect: e.d.leader } : { ok: false, error: "leadership lost" });
    delete e.d.pending[Number(index)];
  }
}

/** Steps down to follower of `term` (persisting a new term, forgetting the vote). */
function becomeFollower(e: Env, term: number, leader: NodeId | null): void {
  const wasLeader = e.d.role === "leader";
  if (term > e.d.term) {
    e.d.term = term;
    e.d.votedFor = null;
    persistTerm(e);
  }
  e.d.role = "follower";
  e.d.leader = leader;
  e.d.votes = [];
  if (wasLeader) {
    e.fx.cancelTimer(HEARTBEAT);
    failPending(e);
    e.d.nextIndex = {};
    e.d.matchIndex = {};
    e.d.lastAck = {};
    armElection(e);
  }
}

/** Election timer: a leader checks its quorum; anyone else starts (pre-)campaigning. */
function onElectionTimer(e: Env): void {
  if (e.s.role === "leader") return; // leaders re-check their quorum on heartbeats instead
  armElection(e);
  if (e.config.preVote) {
    e.d.role = "precandidate";
    e.d.leader = null;
    e.d.votes = [e.ctx.self];
    for (const p of peers(e.ctx)) e.fx.send(p, { type: "prevote", term: e.s.term + 1, lastIndex: lastIndex(e.view), lastTerm: lastTerm(e.view) });
    if (e.d.votes.length >= majority(e.ctx)) startElection(e);
  } else startElection(e);
}

/** A real election: next term, vote for itself (persisted before the requests leave). */
function startElection(e: Env): void {
  e.d.term = e.d.term + 1;
  e.d.votedFor = e.ctx.self;
  e.d.role = "candidate";
  e.d.leader = null;
  e.d.votes = [e.ctx.self];
  persistTerm(e);
  for (const p of peers(e.ctx)) e.fx.send(p, { type: "vote", term: e.d.term, lastIndex: lastIndex(e.view), lastTerm: lastTerm(e.view) });
  if (e.d.votes.length >= majority(e.ctx)) becomeLeader(e);
}

/** Appends entries to the leader's own log, persisted before anything refers to them. */
function appendOwn(e: Env, entries: Entry[]): number {
  const index = lastIndex(e.view);
  e.fx.persist({ type: "append", index: index + 1, entries });
  setLog(e, [...e.view.log, ...entries]);
  return index + entries.length;
}

function becomeLeader(e: Env): void {
  e.d.role = "leader";
  e.d.leader = e.ctx.self;
  e.d.votes = [];
  e.fx.cancelTimer(ELECTION);
  const now = e.ctx.now();
  const next = lastIndex(e.view) + 1;
  for (const p of peers(e.ctx)) {
    e.d.nextIndex[p] = next;
    e.d.matchIndex[p] = 0;
    e.d.lastAck[p] = now;
  }
  // A no-op of the new term lets it commit everything before it (§8). The planted bug leaves it
  // out as well, as implementations that count replicas for earlier terms usually do: then
  // nothing else stands between it and figure 8.
  if (!e.config.bugs.commitPreviousTermByCount) appendOwn(e, [{ term: e.d.term, command: { op: "noop" } }]);
  for (const p of peers(e.ctx)) sendAppend(e, p);
  e.fx.setTimer(HEARTBEAT, e.config.heartbeatIntervalMs);
  advanceCommit(e);
}

/** Sends `peer` what it needs next: entries from nextIndex (none: a heartbeat) or the snapshot. */
function sendAppend(e: Env, peer: NodeId): void {
  const d = e.d;
  const v = e.view;
  const next = d.nextIndex[peer] ?? lastIndex(v) + 1;
  if (next <= v.snapshot.index) {
    e.fx.send(peer, { type: "snapshot", term: d.term, snapshot: v.snapshot });
    return;
  }
  const prevIndex = next - 1;
  const last = Math.min(lastIndex(v), prevIndex + e.config.maxEntriesPerAppend);
  const entries = entriesBetween(v, next, last);
  e.fx.send(peer, { type: "append", term: d.term, prevIndex, prevTerm: termAt(v, prevIndex) as number, entries, commit: d.commitIndex });
  // Pipelining: assume delivery; a failed reply or heartbeat resets nextIndex from the follower's answer.
  if (entries.length > 0) d.nextIndex[peer] = last + 1;
}

/** The commit rule: the highest index on a majority whose entry is of the current term (figure 8). */
function advanceCommit(e: Env): void {
  const d = e.d;
  const need = majority(e.ctx);
  for (let n = lastIndex(e.view); n > d.commitIndex; n--) {
    const term = termAt(e.view, n);
    if (term !== d.term && !e.config.bugs.commitPreviousTermByCount) break; // earlier entries are older terms
    let count = 1;
    for (const p of peers(e.ctx)) if ((d.matchIndex[p] ?? 0) >= n) count++;
    if (count >= need) {
      d.commitIndex = n;
      break;
    }
  }
  apply(e);
}

/** Applies committed entries in order, exactly once; the leader answers the clients waiting on them. */
function apply(e: Env): void {
  const d = e.d;
  if (d.lastApplied >= d.commitIndex) return;
  let machine = e.applied;
  while (d.lastApplied < d.commitIndex) {
    const index = d.lastApplied + 1;
    const entry = entryAt(e.view, index) as Entry;
    const out = e.machine.apply(machine, entry.command);
    machine = out.state;
    d.lastApplied = index;
    const waiting = d.pending[index];
    if (waiting !== undefined) {
      e.fx.reply(waiting.client, waiting.id, waiting.term === entry.term ? out.result : { ok: false, error: "entry lost to another leader" });
      delete d.pending[index];
    }
  }
  d.machine = machine as Draft<unknown>;
  e.applied = machine;
  if (d.lastApplied - e.view.snapshot.index >= e.config.snapshotThreshold) compact(e, machine);
}

/** Folds the applied prefix into a snapshot; the durable log becomes one record. */
function compact(e: Env, lastMachine: unknown): void {
  const d = e.d;
  const v = e.view;
  const index = d.lastApplied;
  const snapshot: Snapshot = { index, term: termAt(v, index) as number, machine: lastMachine };
  setLog(e, v.log.slice(index - v.snapshot.index), snapshot);
  e.fx.compact({ type: "snapshot", term: d.term, votedFor: d.votedFor, snapshot, entries: e.view.log });
}

function onHeartbeat(e: Env): void {
  if (e.s.role !== "leader") return;
  if (e.config.checkQuorum) {
    const now = e.ctx.now();
    let live = 1;
    for (const p of peers(e.ctx)) if (now - (e.s.lastAck[p] ?? -Infinity) < e.config.electionTimeoutMaxMs) live++;
    if (live < majority(e.ctx)) {
      becomeFollower(e, e.s.term, null);
      return;
    }
  }
  for (const p of peers(e.ctx)) sendAppend(e, p);
  e.fx.setTimer(HEARTBEAT, e.config.heartbeatIntervalMs);
}

function onPreVote(e: Env, from: NodeId, m: Extract<RaftMessage, { type: "prevote" }>): void {
  // Grant only if it would be a real election we could vote in, and no live leader is known (§9.6).
  const leaderAlive = e.s.role === "leader" || (e.s.lastLeaderContact >= 0 && e.ctx.now() - e.s.lastLeaderContact < e.config.electionTimeoutMinMs);
  const granted = m.term > e.s.term && !leaderAlive && upToDate(e.s, m.lastIndex, m.lastTerm);
  e.fx.send(from, { type: "prevote-reply", term: granted ? m.term : e.s.term, granted });
}

function onPreVoteReply(e: Env, from: NodeId, m: Extract<RaftMessage, { type: "prevote-reply" }>): void {
  if (e.d.role !== "precandidate") return;
  if (!m.granted) {
    if (m.term > e.d.term) becomeFollower(e, m.term, null);
    return;
  }
  if (m.term !== e.d.term + 1 || e.d.votes.includes(from)) return;
  e.d.votes.push(from);
  if (e.d.votes.length >= majority(e.ctx)) startElection(e);
}

function onVote(e: Env, from: NodeId, m: Extract<RaftMessage, { type: "vote" }>): void {
  const d = e.d;
  const canVote = m.term === d.term && (d.votedFor === null || d.votedFor === from);
  const granted = canVote && upToDate(e.s, m.lastIndex, m.lastTerm);
  if (granted && d.votedFor === null) {
    d.votedFor = from;
    persistTerm(e);
  }
  if (granted) armElection(e);
  e.fx.send(from, { type: "vote-reply", term: d.term, granted });
}

function onVoteReply(e: Env, from: NodeId, m: Extract<RaftMessage, { type: "vote-reply" }>): void {
  const d = e.d;
  if (d.role !== "candidate" || m.term !== d.term || !m.granted || d.votes.includes(from)) return;
  d.votes.push(from);
  if (d.votes.length >= majority(e.ctx)) becomeLeader(e);
}

/** A valid message from the leader of the current term: follow it and reset the election timer. */
function heardLeader(e: Env, from: NodeId): void {
  if (e.d.role !== "follower" || e.d.leader !== from) becomeFollower(e, e.d.term, from);
  e.d.lastLeaderContact = e.ctx.now();
  armElection(e);
}

function onAppend(e: Env, from: NodeId, m: Extract<RaftMessage, { type: "append" }>): void {
  const { s, d, fx } = e;
  if (m.term < d.term) {
    fx.send(from, { type: "append-reply", term: d.term, success: false, match: 0 });
    return;
  }
  heardLeader(e, from);
  let prevIndex = m.prevIndex;
  let entries = m.entries;
  if (prevIndex < s.snapshot.index) {
    // The start is inside our snapshot (committed, so it matches): skip what it covers.
    entries = entries.slice(s.snapshot.index - prevIndex);
    prevIndex = s.snapshot.index;
  } else if (prevIndex > lastIndex(s)) {
    fx.send(from, { type: "append-reply", term: d.term, success: false, match: 0, conflictIndex: lastIndex(s) + 1 });
    return;
  } else if (termAt(s, prevIndex) !== m.prevTerm) {
    // Fast backtracking: name the conflicting term and where it starts in our log.
    const conflictTerm = termAt(s, prevIndex) as number;
    let first = prevIndex;
    while (first - 1 > s.snapshot.index && termAt(s, first - 1) === conflictTerm) first--;
    fx.send(from, { type: "append-reply", term: d.term, success: false, match: 0, conflictIndex: first, conflictTerm });
    return;
  }
  // Skip entries we already hold; from the first conflict (or the end), replace the rest.
  let i = 0;
  while (i < entries.length && termAt(s, prevIndex + 1 + i) === (entries[i] as Entry).term) i++;
  if (i < entries.length) {
    const from_ = prevIndex + 1 + i;
    const rest = entries.slice(i);
    fx.persist({ type: "append", index: from_, entries: rest });
    setLog(e, [...s.log.slice(0, from_ - s.snapshot.index - 1), ...rest]);
  }
  const match = prevIndex + entries.length;
  d.commitIndex = Math.max(d.commitIndex, Math.min(m.commit, match));
  apply(e);
  fx.send(from, { type: "append-reply", term: d.term, success: true, match });
}

function onAppendReply(e: Env, from: NodeId, m: Extract<RaftMessage, { type: "append-reply" }>): void {
  const { s, d } = e;
  if (s.role !== "leader" || m.term !== s.term) return;
  d.lastAck[from] = e.ctx.now();
  if (m.success) return replicated(e, from, m.match);
  if (m.conflictIndex === undefined) return;
  let next = m.conflictIndex;
  if (m.conflictTerm !== undefined) {
    // If we hold entries of that term, resume after our last one; else skip the whole term.
    for (let i = lastIndex(s); i > s.snapshot.index; i--) {
      const t = termAt(s, i) as number;
      if (t === m.conflictTerm) {
        next = i + 1;
        break;
      }
      if (t < m.conflictTerm) break;
    }
  }
  d.nextIndex[from] = Math.max(Math.min(next, lastIndex(s) + 1), (s.matchIndex[from] ?? 0) + 1, 1);
  sendAppend(e, from);
}

function onSnapshot(e: Env, from: NodeId, m: Extract<RaftMessage, { type: "snapshot" }>): void {
  const { s, d, fx } = e;
  if (m.term < d.term) {
    fx.send(from, { type: "snapshot-reply", term: d.term, match: 0 });
    return;
  }
  heardLeader(e, from);
  const snap = m.snapshot;
  if (snap.index > s.commitIndex) {
    // Keep a suffix that agrees with the snapshot; otherwise the snapshot replaces the log.
    setLog(e, termAt(s, snap.index) === snap.term ? s.log.slice(snap.index - s.snapshot.index) : [], snap);
    d.commitIndex = snap.index;
    d.lastApplied = snap.index;
    d.machine = snap.machine as Draft<unknown>;
    e.applied = snap.machine;
    fx.compact({ type: "snapshot", term: d.term, votedFor: d.votedFor, snapshot: snap, entries: e.view.log });
  }
  fx.send(from, { type: "snapshot-reply", term: d.term, match: Math.max(snap.index, d.commitIndex) });
}

function onSnapshotReply(e: Env, from: NodeId, m: Extract<RaftMessage, { type: "snapshot-reply" }>): void {
  const { s, d } = e;
  if (s.role !== "leader" || m.term !== s.term) return;
  d.lastAck[from] = e.ctx.now();
  replicated(e, from, m.match);
}

/** A follower holds the leader's log up to `match`: advance its indexes, maybe commit, send what it still lacks. */
function replicated(e: Env, from: NodeId, match: number): void {
  const { s, d } = e;
  if (match > (s.matchIndex[from] ?? 0)) d.matchIndex[from] = match;
  if (match + 1 > (s.nextIndex[from] ?? 0)) d.nextIndex[from] = match + 1;
  advanceCommit(e);
  if ((d.nextIndex[from] ?? 0) <= lastIndex(e.view)) sendAppend(e, from);
}

function onMessage(e: Env, from: NodeId, m: RaftMessage): void {
  if (!e.ctx.nodes.includes(from) || from === e.ctx.self) return;
  // Any message of a later term (but a pre-vote, whose term is only proposed) makes us its follower first.
  if (m.type !== "prevote" && !(m.type === "prevote-reply" && m.granted) && m.term > e.d.term) {
    becomeFollower(e, m.term, m.type === "append" || m.type === "snapshot" ? from : null);
  }
  switch (m.type) {
    case "prevote":
      return onPreVote(e, from, m);
    case "prevote-reply":
      return onPreVoteReply(e, from, m);
    case "vote":
      return onVote(e, from, m);
    case "vote-reply":
      return onVoteReply(e, from, m);
    case "append":
      return onAppend(e, from, m);
    case "append-reply":
      return onAppendReply(e, from, m);
    case "snapshot":
      return onSnapshot(e, from, m);
    case "snapshot-reply":
      return onSnapshotReply(e, from, m);
  }
}

function onRequest(e: Env, client: string, id: number, req: KvRequest): void {
  if (e.s.role !== "leader") {
    e.fx.reply(client, id, e.s.leader === null ? { ok: false } : { ok: false, redirect: e.s.leader });
    return;
  }
  const index = appendOwn(e, [{ term: e.s.term, command: req }]);
  e.d.pending[index] = { client, id, term: e.s.term };
  for (const p of peers(e.ctx)) sendAppend(e, p);
  advanceCommit(e); // a single-node cluster commits at once
}

/** Boot or restart: fold the durable records back; volatile state starts empty. */
function boot(config: RaftConfig, machine: StateMachine<any, Command, any>, ctx: Ctx, records: readonly RaftRecord[]): Step<RaftState, RaftMessage, KvResponse, RaftRecord, RaftTimer> {
  const durable = foldRecords(records, machine.init());
  const state: RaftState = {
    ...durable,
    role: "follower",
    leader: null,
    votes: [],
    commitIndex: durable.snapshot.index,
    lastApplied: durable.snapshot.index,
    machine: durable.snapshot.machine,
    nextIndex: {},
    matchIndex: {},
    lastAck: {},
    lastLeaderContact: -1,
    pending: {},
  };
  return transition<RaftState, RaftMessage, KvResponse, RaftRecord, RaftTimer>(state, (d, fx) => {
    const e: Env = { config, machine, ctx, s: state, d, fx, view: state, applied: state.machine };
    armElection(e);
  });
}

/**
 * A Raft node running `machine` (default: the key-value store). Client requests go to the
 * leader, which answers once the entry is committed and applied; other nodes answer
 * `{ ok: false, redirect }`. Reads go through the log, so they are linearizable.
 */
export function raftProtocol(input: RaftConfigInput | RaftConfig = {}, machine: StateMachine<any, Command, any> = kvStateMachine): RaftProtocol {
  const config = resolveRaftConfig(input as RaftConfigInput);
  return {
    name: config.bugs.commitPreviousTermByCount ? "raft-buggy-commit" : "raft",
    init: (ctx, records) => boot(config, machine, ctx, records),
    step: (state: RaftState, input: Input<RaftMessage, KvRequest, RaftTimer>, ctx: Ctx) =>
      transition<RaftState, RaftMessage, KvResponse, RaftRecord, RaftTimer>(state, (d, fx) => {
        const e: Env = { config, machine, ctx, s: state, d, fx, view: state, applied: state.machine };
        if (input.type === "message") onMessage(e, input.from, input.msg);
        else if (input.type === "request") onRequest(e, input.client, input.id, input.req);
        else if (input.timer.kind === "election") onElectionTimer(e);
        else onHeartbeat(e);
      }),
    validateMessage,
    validateRequest,
  };
}
