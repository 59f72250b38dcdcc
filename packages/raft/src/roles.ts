/** Role changes (etcd's becomeFollower, becomePreCandidate, becomeCandidate, becomeLeader). */
import type { NodeId } from "@faultline/kernel";
import { armElectionTimer, ELECTION_TIMER, HEARTBEAT_TIMER, peersOf, persistTermAndVote, type NodeStep } from "./context.js";
import { broadcastAppend, maybeCommit } from "./leader.js";
import { ProgressTracker } from "./progress.js";
import { isQuorum } from "./quorum.js";
import type { PendingRequest } from "./state.js";
import type { Command } from "./types.js";

/**
 * Values put into the state are frozen (shallowly) when made: immer's finalize then passes them by
 * at its first check instead of inspecting and freezing them after every step.
 */
const NO_VOTES: readonly NodeId[] = Object.freeze([]);
const NO_PENDING: readonly PendingRequest[] = Object.freeze([]);

/**
 * Follows `leader` (null: unknown) in `term`; a later term forgets the vote (§5.1). A leader
 * stepping down forgets its waiting clients without answering them (see {@link dropPending}).
 */
export function becomeFollower(node: NodeStep, term: number, leader: NodeId | null): void {
  const state = node.state;
  const wasLeader = state.role === "leader";
  if (term > state.term) {
    state.term = term;
    state.votedFor = null;
    persistTermAndVote(node);
  }
  state.role = "follower";
  state.leader = leader;
  state.votes = NO_VOTES;
  if (wasLeader) {
    node.fx.cancelTimer(HEARTBEAT_TIMER);
    dropPending(node);
    state.progress = ProgressTracker.EMPTY;
    armElectionTimer(node);
  }
}

/**
 * Forgets every waiting client, unanswered. Their entries are in the log and a later leader may
 * still commit them, so "not applied" would be a lie: the old `{ ok: false }` reply placed a write
 * that did commit at its retry, later than it took effect, and a read that saw it looked stale.
 * As with etcd's proposals on a deposed leader, the outcome is unknown: the client's timeout tells
 * it so, and the history keeps the request open (possibly applied).
 */
function dropPending(node: NodeStep): void {
  node.state.pending = NO_PENDING;
}

/** §9.6 PreVote: ask whether an election for the next term could win, without changing the term. */
export function becomePreCandidate(node: NodeStep): void {
  const state = node.state;
  state.role = "precandidate";
  state.leader = null;
  state.votes = Object.freeze([node.ctx.self]);
  const { lastIndex, lastTerm } = state.log;
  for (const peer of peersOf(node)) node.fx.send(peer, { type: "prevote", term: state.term + 1, lastIndex, lastTerm });
  if (isQuorum(state.votes.length, node.ctx.nodes.length)) becomeCandidate(node);
}

/** §5.2: "a follower increments its current term and transitions to candidate state. It then votes for itself". */
export function becomeCandidate(node: NodeStep): void {
  const state = node.state;
  state.term = state.term + 1;
  state.votedFor = node.ctx.self;
  state.role = "candidate";
  state.leader = null;
  state.votes = Object.freeze([node.ctx.self]);
  persistTermAndVote(node);
  const { lastIndex, lastTerm } = state.log;
  for (const peer of peersOf(node)) node.fx.send(peer, { type: "vote", term: state.term, lastIndex, lastTerm });
  if (isQuorum(state.votes.length, node.ctx.nodes.length)) becomeLeader(node);
}

/** §5.2–5.3: a new leader tracks every follower from the end of its log, appends its no-op (§8) and sends heartbeats. */
export function becomeLeader(node: NodeStep): void {
  const { state, fx, ctx, config } = node;
  state.role = "leader";
  state.leader = ctx.self;
  state.votes = NO_VOTES;
  state.incoming = null; // a snapshot it was receiving as a follower is of no use to a leader
  fx.cancelTimer(ELECTION_TIMER);
  state.progress = ProgressTracker.forLeader(peersOf(node), state.log.lastIndex, ctx.now());
  if (node.rules.leaderNoop) appendOwn(node, { op: "noop" });
  broadcastAppend(node);
  fx.setTimer(HEARTBEAT_TIMER, config.heartbeatIntervalMs);
  maybeCommit(node);
}

/** Appends one entry of the current term to the leader's own log, persisted before anything refers to it; returns its index. */
export function appendOwn(node: NodeStep, command: Command): number {
  const state = node.state;
  const index = state.log.lastIndex + 1;
  const entry = Object.freeze({ term: state.term, command: Object.freeze(command) });
  node.fx.persist({ type: "append", index, entries: [entry] });
  state.log = state.log.append([entry]);
  return index;
}
