/** What the explorer walks: a state space given by initial states and a next-state relation. */

/** A state invariant of a model. */
export interface ModelInvariant<S> {
  readonly name: string;
  /** What is wrong with `state`, or undefined. */
  check(state: S): string | undefined;
}

/**
 * A state space, like a TLA+ spec: `init` and `next` are Init and Next, `fingerprint` is TLC's
 * state hash (equal fingerprints are the same state and are explored once).
 */
export interface Model<S> {
  init(): Iterable<S>;
  /** Every successor of `state`, each with a label naming the step (for counterexample paths). */
  next(state: S): Iterable<readonly [string, S]>;
  fingerprint(state: S): string;
  readonly invariants?: readonly ModelInvariant<S>[];
}
