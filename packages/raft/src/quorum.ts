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
 * The highest index a majority holds: the leader's own last index and every follower's match
 * index, sorted from high to low, the majority-th one.
 */
export function quorumIndex(own: number, matches: readonly number[]): number {
  const sorted = [own];
  for (const m of matches) {
    // Insertion sort, high to low: clusters are small.
    let i = sorted.length;
    sorted.push(m);
    while (i > 0 && (sorted[i - 1] as number) < m) {
      sorted[i] = sorted[i - 1] as number;
      i--;
    }
    sorted[i] = m;
  }
  return sorted[majority(sorted.length) - 1] as number;
}
