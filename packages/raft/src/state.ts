/** A Raft node's state, and the same state as one step changes it. */
import type { NodeId } from "@faultline/kernel";
import { freeze } from "immer";
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
  const work: MutableRaftState = {
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
  };
  // Only a follower receiving a chunked snapshot has the field: every other state keeps its shape.
  if (state.incoming != null) work.incoming = state.incoming;
  return work;
}

/**
 * The next state after a step that worked on `work` (a {@link workingCopy} of `before`): `before`
 * itself when no field changed, otherwise `work`, frozen. That is the state immer's `produce`
 * made when the changed fields were replayed into a draft — a new frozen object sharing every
 * unchanged value — without a proxy, a shallow copy and a finalize walk per step (about a third
 * of the Raft benchmark's time). Values are frozen when they enter the state; a value that is not
 * (a custom state machine's state) is frozen deeply here, as immer's auto-freeze did.
 */
export function commitWorkingCopy(before: RaftState | undefined, work: MutableRaftState): RaftState {
  if (
    before !== undefined &&
    work.term === before.term &&
    work.votedFor === before.votedFor &&
    work.log === before.log &&
    work.role === before.role &&
    work.leader === before.leader &&
    work.votes === before.votes &&
    work.commitIndex === before.commitIndex &&
    work.lastApplied === before.lastApplied &&
    work.machine === before.machine &&
    work.progress === before.progress &&
    work.lastLeaderContact === before.lastLeaderContact &&
    work.pending === before.pending &&
    (work.incoming ?? null) === (before.incoming ?? null)
  ) {
    return before;
  }
  if (typeof work.machine === "object" && work.machine !== null && !Object.isFrozen(work.machine)) freeze(work.machine, true);
  return freeze(work);
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
