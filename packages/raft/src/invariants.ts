/**
 * The safety properties of spec/raft/Raft.tla (figure 3 of the paper), one per TLA+ definition
 * and under the same name. The spec's history variables (`elected`, `committed`) are ghost state
 * the kernel keeps beside the world (forked with it, part of its fingerprint), so the same
 * invariants serve the simulator and the explorer. Each check looks at what the step changed, so
 * it costs the step's size, not the run's.
 */
import type { Invariant, NodeId, StepInfo, WorldView } from "@faultline/kernel";
import type { RaftLog } from "./log.js";
import type { RaftState } from "./state.js";

/** The spec's `elected` history: the first leader of every term. */
export type ElectedHistory = Readonly<Record<string, NodeId>>;

/** A run of consecutive committed entries of one term, first committed by `by` in term `in`. */
export interface CommittedRun {
  readonly from: number;
  readonly to: number;
  /** The entries' term. */
  readonly entry: number;
  /** The term of the leader that committed them (the spec's `c.term`). */
  readonly in: number;
  readonly by: NodeId;
}

/** The spec's `committed` history, run-length encoded, newest run first (plain JSON, shared between versions). */
export type CommittedHistory = { readonly run: CommittedRun; readonly older: CommittedHistory } | null;

type RaftInvariant<Ghost = undefined> = Invariant<RaftState, unknown, unknown, Ghost>;

/**
 * The term of entry `i` as the step's node holds it after the step; for an entry the step applied
 * and compacted away, the term it had before, when the new snapshot agrees with the old log.
 */
function termNow(before: RaftLog, after: RaftLog, i: number): number | undefined {
  const term = after.termAt(i);
  if (term !== undefined || before === after) return term;
  const snap = after.snapshot;
  return i < snap.index && before.termAt(snap.index) === snap.term ? before.termAt(i) : undefined;
}

/** The run holding index `i`, if committed. */
function committedAt(history: CommittedHistory, i: number): CommittedRun | undefined {
  let h = history;
  while (h !== null && h.run.from > i) h = h.older;
  return h !== null && i <= h.run.to ? h.run : undefined;
}

/** Adds the entries the step's node committed first (past every earlier commit) to the history. */
function recordCommitted(history: CommittedHistory, _view: WorldView<RaftState>, last: StepInfo<RaftState>): CommittedHistory {
  const { before, after, node } = last;
  if (before === undefined || after === undefined) return history;
  let top = history === null ? 0 : history.run.to;
  if (after.commitIndex <= top) return history;
  let out = history;
  while (top < after.commitIndex) {
    const i = top + 1;
    const entry = termNow(before.log, after.log, i);
    if (entry === undefined) break;
    const run = out?.run;
    out =
      run !== undefined && run.to === top && run.entry === entry && run.in === after.term && run.by === node
        ? { run: { ...run, to: i }, older: out!.older }
        : { run: { from: i, to: i, entry, in: after.term, by: node }, older: out };
    top = i;
  }
  return out;
}

const COMMITTED = { initial: null as CommittedHistory, update: recordCommitted };

/**
 * ```tla
 * ElectionSafety == \A e, f \in elected : e.term = f.term => e.server = f.server
 * ```
 * At most one leader per term, over the whole run (the spec's `elected` as ghost state).
 */
export const electionSafety: RaftInvariant<ElectedHistory> = {
  name: "ElectionSafety",
  ghost: {
    initial: {},
    update(elected, _view, { after, node }) {
      if (after?.role !== "leader" || elected[after.term] !== undefined) return elected;
      return { ...elected, [after.term]: node };
    },
  },
  check(_view, { after, node }, elected) {
    if (after?.role !== "leader") return undefined;
    const first = elected[after.term];
    return first === node ? undefined : `term ${after.term} has two leaders: ${first} and ${node}`;
  },
};

/**
 * ```tla
 * LogMatching == \A s, t \in Server : \A i \in 1..Min(Len(log[s]), Len(log[t])) :
 *     log[s][i].term = log[t][i].term => SubSeq(log[s], 1, i) = SubSeq(log[t], 1, i)
 * ```
 * Checked between the node whose log a step changed and every other running node, over the
 * indices both still hold (snapshots are committed prefixes).
 */
export const logMatching: RaftInvariant = {
  name: "LogMatching",
  check(view, { before, after, node }) {
    if (after === undefined || before?.log === after.log) return undefined;
    const a = after.log;
    // The property held before this step and only this node's log changed, from index `k` on.
    // So a pair can only break at an index >= k with equal terms, and the walk down from there can
    // stop below k, where the two logs matched already.
    const k = before === undefined ? a.snapshot.index + 1 : firstChanged(before.log, a);
    for (const other of view.nodes) {
      const b = (other.state as RaftState | undefined)?.log;
      if (other.id === node || b === undefined) continue;
      const low = Math.max(a.snapshot.index, b.snapshot.index);
      let i = Math.min(a.lastIndex, b.lastIndex);
      const from = Math.max(k, low + 1);
      while (i >= from && a.termAt(i) !== b.termAt(i)) i--;
      if (i < from) continue;
      for (let j = i; j > low; j--) {
        const x = a.entryAt(j);
        const y = b.entryAt(j);
        const same = x === y || (x?.term === y?.term && JSON.stringify(x?.command) === JSON.stringify(y?.command));
        if (!same) return `${node} and ${other.id} agree on entry ${i} (term ${a.termAt(i)}) but differ at ${j}: ${JSON.stringify(x)} vs ${JSON.stringify(y)}`;
        if (j < k) break;
      }
    }
    return undefined;
  },
};

/** The first index whose entry `after` changed against `before` (appended, replaced or newly snapshotted). */
function firstChanged(before: RaftLog, after: RaftLog): number {
  if (before.snapshot !== after.snapshot) return Math.min(before.snapshot.index, after.snapshot.index) + 1;
  let k = Math.min(before.lastIndex, after.lastIndex);
  while (k > after.snapshot.index && before.entryAt(k) !== after.entryAt(k)) k--;
  return k + 1;
}

/**
 * ```tla
 * LeaderCompleteness == \A c \in committed, s \in Server :
 *     (role[s] = "leader" /\ currentTerm[s] >= c.term) => log[s][c.index] = c.entry
 * ```
 * Checked when a node becomes leader (against everything committed so far that its log still
 * holds uncompacted), and when entries commit (against every current leader).
 */
export const leaderCompleteness: RaftInvariant<CommittedHistory> = {
  name: "LeaderCompleteness",
  ghost: COMMITTED,
  check(view, { before, after, node }, committed) {
    if (after === undefined) return undefined;
    if (after.role === "leader" && before?.role !== "leader") {
      for (let h = committed; h !== null && h.run.to > after.log.snapshot.index; h = h.older) {
        if (h.run.in > after.term) continue;
        for (let i = Math.max(h.run.from, after.log.snapshot.index + 1); i <= h.run.to; i++) {
          const bad = missing(node, after, i, h.run);
          if (bad) return bad;
        }
      }
    }
    if (before === undefined || after.commitIndex <= before.commitIndex) return undefined;
    for (let i = before.commitIndex + 1; i <= after.commitIndex; i++) {
      const run = committedAt(committed, i);
      if (run === undefined) continue;
      for (const other of view.nodes) {
        const s = other.state as RaftState | undefined;
        if (other.id === node || !other.up || s?.role !== "leader" || s.term < run.in || i <= s.log.snapshot.index) continue;
        const bad = missing(other.id, s, i, run);
        if (bad) return bad;
      }
    }
    return undefined;
  },
};

function missing(leader: NodeId, s: RaftState, i: number, run: CommittedRun): string | undefined {
  const mine = s.log.termAt(i);
  return mine === run.entry ? undefined : `${leader} leads term ${s.term} without entry ${i} (term ${run.entry}) committed in term ${run.in}; it holds ${mine ?? "nothing"}`;
}

/**
 * ```tla
 * StateMachineSafety == \A c, d \in committed : c.index = d.index => c.entry = d.entry
 *     /\ \A c \in committed, s \in Server : c.index <= commitIndex[s] => log[s][c.index] = c.entry
 * ```
 * Every entry a node commits is the one first committed at its index.
 */
export const stateMachineSafety: RaftInvariant<CommittedHistory> = {
  name: "StateMachineSafety",
  ghost: COMMITTED,
  check(_view, { before, after, node }, committed) {
    if (after === undefined || before === undefined || after.commitIndex <= before.commitIndex) return undefined;
    for (let i = before.commitIndex + 1; i <= after.commitIndex; i++) {
      const term = termNow(before.log, after.log, i);
      const run = committedAt(committed, i);
      if (term !== undefined && run !== undefined && run.entry !== term) return `index ${i}: ${run.by} committed an entry of term ${run.entry}, ${node} one of term ${term}`;
    }
    return undefined;
  },
};

/**
 * ```tla
 * LeaderAppendOnly == [][\A s \in Server :
 *     (role[s] = "leader" /\ role'[s] = "leader") => IsPrefix(log[s], log'[s])]_vars
 * ```
 */
export const leaderAppendOnly: RaftInvariant = {
  name: "LeaderAppendOnly",
  check(_view, { before, after, node }) {
    if (before?.role !== "leader" || after?.role !== "leader" || before.term !== after.term || before.log === after.log) return undefined;
    const end = before.log.lastIndex;
    if (after.log.lastIndex < end) return `leader ${node} shrank its log from ${end} to ${after.log.lastIndex}`;
    const k = firstChanged(before.log, after.log);
    if (k <= end && k > after.log.snapshot.index) return `leader ${node} rewrote entry ${k} (term ${before.log.termAt(k)} -> ${after.log.termAt(k)})`;
    return undefined;
  },
};

/**
 * ```tla
 * CommitIndexMonotonic == [][\A s \in Server : commitIndex'[s] >= commitIndex[s] \/ Restart(s)]_vars
 * ```
 */
export const commitIndexMonotonic: RaftInvariant = {
  name: "CommitIndexMonotonic",
  check(_view, { before, after, node }) {
    if (before === undefined || after === undefined || after.commitIndex >= before.commitIndex) return undefined;
    return `${node}'s commit index went down from ${before.commitIndex} to ${after.commitIndex}`;
  },
};

/**
 * ```tla
 * CommittedMonotonic == [][committed \subseteq committed']_vars
 * ```
 * The ghost history only grows by construction; what a step can break is a node's own share of
 * it: an entry the node had committed must stay in its log (or its snapshot) with the same term.
 */
export const committedMonotonic: RaftInvariant = {
  name: "CommittedMonotonic",
  check(_view, { before, after, node }) {
    if (before === undefined || after === undefined || before.log === after.log) return undefined;
    const k = firstChanged(before.log, after.log);
    for (let i = Math.max(k, after.log.snapshot.index + 1); i <= before.commitIndex; i++) {
      const was = before.log.termAt(i);
      const now = after.log.termAt(i);
      if (was !== undefined && now !== was) return `${node} lost committed entry ${i} (term ${was}): it now holds ${now ?? "nothing"}`;
    }
    if (after.log.snapshot.index <= before.commitIndex && before.log.termAt(after.log.snapshot.index) !== undefined && before.log.termAt(after.log.snapshot.index) !== after.log.snapshot.term) {
      return `${node}'s snapshot at ${after.log.snapshot.index} (term ${after.log.snapshot.term}) replaces committed entry of term ${before.log.termAt(after.log.snapshot.index)}`;
    }
    return undefined;
  },
};

/** The highest term each node is known to have sent, by node id (only nodes that sent one). */
export type SentTerms = Readonly<Record<NodeId, number>>;

/** The term a delivered message shows its sender held, or undefined (PreVotes propose a term they do not hold). */
function senderTerm(cause: StepInfo["cause"]): number | undefined {
  if (cause.type !== "message") return undefined;
  const msg = cause.msg as { type?: unknown; term?: unknown } | null;
  if (typeof msg !== "object" || msg === null || msg.type === "prevote" || msg.type === "prevote-reply") return undefined;
  return typeof msg.term === "number" ? msg.term : undefined;
}

/**
 * ```tla
 * SenderKeepsTerm == \A m \in net : m.term <= currentTerm[m.from]
 * ```
 * A node's term is never below a term it has put on the wire. Figure 2 keeps `currentTerm` on
 * stable storage, updated before the node answers or asks anything, so no crash can take back a
 * term others have seen: a node restarted in an older term could again accept a deposed leader
 * of that term. Checked from outside: the ghost keeps the highest term each node's delivered
 * messages carried, and the node's own term must cover it at its every step (and at delivery,
 * while it is up).
 */
export const senderKeepsTerm: RaftInvariant<SentTerms> = {
  name: "SenderKeepsTerm",
  ghost: {
    initial: {},
    update(sent, _view, { cause }) {
      const term = senderTerm(cause);
      if (term === undefined) return sent;
      const from = (cause as { readonly from: NodeId }).from;
      return term > (sent[from] ?? 0) ? { ...sent, [from]: term } : sent;
    },
  },
  check(view, { after, node, cause }, sent) {
    const own = sent[node];
    if (after !== undefined && own !== undefined && after.term < own) return `${node} is in term ${after.term} after sending messages of term ${own}: its term was not kept`;
    const term = senderTerm(cause);
    if (term === undefined) return undefined;
    const from = view.node((cause as { readonly from: NodeId }).from);
    const now = (from.state as RaftState | undefined)?.term;
    return now === undefined || now >= term ? undefined : `${from.id} sent a message of term ${term} but is in term ${now}: its term was not kept`;
  },
};

/** All eight, for the simulator and the explorer alike (they keep no history of their own: build them once). */
export function raftInvariants(): Invariant<RaftState>[] {
  return [electionSafety, logMatching, leaderCompleteness, stateMachineSafety, leaderAppendOnly, commitIndexMonotonic, committedMonotonic, senderKeepsTerm] as Invariant<RaftState>[];
}
