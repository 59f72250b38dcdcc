/**
 * Seeded random streams. One run seed fans out into independent named streams (network,
 * faults, workload, one per node) so that adding a node or a fault does not shift every other
 * stream.
 */
import seedrandom from "seedrandom";

/** A seeded stream of uniform numbers in [0, 1). */
export interface Rng {
  /** The next number in [0, 1). */
  next(): number;
  /** A whole number in [min, max] (both inclusive). */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
  /** An independent copy that continues from the same position. */
  clone(): Rng;
}

/** Creates the stream `stream` of run seed `seed` (Alea: fast, and identical on every platform). */
export function createRng(seed: string, stream: string): Rng {
  return aleaRng(seedrandom.alea(`${seed}\u0000${stream}`, { state: true }));
}

function aleaRng(prng: seedrandom.StatefulPRNG<seedrandom.State.Alea>): Rng {
  // `prng` itself is the stream's `next` (no wrapper call per number: the network draws one per message).
  return rngFrom(prng, () => aleaRng(seedrandom.alea("", { state: prng.state() })));
}

/** Wraps a function returning uniform numbers in [0, 1) as an {@link Rng}; `clone` copies its position if it can. */
export function rngFrom(next: () => number, clone?: () => Rng): Rng {
  return {
    next,
    clone:
      clone ??
      (() => {
        throw new Error("this random stream cannot be cloned");
      }),
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => p > 0 && next() < p,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new RangeError("pick: empty array");
      return items[Math.floor(next() * items.length)] as T;
    },
  };
}
