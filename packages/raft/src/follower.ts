/** The follower's part (etcd's stepFollower): AppendEntries and InstallSnapshot from the leader of its term. */
import type { NodeId } from "@faultline/kernel";
import { applyCommitted, installSnapshot } from "./apply.js";
import { armElectionTimer, type NodeStep } from "./context.js";
import { receiveSnapshotChunk } from "./snapshot-chunks.js";
import type { RaftMessage } from "./types.js";

/** A message of the current term to a follower. */
export function stepFollower(node: NodeStep, from: NodeId, msg: RaftMessage): void {
  switch (msg.type) {
    case "append":
      heardLeader(node, from);
      return handleAppend(node, from, msg);
    case "snapshot":
      heardLeader(node, from);
      installSnapshot(node, msg.snapshot);
      node.fx.send(from, { type: "snapshot-reply", term: node.state.term, match: Math.max(msg.snapshot.index, node.state.commitIndex) });
      return;
    case "snapshot-chunk":
      heardLeader(node, from);
      return receiveSnapshotChunk(node, from, msg);
    default:
      // Replies to a campaign or a leadership this node has left behind.
      return;
  }
}

/** §5.2: a valid message from the current leader: remember it and stay a follower (reset the election timer). */
function heardLeader(node: NodeStep, from: NodeId): void {
  const state = node.state;
  if (state.leader !== from) state.leader = from;
  state.lastLeaderContact = node.ctx.now();
  armElectionTimer(node);
}

/** Figure 2, AppendEntries receiver implementation, steps 2–5, with fast backtracking hints on a mismatch. */
function handleAppend(node: NodeStep, from: NodeId, msg: Extract<RaftMessage, { type: "append" }>): void {
  const { state, fx, rules } = node;
  const log = state.log;
  const term = state.term;
  let prevIndex = msg.prevIndex;
  let entries = msg.entries;
  if (prevIndex < log.snapshot.index) {
    // The start is inside our snapshot (committed, so it matches): skip what it covers.
    entries = entries.slice(log.snapshot.index - prevIndex);
    prevIndex = log.snapshot.index;
  } else if (prevIndex > log.lastIndex) {
    fx.send(from, { type: "append-reply", term, success: false, match: 0, conflictIndex: log.lastIndex + 1 });
    return;
  } else if (!rules.matchesAt(log, prevIndex, msg.prevTerm)) {
    // Fast backtracking: name the conflicting term and where it starts in our log.
    const conflictTerm = log.termAt(prevIndex) as number;
    let first = prevIndex;
    while (first - 1 > log.snapshot.index && log.termAt(first - 1) === conflictTerm) first--;
    fx.send(from, { type: "append-reply", term, success: false, match: 0, conflictIndex: first, conflictTerm });
    return;
  }
  const skip = rules.firstNewEntry(log, prevIndex, entries);
  if (skip < entries.length) {
    const start = prevIndex + 1 + skip;
    const rest = entries.slice(skip);
    fx.persist({ type: "append", index: start, entries: rest });
    state.log = log.replaceFrom(start, rest);
  }
  const match = prevIndex + entries.length;
  const commitIndex = state.commitIndex;
  const newCommit = rules.followerCommitIndex(commitIndex, msg.commit, match);
  if (newCommit !== commitIndex) {
    state.commitIndex = newCommit;
    applyCommitted(node);
  }
  fx.send(from, { type: "append-reply", term, success: true, match });
}
