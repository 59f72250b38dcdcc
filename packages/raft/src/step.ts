/**
 * One input to one node (etcd's `Step`): a message's term is handled here, once — a later term
 * makes the node its follower, an earlier one is answered or ignored — then votes are decided
 * the same way in every role, and everything else goes to the step of the node's role.
 */
import type { NodeId } from "@faultline/kernel";
import { stepCandidate } from "./candidate.js";
import { armElectionTimer, persistTermAndVote, type NodeStep } from "./context.js";
import { stepFollower } from "./follower.js";
import { leaderHeartbeat, propose, selfAcknowledged, stepLeader } from "./leader.js";
import { becomeCandidate, becomeFollower, becomePreCandidate } from "./roles.js";
import type { KvRequest, RaftMessage } from "./types.js";

/** A message from another node of the cluster. */
export function stepMessage(node: NodeStep, from: NodeId, msg: RaftMessage): void {
  if (from === node.ctx.self) return selfAcknowledged(node, msg);
  if (!node.ctx.nodes.includes(from)) return;
  const state = node.state;
  const term = state.term;
  if (msg.term > term) {
    // §5.1: "If a server receives a request with a larger term, it updates its term and steps
    // down". A pre-vote only proposes a term (§9.6): asking or granting one changes nobody's term.
    const proposesTerm = msg.type === "prevote" || (msg.type === "prevote-reply" && msg.granted);
    if (!proposesTerm) becomeFollower(node, msg.term, msg.type === "append" || msg.type === "snapshot" || msg.type === "snapshot-chunk" ? from : null);
  } else if (msg.term < term) {
    return answerStale(node, from, msg, term);
  }
  switch (msg.type) {
    case "prevote":
      return handlePreVote(node, from, msg);
    case "vote":
      return handleVote(node, from, msg);
  }
  switch (state.role) {
    case "leader":
      return stepLeader(node, from, msg);
    case "candidate":
    case "precandidate":
      return stepCandidate(node, from, msg);
    case "follower":
      return stepFollower(node, from, msg);
  }
}

/** §5.1: "If a server receives a request with a stale term number, it rejects the request" — with its term, so the sender steps down. Stale replies are dropped. */
function answerStale(node: NodeStep, from: NodeId, msg: RaftMessage, term: number): void {
  switch (msg.type) {
    case "append":
      return void node.fx.send(from, { type: "append-reply", term, success: false, match: 0 });
    case "snapshot":
    case "snapshot-chunk":
      return void node.fx.send(from, { type: "snapshot-reply", term, match: 0 });
    case "vote":
      return void node.fx.send(from, { type: "vote-reply", term, granted: false });
    case "prevote":
      return void node.fx.send(from, { type: "prevote-reply", term, granted: false });
    default:
      return;
  }
}

/** Figure 2, RequestVote receiver: grant when this node may vote for the candidate and its log is up to date; the vote is persisted before the reply. */
function handleVote(node: NodeStep, from: NodeId, msg: Extract<RaftMessage, { type: "vote" }>): void {
  const { state, rules } = node;
  const granted = rules.mayVoteFor(state.votedFor, from) && rules.isUpToDate(state.log, msg.lastIndex, msg.lastTerm);
  if (granted && state.votedFor === null) {
    state.votedFor = from;
    persistTermAndVote(node);
  }
  if (granted) armElectionTimer(node);
  node.fx.send(from, { type: "vote-reply", term: state.term, granted });
}

/** §9.6: grant a pre-vote for a later term to an up-to-date log, unless this node leads or heard a leader within the minimum election timeout. */
function handlePreVote(node: NodeStep, from: NodeId, msg: Extract<RaftMessage, { type: "prevote" }>): void {
  const { state, rules, ctx, config } = node;
  const leaderAlive = state.role === "leader" || (state.lastLeaderContact >= 0 && ctx.now() - state.lastLeaderContact < config.electionTimeoutMinMs);
  const granted = msg.term > state.term && !leaderAlive && rules.isUpToDate(state.log, msg.lastIndex, msg.lastTerm);
  node.fx.send(from, { type: "prevote-reply", term: granted ? msg.term : state.term, granted });
}

/** The election timer: a follower or candidate (pre-)campaigns (§5.2); leaders never arm it. */
export function electionTimeout(node: NodeStep): void {
  if (node.state.role === "leader") return;
  armElectionTimer(node);
  if (node.config.preVote) becomePreCandidate(node);
  else becomeCandidate(node);
}

/** The heartbeat timer, which only a leader arms. */
export function heartbeatTimeout(node: NodeStep): void {
  if (node.state.role === "leader") leaderHeartbeat(node);
}

/** A client request: the leader proposes it; anyone else points at the leader it knows. */
export function clientRequest(node: NodeStep, client: string, id: number, request: KvRequest): void {
  const state = node.state;
  if (state.role === "leader") return propose(node, client, id, request);
  node.fx.reply(client, id, state.leader === null ? { ok: false } : { ok: false, redirect: state.leader });
}
