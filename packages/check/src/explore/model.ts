/** What the explorer walks: a state space given by initial states and a next-state relation. */

/** A state invariant of a model. */
export interface ModelInvariant<S> {
  readonly name: string;
  /** What is wrong with `state`, or undefined. */
  check(state: S): string | undefined;
}

/** Where a {@link StateCodec} writes a state: 32-bit signed integers, one at a time. */
export interface WordWriter {
  push(word: number): void;
}

/**
 * A compact encoding of states as 32-bit words. Equal states, and only they, must write equal
 * words: the explorer fingerprints the words (64 bits, as TLC does) and ships them between
 * worker threads, so `decode(encode(s))` must give a state with the same successors as `s`.
 */
export interface StateCodec<S> {
  encode(state: S, out: WordWriter): void;
  /** Reads back a state from `words` (exactly the words one `encode` wrote). */
  decode(words: Int32Array): S;
}

/**
 * A state space, like a TLA+ spec: `init` and `next` are Init and Next. States with equal
 * fingerprints are the same state and are explored once; the fingerprint is a 64-bit hash of
 * `codec`'s words when there is a codec (needed for worker threads, and fastest), else of the
 * `fingerprint` string. `next` must be deterministic: counterexample paths are rebuilt by
 * replaying it.
 */
export interface Model<S> {
  init(): Iterable<S>;
  /** Every successor of `state`, each with a label naming the step (for counterexample paths). */
  next(state: S): Iterable<readonly [string, S]>;
  /** A canonical text of `state` (e.g. JSON with sorted keys); used when there is no codec. */
  fingerprint?(state: S): string;
  readonly codec?: StateCodec<S>;
  readonly invariants?: readonly ModelInvariant<S>[];
}

/**
 * A model that worker threads can load: `module` (a path or file URL, resolved against the
 * working directory when relative) exports `export`, either a {@link Model} (with a codec) or a
 * function returning one, called with `args` (which must survive structured cloning). Each
 * worker and the main thread build their own copy, so the model must not rely on shared
 * mutable state. A TypeScript module is loaded in workers through tsx, found beside the module
 * (the main thread must already be able to import it, e.g. under `node --import tsx`).
 */
export interface ModelModule {
  readonly module: string | URL;
  readonly export: string;
  readonly args?: readonly unknown[];
}
