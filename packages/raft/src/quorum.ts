/** Majority arithmetic (etcd's `quorum` package): how many make a quorum, and what a quorum holds. */

/** Votes (or replicas) a cluster of `size` nodes needs for a majority. */
export function majority(size: number): number {
  return Math.floor(size / 2) + 1;
}

/** True when `count` of `size` nodes make a majority. */
export function isQuorum(count: number, size: number): boolean {
  return count >= majority(size);
}

/**
 * The highest index that a majority holds, given every node's match index (the leader's own last
 * index included): sorted from high to low, the majority-th one.
 */
export function quorumIndex(matches: readonly number[]): number {
  const sorted = matches.slice().sort((a, b) => b - a);
  return sorted[majority(matches.length) - 1] ?? 0;
}
