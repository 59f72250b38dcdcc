/**
 * A leader's view of its followers (etcd's `tracker` package): per follower, the next index to
 * send, the highest index known replicated, and when it last answered. One immutable value, so a
 * step reads it from the draft as is and replaces it whole; each field is a small array by
 * follower slot, so a change copies a few numbers instead of an object per follower.
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

const NONE: readonly number[] = Object.freeze([]);

/** Every follower's {@link Progress}, by slot (the follower's position in `peers`); empty unless the node leads. */
export class ProgressTracker {
  /** The followers, in cluster order. */
  readonly peers: readonly NodeId[];
  /** nextIndex by slot. */
  readonly next: readonly number[];
  /** matchIndex by slot. */
  readonly match: readonly number[];
  /** Time of the last answer by slot (the leader's clock). */
  readonly lastAck: readonly number[];
  /**
   * How far the leader's own log is known durable, with `parallelLeaderWrite` (the leader writes
   * in parallel with replication): its last index when elected, then what its acknowledgements to
   * itself, sent after its writes, report. Unused otherwise.
   */
  readonly own: number;
  /** The highest index the leader asked itself to acknowledge (with `parallelLeaderWrite`): above `own`, an acknowledgement is on its way. */
  readonly ownAsked: number;

  private constructor(peers: readonly NodeId[], next: readonly number[], match: readonly number[], lastAck: readonly number[], own: number, ownAsked: number) {
    this.peers = peers;
    this.next = next;
    this.match = match;
    this.lastAck = lastAck;
    this.own = own;
    this.ownAsked = ownAsked;
    // Frozen (shallowly), so immer's finalize passes it by at the first check.
    Object.freeze(this);
  }

  /** No followers tracked. */
  static readonly EMPTY = new ProgressTracker(Object.freeze([]), NONE, NONE, NONE, 0, 0);

  /**
   * A new leader's view (§5.3): "initializes all nextIndex values to the index just after the last
   * one in its log", matchIndex 0, every follower live now. Its own log is durable up to
   * `lastIndex`: its vote requests left only after every earlier write was.
   */
  static forLeader(followers: readonly NodeId[], lastIndex: number, now: number): ProgressTracker {
    const n = followers.length;
    return new ProgressTracker(Object.freeze(followers.slice()), new Array<number>(n).fill(lastIndex + 1), new Array<number>(n).fill(0), new Array<number>(n).fill(now), lastIndex, lastIndex);
  }

  /** The slot of `peer`, or -1 when untracked. */
  slot(peer: NodeId): number {
    return this.peers.indexOf(peer);
  }

  /** The progress of `peer`, or undefined when untracked. */
  of(peer: NodeId): Progress | undefined {
    const s = this.slot(peer);
    return s < 0 ? undefined : { next: this.next[s] as number, match: this.match[s] as number, lastAck: this.lastAck[s] as number };
  }

  /** This tracker with slot `s` changed (pass the old value for a field that stays). */
  with(s: number, next: number, match: number, lastAck: number): ProgressTracker {
    const nextAll = this.next[s] === next ? this.next : replace(this.next, s, next);
    const matchAll = this.match[s] === match ? this.match : replace(this.match, s, match);
    const ackAll = this.lastAck[s] === lastAck ? this.lastAck : replace(this.lastAck, s, lastAck);
    return new ProgressTracker(this.peers, nextAll, matchAll, ackAll, this.own, this.ownAsked);
  }

  /** This tracker with every nextIndex replaced by `next` (by slot). */
  withNext(next: readonly number[]): ProgressTracker {
    return new ProgressTracker(this.peers, next, this.match, this.lastAck, this.own, this.ownAsked);
  }

  /** This tracker with the leader's own log known durable up to `own` (never lowered). */
  withOwn(own: number): ProgressTracker {
    return own <= this.own ? this : new ProgressTracker(this.peers, this.next, this.match, this.lastAck, own, this.ownAsked);
  }

  /** This tracker with the leader having asked itself to acknowledge up to `index`. */
  withOwnAsked(index: number): ProgressTracker {
    return index === this.ownAsked ? this : new ProgressTracker(this.peers, this.next, this.match, this.lastAck, this.own, index);
  }

  /** How many followers answered within `windowMs` before `now` (CheckQuorum). */
  recentlyActive(now: number, windowMs: number): number {
    let count = 0;
    for (const at of this.lastAck) if (now - at < windowMs) count++;
    return count;
  }
}

function replace(values: readonly number[], s: number, value: number): number[] {
  const out = values.slice();
  out[s] = value;
  return out;
}
