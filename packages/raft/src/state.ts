/** A Raft node's state, and the same state as one step changes it. */
import type { NodeId } from "@faultline/kernel";
import type { RaftLog } from "./log.js";
import { ProgressTracker } from "./progress.js";
import type { DurableState } from "./records.js";

/** A node's role. A pre-candidate asks for pre-votes before it disturbs anyone's term. */
export type Role = "follower" | "precandidate" | "candidate" | "leader";

/** A client request waiting for its entry to be applied (volatile: lost with the leader's memory). */
export interface PendingRequest {
  /** The log index of its entry. */
  readonly index: number;
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
  /** Leader only: clients waiting, in log order. */
  readonly pending: readonly PendingRequest[];
  /** Follower only: a chunked snapshot being received (volatile: lost with memory, sent again); absent means none. */
  readonly incoming?: IncomingSnapshot | null;
}

/** The part of a chunked snapshot received so far (§7: the follower's "snapshot file"). */
export interface IncomingSnapshot {
  readonly index: number;
  readonly term: number;
  /** UTF-16 units received: the offset the next chunk must have. */
  readonly received: number;
  /** The chunks' data, in order. */
  readonly parts: readonly string[];
}

/**
 * The state as a step changes it: a shallow working copy of {@link RaftState}. Every field holds
 * a primitive or an immutable value (the log, the progress tracker, frozen arrays and records),
 * so a step changes a field by replacing its value, never by changing the value in place.
 */
export type MutableRaftState = { -readonly [K in keyof RaftState]: RaftState[K] };

/** A working copy of `state` (a shallow copy, field by field: spreading a frozen object is slow). */
export function workingCopy(state: RaftState): MutableRaftState {
  return {
    term: state.term,
    votedFor: state.votedFor,
    log: state.log,
    role: state.role,
    leader: state.leader,
    votes: state.votes,
    commitIndex: state.commitIndex,
    lastApplied: state.lastApplied,
    machine: state.machine,
    progress: state.progress,
    lastLeaderContact: state.lastLeaderContact,
    pending: state.pending,
    incoming: state.incoming ?? null,
  };
}

/** Writes into `target` (an immer draft of `before`) every field `work` changed. */
export function commitChanges(before: RaftState, work: MutableRaftState, target: MutableRaftState): void {
  if (work.term !== before.term) target.term = work.term;
  if (work.votedFor !== before.votedFor) target.votedFor = work.votedFor;
  if (work.log !== before.log) target.log = work.log;
  if (work.role !== before.role) target.role = work.role;
  if (work.leader !== before.leader) target.leader = work.leader;
  if (work.votes !== before.votes) target.votes = work.votes;
  if (work.commitIndex !== before.commitIndex) target.commitIndex = work.commitIndex;
  if (work.lastApplied !== before.lastApplied) target.lastApplied = work.lastApplied;
  if (work.machine !== before.machine) target.machine = work.machine;
  if (work.progress !== before.progress) target.progress = work.progress;
  if (work.lastLeaderContact !== before.lastLeaderContact) target.lastLeaderContact = work.lastLeaderContact;
  if (work.pending !== before.pending) target.pending = work.pending;
  if ((work.incoming ?? null) !== (before.incoming ?? null)) target.incoming = work.incoming ?? null;
}

/** A node's state at boot: the durable part restored, everything volatile fresh. */
export function bootState(durable: DurableState): RaftState {
  const snapshot = durable.log.snapshot;
  return {
    term: durable.term,
    votedFor: durable.votedFor,
    log: durable.log,
    role: "follower",
    leader: null,
    votes: Object.freeze([]),
    commitIndex: snapshot.index,
    lastApplied: snapshot.index,
    machine: snapshot.machine,
    progress: ProgressTracker.EMPTY,
    lastLeaderContact: -1,
    pending: Object.freeze([]),
    incoming: null,
  };
}
