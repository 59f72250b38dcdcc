/**
 * Test-only Raft mutants: each replaces one of the reducer's decision rules (see `RaftRules` in
 * src/rules.ts) by a classic mistake, so tests and the mutation bench can show a checker catches
 * it. Nothing here ships: the package's reducer always runs `defaultRaftRules`.
 */
import { createRaftProtocol, defaultRaftRules, type Command, type RaftConfigInput, type RaftProtocol, type RaftRules, type StateMachine } from "@faultline/raft";

/** One planted mistake. */
export interface RaftMutant {
  /** A stable name, as the mutation bench and its command line spell it. */
  readonly name: string;
  /** The mistake, and the rule of the paper it breaks. */
  readonly description: string;
  /** The rules it replaces; every other rule stays as the paper states it. */
  readonly rules: Partial<RaftRules>;
}

/** The mutants, by name. */
export const RAFT_MUTANTS: readonly RaftMutant[] = [
  {
    name: "commit-previous-term-by-count",
    description: "figure 8 (§5.4.2): commits an entry of an earlier term once a majority holds it, instead of only entries of the leader's term",
    rules: { mayCommit: () => true },
  },
  {
    name: "vote-twice",
    description: "RequestVote step 2: grants a vote whatever votedFor says, so two candidates win one term",
    rules: { mayVoteFor: () => true },
  },
  {
    name: "vote-without-log-check",
    description: "§5.4.1: grants votes without the up-to-date check, so a leader may lack committed entries",
    rules: { isUpToDate: () => true },
  },
  {
    name: "up-to-date-by-length",
    description: "§5.4.1: compares logs by length only, not by last term first",
    rules: { isUpToDate: (log, candidateLastIndex) => candidateLastIndex >= log.lastIndex },
  },
  {
    name: "append-without-consistency-check",
    description: "AppendEntries step 2: accepts entries without checking prevLogIndex/prevLogTerm",
    rules: { matchesAt: () => true },
  },
  {
    name: "truncate-on-every-append",
    description: "AppendEntries step 3: deletes everything after prevLogIndex even without a conflict, so a stale append cuts acknowledged entries",
    rules: { firstNewEntry: () => 0 },
  },
  {
    name: "follower-commits-past-new-entries",
    description: "AppendEntries step 5: takes leaderCommit as is, not min(leaderCommit, index of last new entry)",
    rules: { followerCommitIndex: (commitIndex, leaderCommit) => Math.max(commitIndex, leaderCommit) },
  },
];

/** The mutant named `name`; throws naming the known ones otherwise. */
export function raftMutant(name: string): RaftMutant {
  const found = RAFT_MUTANTS.find((m) => m.name === name);
  if (found === undefined) throw new Error(`unknown Raft mutant "${name}" (known: ${RAFT_MUTANTS.map((m) => m.name).join(", ")})`);
  return found;
}

/** The rules of mutant `name`: the paper's, with the mutant's replacements. */
export function mutantRules(name: string): RaftRules {
  return { ...defaultRaftRules, ...raftMutant(name).rules };
}

/** A Raft reducer with mutant `name` planted, named `raft-<name>` in reports. */
export function mutantProtocol(name: string, config: RaftConfigInput = {}, machine?: StateMachine<any, Command, any>): RaftProtocol {
  return createRaftProtocol({ config, machine, rules: mutantRules(name), name: `raft-${name}` });
}
