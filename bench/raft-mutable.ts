/**
 * The "cost of purity" baseline: the same Raft as packages/raft (PreVote, CheckQuorum, fast
 * backtracking, snapshots, client sessions, the same decisions and the same effects in the same
 * order), written the plain way — one mutable object per node changed in place, a mutable array
 * for the log, Maps for progress and the key-value store, no immer, no freezing — and run by the
 * same kernel. It is a benchmark only: the kernel's invariants cannot watch it (before and after
 * a step are the same object), which is what purity buys.
 */
import type { Ctx, Effect, Input, NodeId, Protocol } from "faultline";
import { RAFT_DEFAULTS, type Command, type Entry, type KvRequest, type KvResponse, type RaftMessage, type RaftRecord, type RaftTimer } from "faultline/raft";

type Fx = Effect<RaftMessage, KvResponse, RaftRecord, RaftTimer>[];

interface KvMachine {
  data: Map<string, string>;
  sessions: Map<string, { seq: number; result: KvResponse }>;
}

interface MutableSnapshot {
  index: number;
  term: number;
  machine: { data: Record<string, string>; sessions: Record<string, { seq: number; result: KvResponse }> };
}

/** One node's whole state, changed in place by every step. */
interface Node {
  term: number;
  votedFor: NodeId | null;
  snapshot: MutableSnapshot;
  /** Entries after the snapshot: index i is log[i - snapshot.index - 1]. */
  log: Entry[];
  role: "follower" | "precandidate" | "candidate" | "leader";
  leader: NodeId | null;
  votes: Set<NodeId>;
  commitIndex: number;
  lastApplied: number;
  kv: KvMachine;
  next: Map<NodeId, number>;
  match: Map<NodeId, number>;
  lastAck: Map<NodeId, number>;
  lastLeaderContact: number;
  pending: Map<number, { client: string; id: number; term: number }>;
}

const C = RAFT_DEFAULTS;
const ELECTION: RaftTimer = { kind: "election" };
const HEARTBEAT: RaftTimer = { kind: "heartbeat" };

const lastIndex = (n: Node) => n.snapshot.index + n.log.length;
const termAt = (n: Node, i: number) => (i === n.snapshot.index ? n.snapshot.term : i < n.snapshot.index ? undefined : n.log[i - n.snapshot.index - 1]?.term);
const lastTerm = (n: Node) => termAt(n, lastIndex(n)) as number;
const majority = (ctx: Ctx) => Math.floor(ctx.nodes.length / 2) + 1;
const upToDate = (n: Node, i: number, t: number) => t > lastTerm(n) || (t === lastTerm(n) && i >= lastIndex(n));

function kvFrom(m: MutableSnapshot["machine"]): KvMachine {
  return { data: new Map(Object.entries(m.data)), sessions: new Map(Object.entries(m.sessions)) };
}

function kvApply(kv: KvMachine, c: Command): KvResponse {
  const session = c.op === "put" || c.op === "delete" ? c.session : undefined;
  if (session !== undefined) {
    const seen = kv.sessions.get(session.client);
    if (seen !== undefined && seen.seq === session.seq) return seen.result;
    if (seen !== undefined && seen.seq > session.seq) return { ok: false, error: `stale request: seq ${session.seq} after ${seen.seq}` };
  }
  let result: KvResponse = { ok: true };
  if (c.op === "put") kv.data.set(c.key, c.value);
  else if (c.op === "delete") kv.data.delete(c.key);
  else if (c.op === "get") {
    const value = kv.data.get(c.key);
    result = value === undefined ? { ok: true } : { ok: true, value };
  } else return result;
  if (session !== undefined) kv.sessions.set(session.client, { seq: session.seq, result });
  return result;
}

/** One step's world: the node, the ctx and the effects so far. */
class Step {
  readonly fx: Fx = [];
  constructor(
    readonly n: Node,
    readonly ctx: Ctx,
  ) {}
  send(to: NodeId, msg: RaftMessage): void {
    this.fx.push({ type: "send", to, msg });
  }
  peers(): NodeId[] {
    return this.ctx.nodes.filter((p) => p !== this.ctx.self);
  }
  armElection(): void {
    this.fx.push({ type: "set-timer", timer: ELECTION, afterMs: C.electionTimeoutMinMs + Math.floor(this.ctx.random() * (C.electionTimeoutMaxMs - C.electionTimeoutMinMs + 1)) });
  }
  persistTerm(): void {
    this.fx.push({ type: "persist", record: { type: "term", term: this.n.term, votedFor: this.n.votedFor } });
  }
  reply(client: string, id: number, res: KvResponse): void {
    this.fx.push({ type: "reply", client, id, res });
  }
}

function becomeFollower(s: Step, term: number, leader: NodeId | null): void {
  const n = s.n;
  const wasLeader = n.role === "leader";
  if (term > n.term) {
    n.term = term;
    n.votedFor = null;
    s.persistTerm();
  }
  n.role = "follower";
  n.leader = leader;
  n.votes.clear();
  if (wasLeader) {
    s.fx.push({ type: "cancel-timer", timer: HEARTBEAT });
    // Unanswered, as packages/raft does: the entries may still commit under the next leader.
    n.pending.clear();
    n.next.clear();
    n.match.clear();
    n.lastAck.clear();
    s.armElection();
  }
}

function becomeCandidate(s: Step): void {
  const n = s.n;
  n.term++;
  n.votedFor = s.ctx.self;
  n.role = "candidate";
  n.leader = null;
  n.votes = new Set([s.ctx.self]);
  s.persistTerm();
  for (const p of s.peers()) s.send(p, { type: "vote", term: n.term, lastIndex: lastIndex(n), lastTerm: lastTerm(n) });
  if (n.votes.size >= majority(s.ctx)) becomeLeader(s);
}

function becomeLeader(s: Step): void {
  const n = s.n;
  n.role = "leader";
  n.leader = s.ctx.self;
  n.votes.clear();
  s.fx.push({ type: "cancel-timer", timer: ELECTION });
  const now = s.ctx.now();
  for (const p of s.peers()) {
    n.next.set(p, lastIndex(n) + 1);
    n.match.set(p, 0);
    n.lastAck.set(p, now);
  }
  appendOwn(s, { op: "noop" });
  sendAll(s);
  s.fx.push({ type: "set-timer", timer: HEARTBEAT, afterMs: C.heartbeatIntervalMs });
  maybeCommit(s);
}

function appendOwn(s: Step, command: Command): number {
  const n = s.n;
  const index = lastIndex(n) + 1;
  const entry = { term: n.term, command };
  s.fx.push({ type: "persist", record: { type: "append", index, entries: [entry] } });
  n.log.push(entry);
  return index;
}

function sendAppend(s: Step, peer: NodeId): void {
  const n = s.n;
  const next = n.next.get(peer) as number;
  if (next <= n.snapshot.index) return s.send(peer, { type: "snapshot", term: n.term, snapshot: n.snapshot });
  const prevIndex = next - 1;
  const last = Math.min(lastIndex(n), prevIndex + C.maxEntriesPerAppend);
  const entries = n.log.slice(next - n.snapshot.index - 1, last - n.snapshot.index);
  s.send(peer, { type: "append", term: n.term, prevIndex, prevTerm: termAt(n, prevIndex) as number, entries, commit: n.commitIndex });
  if (entries.length > 0) n.next.set(peer, last + 1);
}

/** Appends to every follower; a lone leader acknowledges its own append to itself instead (as packages/raft). */
function sendAll(s: Step): void {
  const n = s.n;
  const peers = s.peers();
  if (peers.length === 0 && lastIndex(n) > n.commitIndex) s.send(s.ctx.self, { type: "append-reply", term: n.term, success: true, match: lastIndex(n) });
  for (const p of peers) sendAppend(s, p);
}

/** A proposal goes at once only to followers with nothing unacknowledged; the others get it with their next ack (as packages/raft). */
function sendToIdle(s: Step): void {
  const n = s.n;
  const peers = s.peers();
  if (peers.length === 0 && lastIndex(n) > n.commitIndex) s.send(s.ctx.self, { type: "append-reply", term: n.term, success: true, match: lastIndex(n) });
  // Not to a follower that needs the snapshot: heartbeats and its replies send it (as packages/raft).
  for (const p of peers) if ((n.next.get(p) as number) - 1 <= (n.match.get(p) as number) && (n.next.get(p) as number) > n.snapshot.index) sendAppend(s, p);
}

/** `durable`: how far the leader's own log counts (all of it with followers; a lone leader's acknowledged index). */
function maybeCommit(s: Step, durable = s.ctx.nodes.length > 1 ? lastIndex(s.n) : s.n.commitIndex): void {
  const n = s.n;
  const matches = [...n.match.values(), Math.min(durable, lastIndex(n))].sort((a, b) => b - a);
  const index = matches[majority(s.ctx) - 1] as number;
  if (index > n.commitIndex && termAt(n, index) === n.term) n.commitIndex = index;
  applyCommitted(s);
}

function applyCommitted(s: Step): void {
  const n = s.n;
  if (n.lastApplied >= n.commitIndex) return;
  while (n.lastApplied < n.commitIndex) {
    const index = ++n.lastApplied;
    const entry = n.log[index - n.snapshot.index - 1] as Entry;
    const result = kvApply(n.kv, entry.command);
    const waiting = n.role === "leader" ? n.pending.get(index) : undefined;
    if (waiting !== undefined) {
      s.reply(waiting.client, waiting.id, waiting.term === entry.term ? result : { ok: false, error: "entry lost to another leader" });
      n.pending.delete(index);
    }
  }
  if (n.lastApplied - n.snapshot.index >= C.snapshotThreshold) {
    const index = n.lastApplied;
    const snapshot = { index, term: termAt(n, index) as number, machine: { data: Object.fromEntries(n.kv.data), sessions: Object.fromEntries(n.kv.sessions) } };
    n.log = n.log.slice(index - n.snapshot.index);
    n.snapshot = snapshot;
    s.fx.push({ type: "compact", snapshot: { type: "snapshot", term: n.term, votedFor: n.votedFor, snapshot, entries: n.log.slice() } });
  }
}

function replicated(s: Step, from: NodeId, match: number): void {
  const n = s.n;
  if (match > (n.match.get(from) as number)) n.match.set(from, match);
  if (match + 1 > (n.next.get(from) as number)) n.next.set(from, match + 1);
  maybeCommit(s);
  if ((n.next.get(from) as number) <= lastIndex(n)) sendAppend(s, from);
}

function heardLeader(s: Step, from: NodeId): void {
  s.n.leader = from;
  s.n.lastLeaderContact = s.ctx.now();
  s.armElection();
}

function onMessage(s: Step, from: NodeId, m: RaftMessage): void {
  const n = s.n;
  if (from === s.ctx.self) {
    if (m.type === "append-reply" && m.success && n.role === "leader" && m.term === n.term) maybeCommit(s, m.match);
    return;
  }
  if (!s.ctx.nodes.includes(from)) return;
  if (m.term > n.term) {
    if (!(m.type === "prevote" || (m.type === "prevote-reply" && m.granted))) becomeFollower(s, m.term, m.type === "append" || m.type === "snapshot" ? from : null);
  } else if (m.term < n.term) {
    if (m.type === "append") s.send(from, { type: "append-reply", term: n.term, success: false, match: 0 });
    else if (m.type === "snapshot") s.send(from, { type: "snapshot-reply", term: n.term, match: 0 });
    else if (m.type === "vote") s.send(from, { type: "vote-reply", term: n.term, granted: false });
    else if (m.type === "prevote") s.send(from, { type: "prevote-reply", term: n.term, granted: false });
    return;
  }
  switch (m.type) {
    case "prevote": {
      const alive = n.role === "leader" || (n.lastLeaderContact >= 0 && s.ctx.now() - n.lastLeaderContact < C.electionTimeoutMinMs);
      const granted = m.term > n.term && !alive && upToDate(n, m.lastIndex, m.lastTerm);
      return s.send(from, { type: "prevote-reply", term: granted ? m.term : n.term, granted });
    }
    case "vote": {
      const granted = (n.votedFor === null || n.votedFor === from) && upToDate(n, m.lastIndex, m.lastTerm);
      if (granted && n.votedFor === null) {
        n.votedFor = from;
        s.persistTerm();
      }
      if (granted) s.armElection();
      return s.send(from, { type: "vote-reply", term: n.term, granted });
    }
    case "prevote-reply":
      if (n.role !== "precandidate" || !m.granted || m.term !== n.term + 1 || n.votes.has(from)) return;
      n.votes.add(from);
      if (n.votes.size >= majority(s.ctx)) becomeCandidate(s);
      return;
    case "vote-reply":
      if (n.role !== "candidate" || !m.granted || n.votes.has(from)) return;
      n.votes.add(from);
      if (n.votes.size >= majority(s.ctx)) becomeLeader(s);
      return;
    case "append":
    case "snapshot":
      if (n.role === "leader") return;
      if (n.role !== "follower") becomeFollower(s, n.term, from);
      heardLeader(s, from);
      return m.type === "append" ? onAppend(s, from, m) : onSnapshot(s, from, m);
    case "append-reply":
      if (n.role !== "leader") return;
      n.lastAck.set(from, s.ctx.now());
      if (m.success) return replicated(s, from, m.match);
      if (m.conflictIndex !== undefined) {
        let next = m.conflictIndex;
        if (m.conflictTerm !== undefined) {
          for (let i = lastIndex(n); i > n.snapshot.index; i--) {
            const t = termAt(n, i) as number;
            if (t === m.conflictTerm) {
              next = i + 1;
              break;
            }
            if (t < m.conflictTerm) break;
          }
        }
        n.next.set(from, Math.max(Math.min(next, lastIndex(n) + 1), (n.match.get(from) as number) + 1, 1));
        sendAppend(s, from);
      }
      return;
    case "snapshot-reply":
      if (n.role !== "leader") return;
      n.lastAck.set(from, s.ctx.now());
      return replicated(s, from, m.match);
  }
}

function onAppend(s: Step, from: NodeId, m: Extract<RaftMessage, { type: "append" }>): void {
  const n = s.n;
  let prevIndex = m.prevIndex;
  let entries = m.entries;
  if (prevIndex < n.snapshot.index) {
    entries = entries.slice(n.snapshot.index - prevIndex);
    prevIndex = n.snapshot.index;
  } else if (prevIndex > lastIndex(n)) {
    return s.send(from, { type: "append-reply", term: n.term, success: false, match: 0, conflictIndex: lastIndex(n) + 1 });
  } else if (termAt(n, prevIndex) !== m.prevTerm) {
    const conflictTerm = termAt(n, prevIndex) as number;
    let first = prevIndex;
    while (first - 1 > n.snapshot.index && termAt(n, first - 1) === conflictTerm) first--;
    return s.send(from, { type: "append-reply", term: n.term, success: false, match: 0, conflictIndex: first, conflictTerm });
  }
  let i = 0;
  while (i < entries.length && termAt(n, prevIndex + 1 + i) === (entries[i] as Entry).term) i++;
  if (i < entries.length) {
    const start = prevIndex + 1 + i;
    const rest = entries.slice(i);
    s.fx.push({ type: "persist", record: { type: "append", index: start, entries: rest } });
    n.log.length = start - n.snapshot.index - 1;
    for (const e of rest) n.log.push(e);
  }
  const match = prevIndex + entries.length;
  n.commitIndex = Math.max(n.commitIndex, Math.min(m.commit, match));
  applyCommitted(s);
  s.send(from, { type: "append-reply", term: n.term, success: true, match });
}

function onSnapshot(s: Step, from: NodeId, m: Extract<RaftMessage, { type: "snapshot" }>): void {
  const n = s.n;
  const snap = m.snapshot as MutableSnapshot;
  if (snap.index > n.commitIndex) {
    n.log = termAt(n, snap.index) === snap.term ? n.log.slice(snap.index - n.snapshot.index) : [];
    n.snapshot = snap;
    n.commitIndex = n.lastApplied = snap.index;
    n.kv = kvFrom(snap.machine);
    s.fx.push({ type: "compact", snapshot: { type: "snapshot", term: n.term, votedFor: n.votedFor, snapshot: snap, entries: n.log.slice() } });
  }
  s.send(from, { type: "snapshot-reply", term: n.term, match: Math.max(snap.index, n.commitIndex) });
}

function boot(records: readonly RaftRecord[]): Node {
  const n: Node = {
    term: 0,
    votedFor: null,
    snapshot: { index: 0, term: 0, machine: { data: {}, sessions: {} } },
    log: [],
    role: "follower",
    leader: null,
    votes: new Set(),
    commitIndex: 0,
    lastApplied: 0,
    kv: { data: new Map(), sessions: new Map() },
    next: new Map(),
    match: new Map(),
    lastAck: new Map(),
    lastLeaderContact: -1,
    pending: new Map(),
  };
  for (const r of records) {
    if (r.type === "term") {
      n.term = r.term;
      n.votedFor = r.votedFor;
    } else if (r.type === "append") {
      n.log.length = r.index - n.snapshot.index - 1;
      n.log.push(...r.entries);
    } else {
      n.term = r.term;
      n.votedFor = r.votedFor;
      n.snapshot = r.snapshot as MutableSnapshot;
      n.log = [...r.entries];
    }
  }
  n.commitIndex = n.lastApplied = n.snapshot.index;
  n.kv = kvFrom(n.snapshot.machine);
  return n;
}

/** The mutable Raft as a kernel protocol (default configuration). */
export function mutableRaftProtocol(): Protocol<Node, RaftMessage, KvRequest, KvResponse, RaftRecord, RaftTimer> {
  return {
    name: "raft-mutable",
    init(ctx, records) {
      const s = new Step(boot(records), ctx);
      s.armElection();
      return { state: s.n, effects: s.fx };
    },
    step(state, input: Input<RaftMessage, KvRequest, RaftTimer>, ctx) {
      const s = new Step(state, ctx);
      const n = state;
      if (input.type === "message") onMessage(s, input.from, input.msg);
      else if (input.type === "request") {
        if (n.role !== "leader") s.reply(input.client, input.id, n.leader === null ? { ok: false } : { ok: false, redirect: n.leader });
        else {
          const index = appendOwn(s, input.req);
          n.pending.set(index, { client: input.client, id: input.id, term: n.term });
          sendToIdle(s);
        }
      } else if (input.timer.kind === "election") {
        if (n.role !== "leader") {
          s.armElection();
          n.role = "precandidate";
          n.leader = null;
          n.votes = new Set([ctx.self]);
          for (const p of s.peers()) s.send(p, { type: "prevote", term: n.term + 1, lastIndex: lastIndex(n), lastTerm: lastTerm(n) });
          if (n.votes.size >= majority(ctx)) becomeCandidate(s);
        }
      } else if (n.role === "leader") {
        let live = 1;
        for (const p of s.peers()) if (ctx.now() - (n.lastAck.get(p) as number) < C.electionTimeoutMaxMs) live++;
        if (live < majority(ctx)) becomeFollower(s, n.term, null);
        else {
          sendAll(s);
          s.fx.push({ type: "set-timer", timer: HEARTBEAT, afterMs: C.heartbeatIntervalMs });
        }
      }
      return { state, effects: s.fx };
    },
  };
}
