/**
 * The safety properties of spec/raft/Raft.tla (figure 3 of the paper), one per TLA+ definition
 * and under the same name, checked after every step. The spec keeps history variables
 * (`elected`, `committed`); here each invariant keeps the same history in its closure, fed by
 * every step, so build fresh invariants for every run (`raftInvariants()`). Each check looks at
 * what the step changed, so it costs the step's size, not the run's.
 */
import type { Invariant, NodeId, StepInfo, WorldView } from "@faultline/kernel";
import { lastIndex, termAt, type LogView } from "./log.js";
import type { RaftState } from "./node.js";

type Check = (view: WorldView<RaftState>, last: StepInfo<RaftState>) => string | undefined;

function invariant(name: string, check: Check): Invariant<RaftState> {
  return { name, check };
}

/** Term of entry `i` in `after`, else in `before` (an entry applied and compacted in the same step). */
function termIn(after: LogView, before: LogView | undefined, i: number): number | undefined {
  return termAt(after, i) ?? (before === undefined ? undefined : termAt(before, i));
}

/**
 * ```tla
 * ElectionSafety == \A e, f \in elected : e.term = f.term => e.server = f.server
 * ```
 * At most one leader per term, over the whole run.
 */
export function electionSafety(): Invariant<RaftState> {
  const leaders = new Map<number, NodeId>();
  return invariant("ElectionSafety", (_view, last) => {
    const s = last.after;
    if (s?.role !== "leader") return undefined;
    const other = leaders.get(s.term);
    if (other !== undefined && other !== last.node) return `term ${s.term} has two leaders: ${other} and ${last.node}`;
    leaders.set(s.term, last.node);
    return undefined;
  });
}

/**
 * ```tla
 * LogMatching == \A s, t \in Server : \A i \in 1..Min(Len(log[s]), Len(log[t])) :
 *     log[s][i].term = log[t][i].term => SubSeq(log[s], 1, i) = SubSeq(log[t], 1, i)
 * ```
 * Checked between the node whose log a step changed and every other running node, over the
 * indices both still hold (snapshots are committed prefixes).
 */
export function logMatching(): Invariant<RaftState> {
  return invariant("LogMatching", (view, last) => {
    const a = last.after;
    const before = last.before;
    if (a === undefined || (before !== undefined && before.log === a.log && before.snapshot === a.snapshot)) return undefined;
    // The property held before this step and only this node's log changed, from index `k` on.
    // So a pair can only break at an index >= k with equal terms, and the walk down from there can
    // stop at the first index below k where the two logs agree: below it they matched already.
    const k = before === undefined ? a.snapshot.index + 1 : firstChanged(before, a);
    for (const n of view.nodes) {
      const b = n.state as RaftState | undefined;
      if (n.id === last.node || b === undefined) continue;
      const low = Math.max(a.snapshot.index, b.snapshot.index);
      const from = Math.max(k, low + 1);
      let i = Math.min(lastIndex(a), lastIndex(b));
      while (i >= from && termAt(a, i) !== termAt(b, i)) i--;
      if (i < from) continue;
      for (let j = i; j > low; j--) {
        const x = a.log[j - a.snapshot.index - 1];
        const y = b.log[j - b.snapshot.index - 1];
        const same = x === y || (x?.term === y?.term && JSON.stringify(x?.command) === JSON.stringify(y?.command));
        if (!same) return `${last.node} and ${n.id} agree on entry ${i} (term ${termAt(a, i)}) but differ at ${j}: ${JSON.stringify(x)} vs ${JSON.stringify(y)}`;
        if (j < k) break;
      }
    }
    return undefined;
  });
}

/** The first index whose entry `after` changed (appended, replaced or newly snapshotted). */
function firstChanged(before: RaftState, after: RaftState): number {
  if (before.snapshot !== after.snapshot) return Math.min(before.snapshot.index, after.snapshot.index) + 1;
  let k = Math.min(lastIndex(before), lastIndex(after));
  while (k > after.snapshot.index && before.log[k - before.snapshot.index - 1] !== after.log[k - after.snapshot.index - 1]) k--;
  return k + 1;
}

/**
 * ```tla
 * LeaderCompleteness == \A c \in committed, s \in Server :
 *     (role[s] = "leader" /\ currentTerm[s] >= c.term) => log[s][c.index] = c.entry
 * ```
 * Checked when a node becomes leader, against every entry committed so far.
 */
export function leaderCompleteness(): Invariant<RaftState> {
  // index -> the entry's term and the term in which it was committed (the spec's c.term: the
  // committing leader's term, as the first node to commit it — the leader — records it).
  const committed = new Map<number, { entry: number; in: number }>();
  return invariant("LeaderCompleteness", (_view, last) => {
    const { before, after } = last;
    if (after === undefined) return undefined;
    if (before !== undefined && after.commitIndex > before.commitIndex) {
      for (let i = before.commitIndex + 1; i <= after.commitIndex; i++) {
        const t = termIn(after, before, i);
        if (t !== undefined && !committed.has(i)) committed.set(i, { entry: t, in: after.term });
      }
    }
    if (after.role !== "leader" || before?.role === "leader") return undefined;
    for (const [index, c] of committed) {
      // A stale leader of an older term (back from a pause, say) need not hold later commits.
      if (index <= after.snapshot.index || after.term < c.in) continue;
      const mine = termAt(after, index);
      if (mine !== c.entry) return `${last.node} leads term ${after.term} without entry ${index} (term ${c.entry}) committed in term ${c.in}; it holds ${mine ?? "nothing"}`;
    }
    return undefined;
  });
}

/**
 * ```tla
 * StateMachineSafety == \A c, d \in committed : c.index = d.index => c.entry = d.entry
 * ```
 * No two nodes commit or apply different entries at the same index.
 */
export function stateMachineSafety(): Invariant<RaftState> {
  const known = new Map<number, { term: number; node: NodeId }>();
  return invariant("StateMachineSafety", (_view, last) => {
    const { before, after } = last;
    if (after === undefined || before === undefined) return undefined;
    const upTo = Math.max(after.commitIndex, after.lastApplied);
    for (let i = Math.max(before.commitIndex, before.lastApplied) + 1; i <= upTo; i++) {
      if (i <= after.snapshot.index && after.snapshot !== before.snapshot && i !== after.snapshot.index) continue; // installed snapshot
      const t = termIn(after, before, i);
      if (t === undefined) continue;
      const first = known.get(i);
      if (first === undefined) known.set(i, { term: t, node: last.node });
      else if (first.term !== t) return `index ${i}: ${first.node} committed an entry of term ${first.term}, ${last.node} one of term ${t}`;
    }
    return undefined;
  });
}

/**
 * ```tla
 * LeaderAppendOnly == [][\A s \in Server :
 *     (role[s] = "leader" /\ role'[s] = "leader") => IsPrefix(log[s], log'[s])]_vars
 * ```
 */
export function leaderAppendOnly(): Invariant<RaftState> {
  return invariant("LeaderAppendOnly", (_view, { before, after, node }) => {
    if (before?.role !== "leader" || after?.role !== "leader" || before.term !== after.term) return undefined;
    const end = lastIndex(before);
    if (lastIndex(after) < end) return `leader ${node} shrank its log from ${end} to ${lastIndex(after)}`;
    const was = termAt(before, end);
    const now = termAt(after, end);
    if (now !== undefined && now !== was) return `leader ${node} rewrote entry ${end} (term ${was} -> ${now})`;
    return undefined;
  });
}

/**
 * ```tla
 * CommitIndexMonotonic == [][\A s \in Server : commitIndex'[s] >= commitIndex[s] \/ Restart(s)]_vars
 * ```
 */
export function commitIndexMonotonic(): Invariant<RaftState> {
  return invariant("CommitIndexMonotonic", (_view, { before, after, node }) => {
    if (before === undefined || after === undefined || after.commitIndex >= before.commitIndex) return undefined;
    return `${node}'s commit index went down from ${before.commitIndex} to ${after.commitIndex}`;
  });
}

/** All six, fresh (each run needs its own: they keep history). */
export function raftInvariants(): Invariant<RaftState>[] {
  return [electionSafety(), logMatching(), leaderCompleteness(), stateMachineSafety(), leaderAppendOnly(), commitIndexMonotonic()];
}

/**
 * The same properties read from the current states only, without history, for exploration
 * (where branches of the search share invariant objects, so history would leak between them).
 * Weaker than the history versions, but each violation they report is real.
 */
export function raftStateInvariants(): Invariant<RaftState>[] {
  const live = (view: WorldView<RaftState>) => view.nodes.filter((n) => n.up && n.state !== undefined).map((n) => ({ id: n.id, s: n.state as RaftState }));
  return [
    invariant("ElectionSafety", (view) => {
      const leaders = new Map<number, NodeId>();
      for (const { id, s } of live(view)) {
        if (s.role !== "leader") continue;
        const other = leaders.get(s.term);
        if (other !== undefined) return `term ${s.term} has two leaders: ${other} and ${id}`;
        leaders.set(s.term, id);
      }
      return undefined;
    }),
    logMatching(),
    invariant("LeaderCompleteness", (view) => {
      // A node's committed entries were committed in a term no later than its own: a leader of a later term must hold them.
      const nodes = live(view);
      for (const l of nodes) {
        if (l.s.role !== "leader") continue;
        for (const x of nodes) {
          if (x.s.term >= l.s.term) continue;
          for (let i = Math.max(l.s.snapshot.index, x.s.snapshot.index) + 1; i <= x.s.commitIndex; i++) {
            if (termAt(l.s, i) !== termAt(x.s, i)) return `${l.id} leads term ${l.s.term} without entry ${i} (term ${termAt(x.s, i)}) that ${x.id} committed`;
          }
        }
      }
      return undefined;
    }),
    invariant("StateMachineSafety", (view) => {
      const nodes = live(view);
      for (const a of nodes) {
        for (const b of nodes) {
          if (a.id >= b.id) continue;
          const to = Math.min(a.s.commitIndex, b.s.commitIndex);
          for (let i = Math.max(a.s.snapshot.index, b.s.snapshot.index) + 1; i <= to; i++) {
            if (termAt(a.s, i) !== termAt(b.s, i)) return `index ${i}: ${a.id} committed an entry of term ${termAt(a.s, i)}, ${b.id} one of term ${termAt(b.s, i)}`;
          }
        }
      }
      return undefined;
    }),
    leaderAppendOnly(),
    commitIndexMonotonic(),
  ];
}
