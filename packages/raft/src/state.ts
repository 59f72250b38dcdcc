/** A Raft node's state, and the same state as one step changes it. */
import type { NodeId } from "@faultline/kernel";
import type { RaftLog } from "./log.js";
import { ProgressTracker } from "./progress.js";
import type { DurableState } from "./records.js";

/** A node's role. A pre-candidate asks for pre-votes before it disturbs anyone's term. */
export type Role = "follower" | "precandidate" | "candidate" | "leader";

/** A client request waiting for its entry to be applied (volatile: lost with the leader's memory). */
export interface PendingRequest {
  readonly client: string;
  readonly id: number;
  /** The term the entry was appended in: if another entry is applied at its index, it was lost. */
  readonly term: number;
}

/** A Raft node's state. Persistent: term, votedFor, log (with its snapshot). The rest is volatile. */
export interface RaftState {
  readonly term: number;
  readonly votedFor: NodeId | null;
  /** The snapshot and the entries after it (read it with its methods, e.g. `log.termAt(i)`). */
  readonly log: RaftLog;
  readonly role: Role;
  /** The leader of `term` as far as this node knows. */
  readonly leader: NodeId | null;
  /** Pre-votes or votes granted to this node in the current attempt (itself included). */
  readonly votes: readonly NodeId[];
  readonly commitIndex: number;
  readonly lastApplied: number;
  /** The state machine after `lastApplied`. */
  readonly machine: unknown;
  /** Leader only: what it knows of each follower (nextIndex, matchIndex, last answer). */
  readonly progress: ProgressTracker;
  /** When this node last heard from a current leader (its clock); -1 if never. PreVote reads it. */
  readonly lastLeaderContact: number;
  /** Leader only: clients waiting, by log index. */
  readonly pending: Readonly<Record<number, PendingRequest>>;
}

/**
 * The state as a step changes it: an immer draft in the reducer. The log and the progress
 * tracker are immutable values that immer hands out as they are; a step replaces them whole.
 */
export type MutableRaftState = {
  -readonly [K in keyof RaftState]: RaftState[K];
} & { votes: NodeId[]; pending: Record<number, PendingRequest> };

/** A node's state at boot: the durable part restored, everything volatile fresh. */
export function bootState(durable: DurableState): RaftState {
  const snapshot = durable.log.snapshot;
  return {
    term: durable.term,
    votedFor: durable.votedFor,
    log: durable.log,
    role: "follower",
    leader: null,
    votes: [],
    commitIndex: snapshot.index,
    lastApplied: snapshot.index,
    machine: snapshot.machine,
    progress: ProgressTracker.EMPTY,
    lastLeaderContact: -1,
    pending: {},
  };
}
