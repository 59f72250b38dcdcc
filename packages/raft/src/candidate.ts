/** The (pre-)candidate's part (etcd's stepCandidate): counting pre-votes and votes. */
import type { NodeId } from "@faultline/kernel";
import type { NodeStep } from "./context.js";
import { stepFollower } from "./follower.js";
import { isQuorum } from "./quorum.js";
import { becomeCandidate, becomeFollower, becomeLeader } from "./roles.js";
import type { RaftMessage } from "./types.js";

/** A message of the current term (or, for a granted pre-vote, the next one) to a pre-candidate or candidate. */
export function stepCandidate(node: NodeStep, from: NodeId, msg: RaftMessage): void {
  const state = node.state;
  switch (msg.type) {
    case "append":
    case "snapshot":
    case "snapshot-chunk":
      // §5.2: "If the leader's term is at least as large as the candidate's current term, then
      // the candidate recognizes the leader as legitimate and returns to follower state."
      becomeFollower(node, state.term, from);
      return stepFollower(node, from, msg);
    case "prevote-reply":
      if (state.role !== "precandidate" || !msg.granted || msg.term !== state.term + 1) return;
      if (countVote(node, from)) becomeCandidate(node);
      return;
    case "vote-reply":
      if (state.role !== "candidate" || !msg.granted) return;
      if (countVote(node, from)) becomeLeader(node);
      return;
    default:
      return;
  }
}

/** Records `from`'s grant (once); true when the grants now make a majority. */
function countVote(node: NodeStep, from: NodeId): boolean {
  const votes = node.state.votes;
  if (votes.includes(from)) return false;
  node.state.votes = Object.freeze([...votes, from]);
  return isQuorum(votes.length + 1, node.ctx.nodes.length);
}
