/** The leader's part (etcd's stepLeader): replication, the commit rule, heartbeats and CheckQuorum, proposals. */
import type { NodeId } from "@faultline/kernel";
import { applyCommitted } from "./apply.js";
import { HEARTBEAT_TIMER, peersOf, type NodeStep } from "./context.js";
import { quorumIndex, isQuorum } from "./quorum.js";
import { appendOwn, becomeFollower } from "./roles.js";
import type { KvRequest, RaftMessage } from "./types.js";

/** A message of the current term to the leader. */
export function stepLeader(node: NodeStep, from: NodeId, msg: RaftMessage): void {
  switch (msg.type) {
    case "append-reply":
      return handleAppendReply(node, from, msg);
    case "snapshot-reply":
      node.state.progress = node.state.progress.update(from, { lastAck: node.ctx.now() });
      return replicated(node, from, msg.match);
    default:
      // Replies to an election already won, or (impossible: one leader per term) another leader's appends.
      return;
  }
}

/** Sends `peer` what it needs next: entries from its nextIndex (none: a heartbeat), or the snapshot when they are compacted. */
export function sendAppend(node: NodeStep, peer: NodeId): void {
  const { state, fx, config } = node;
  const log = state.log;
  const next = state.progress.of(peer).next;
  if (next <= log.snapshot.index) {
    fx.send(peer, { type: "snapshot", term: state.term, snapshot: log.snapshot });
    return;
  }
  const prevIndex = next - 1;
  const last = Math.min(log.lastIndex, prevIndex + config.maxEntriesPerAppend);
  const entries = log.entries(next, last);
  fx.send(peer, { type: "append", term: state.term, prevIndex, prevTerm: log.termAt(prevIndex) as number, entries, commit: state.commitIndex });
  // Pipelining: assume delivery; a failed reply or a heartbeat's answer resets nextIndex.
  if (entries.length > 0) state.progress = state.progress.update(peer, { next: last + 1 });
}

/** Sends every follower what it needs next. */
export function broadcastAppend(node: NodeStep): void {
  for (const peer of peersOf(node)) sendAppend(node, peer);
}

/** The commit rule: the highest index a majority holds commits if the rules allow it (figure 8: only entries of the current term). */
export function maybeCommit(node: NodeStep): void {
  const state = node.state;
  const matches = state.progress.matches();
  matches.push(state.log.lastIndex);
  const index = quorumIndex(matches);
  if (index > state.commitIndex && node.rules.mayCommit(state.log.termAt(index) as number, state.term)) state.commitIndex = index;
  applyCommitted(node);
}

function handleAppendReply(node: NodeStep, from: NodeId, msg: Extract<RaftMessage, { type: "append-reply" }>): void {
  const state = node.state;
  state.progress = state.progress.update(from, { lastAck: node.ctx.now() });
  if (msg.success) return replicated(node, from, msg.match);
  if (msg.conflictIndex === undefined) return;
  const log = state.log;
  let next = msg.conflictIndex;
  if (msg.conflictTerm !== undefined) {
    // Fast backtracking: if we hold entries of that term, resume after our last one; else skip the whole term.
    for (let i = log.lastIndex; i > log.snapshot.index; i--) {
      const term = log.termAt(i) as number;
      if (term === msg.conflictTerm) {
        next = i + 1;
        break;
      }
      if (term < msg.conflictTerm) break;
    }
  }
  const match = state.progress.of(from).match;
  state.progress = state.progress.update(from, { next: Math.max(Math.min(next, log.lastIndex + 1), match + 1, 1) });
  sendAppend(node, from);
}

/** A follower holds the leader's log up to `match`: advance its progress, maybe commit, send what it still lacks. */
function replicated(node: NodeStep, from: NodeId, match: number): void {
  const state = node.state;
  const progress = state.progress.of(from);
  if (match > progress.match || match + 1 > progress.next) {
    state.progress = state.progress.update(from, { match: Math.max(match, progress.match), next: Math.max(match + 1, progress.next) });
  }
  maybeCommit(node);
  if (state.progress.of(from).next <= state.log.lastIndex) sendAppend(node, from);
}

/** Heartbeat: with CheckQuorum, step down unless a majority answered within an election timeout (§6.2); then send to everyone. */
export function leaderHeartbeat(node: NodeStep): void {
  const { state, config, ctx } = node;
  if (config.checkQuorum) {
    const live = 1 + state.progress.recentlyActive(ctx.now(), config.electionTimeoutMaxMs);
    if (!isQuorum(live, ctx.nodes.length)) return becomeFollower(node, state.term, null);
  }
  broadcastAppend(node);
  node.fx.setTimer(HEARTBEAT_TIMER, config.heartbeatIntervalMs);
}

/** §8: a client's command becomes an entry of the leader's log; the client is answered once it is applied. */
export function propose(node: NodeStep, client: string, id: number, request: KvRequest): void {
  const state = node.state;
  const index = appendOwn(node, request);
  state.pending[index] = { client, id, term: state.term };
  broadcastAppend(node);
  maybeCommit(node); // a single-node cluster commits at once
}
