/**
 * The decisions the reducer takes from figure 2 of the paper, each a small function the reducer
 * composes through a {@link RaftRules} object. The shipped reducer uses {@link defaultRaftRules};
 * tests and the mutation bench build reducers with one rule replaced by a classic mistake (see
 * packages/raft/test/mutants), so no planted bug lives in shipped code.
 * @packageDocumentation
 */
import type { NodeId } from "@faultline/kernel";
import type { RaftLog } from "./log.js";
import type { Entry } from "./types.js";

/**
 * The rules a Raft node decides by. Replace one (`{ ...defaultRaftRules, mayCommit: ... }`) to
 * build a mutant with {@link createRaftProtocol}.
 * @internal For tests and the mutation bench; the shipped reducer always uses {@link defaultRaftRules}.
 */
export interface RaftRules {
  /**
   * Figure 2, rules for leaders: "If there exists an N such that N > commitIndex, a majority of
   * matchIndex[i] ≥ N, and log[N].term == currentTerm: set commitIndex = N" (§5.3, §5.4). Asked
   * for the highest index a majority holds.
   */
  mayCommit(entryTerm: number, currentTerm: number): boolean;
  /** §5.4.1: is a candidate's log (last index and term) at least as up-to-date as `log`? */
  isUpToDate(log: RaftLog, candidateLastIndex: number, candidateLastTerm: number): boolean;
  /** RequestVote receiver, step 2: "If votedFor is null or candidateId" (and the log check passes), grant. */
  mayVoteFor(votedFor: NodeId | null, candidate: NodeId): boolean;
  /**
   * AppendEntries receiver, step 2: "Reply false if log doesn't contain an entry at prevLogIndex
   * whose term matches prevLogTerm". Asked only when the log reaches `prevIndex`.
   */
  matchesAt(log: RaftLog, prevIndex: number, prevTerm: number): boolean;
  /**
   * AppendEntries receiver, steps 3–4: the position in `entries` (which follow `prevIndex`) from
   * which the log must be rewritten: the first entry that conflicts with the log or extends it.
   * "If an existing entry conflicts with a new one (same index but different terms), delete the
   * existing entry and all that follow it"; entries already held stay (a stale, shorter append
   * must not cut the log).
   */
  firstNewEntry(log: RaftLog, prevIndex: number, entries: readonly Entry[]): number;
  /** AppendEntries receiver, step 5: "set commitIndex = min(leaderCommit, index of last new entry)", never lowering it. */
  followerCommitIndex(commitIndex: number, leaderCommit: number, lastNewIndex: number): number;
  /** §8: a new leader appends a no-op entry of its term, so it learns what is committed. */
  readonly leaderNoop: boolean;
}

/** The rules as the paper states them. @internal */
export const defaultRaftRules: RaftRules = Object.freeze({
  mayCommit: (entryTerm: number, currentTerm: number) => entryTerm === currentTerm,
  isUpToDate(log: RaftLog, candidateLastIndex: number, candidateLastTerm: number) {
    const mine = log.lastTerm;
    return candidateLastTerm > mine || (candidateLastTerm === mine && candidateLastIndex >= log.lastIndex);
  },
  mayVoteFor: (votedFor: NodeId | null, candidate: NodeId) => votedFor === null || votedFor === candidate,
  matchesAt: (log: RaftLog, prevIndex: number, prevTerm: number) => log.termAt(prevIndex) === prevTerm,
  firstNewEntry(log: RaftLog, prevIndex: number, entries: readonly Entry[]) {
    let i = 0;
    while (i < entries.length && log.termAt(prevIndex + 1 + i) === (entries[i] as Entry).term) i++;
    return i;
  },
  followerCommitIndex: (commitIndex: number, leaderCommit: number, lastNewIndex: number) => Math.max(commitIndex, Math.min(leaderCommit, lastNewIndex)),
  leaderNoop: true,
});
