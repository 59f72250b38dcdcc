/**
 * A leader's view of its followers (etcd's `tracker` package): per follower, the next index to
 * send, the highest index known replicated, and when it last answered. One immutable value, so a
 * step reads it from the draft as is and replaces it whole.
 */
import type { NodeId } from "@faultline/kernel";

/** What the leader knows of one follower. */
export interface Progress {
  /** The next log index to send it (figure 2's nextIndex). */
  readonly next: number;
  /** The highest index known to be replicated on it (figure 2's matchIndex). */
  readonly match: number;
  /** When it last answered, on the leader's clock (CheckQuorum reads it). */
  readonly lastAck: number;
}

/** Every follower's {@link Progress}; empty unless the node leads. */
export class ProgressTracker {
  /** Progress by follower id. */
  readonly peers: Readonly<Record<NodeId, Progress>>;

  private constructor(peers: Readonly<Record<NodeId, Progress>>) {
    this.peers = peers;
    Object.freeze(this);
  }

  /** No followers tracked. */
  static readonly EMPTY = new ProgressTracker(Object.freeze({}));

  /** A new leader's view (§5.3): nextIndex just past its log, matchIndex 0, every follower live now. */
  static forLeader(followers: readonly NodeId[], lastIndex: number, now: number): ProgressTracker {
    const peers: Record<NodeId, Progress> = {};
    for (const p of followers) peers[p] = Object.freeze({ next: lastIndex + 1, match: 0, lastAck: now });
    return new ProgressTracker(Object.freeze(peers));
  }

  /** The progress of `peer` (a fresh one when untracked). */
  of(peer: NodeId): Progress {
    return this.peers[peer] ?? { next: 1, match: 0, lastAck: -Infinity };
  }

  /** This tracker with `peer`'s progress changed by `change`. */
  update(peer: NodeId, change: Partial<Progress>): ProgressTracker {
    return new ProgressTracker(Object.freeze({ ...this.peers, [peer]: Object.freeze({ ...this.of(peer), ...change }) }));
  }

  /** Match indexes of the tracked followers, in no particular order. */
  matches(): number[] {
    const out: number[] = [];
    for (const p in this.peers) out.push((this.peers[p] as Progress).match);
    return out;
  }

  /** How many followers answered within `windowMs` before `now` (CheckQuorum). */
  recentlyActive(now: number, windowMs: number): number {
    let count = 0;
    for (const p in this.peers) if (now - (this.peers[p] as Progress).lastAck < windowMs) count++;
    return count;
  }
}
