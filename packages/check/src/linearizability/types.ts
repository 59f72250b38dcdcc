/**
 * The linearizability checker's vocabulary: operations, sequential models, verdicts.
 *
 * Time semantics (the same as porcupine's): an operation spans the closed interval
 * `[call, ret]`. Two operations whose intervals touch (one returns at the instant the other is
 * called) are concurrent, so at equal timestamps calls are ordered before returns. A zero-length
 * operation (`call === ret`) is valid: it takes effect at that instant.
 */

/** The output the checker passes to {@link SequentialModel.step} for an operation whose outcome is unknown. */
export const UNKNOWN: unique symbol = Symbol("unknown outcome");
/** The type of {@link UNKNOWN}. */
export type Unknown = typeof UNKNOWN;

/** An operation that got its reply: it took effect at one instant between `call` and `ret` (inclusive). */
export interface CompletedOperation<I, O> {
  readonly client: string | number;
  /** How reports name it, e.g. the request `c1#6` (set by `operationsFromHistory`; else `#index, client`). */
  readonly label?: string;
  readonly input: I;
  /** When it was invoked. */
  readonly call: number;
  /** When the reply came (`>= call`; equal for an operation served at once). */
  readonly ret: number;
  /** The reply. `undefined` is a real value ("the reply carried nothing"), never a wildcard. */
  readonly output: O;
}

/**
 * An operation whose reply never came (timed out, crashed client, run ended): it may have taken
 * effect at any instant after `call`, or not at all. Models see {@link UNKNOWN} as its output.
 */
export interface PendingOperation<I> {
  readonly client: string | number;
  /** How reports name it (see {@link CompletedOperation.label}). */
  readonly label?: string;
  readonly input: I;
  readonly call: number;
  readonly outcome: "unknown";
}

/** One client operation of a history. */
export type Operation<I, O> = CompletedOperation<I, O> | PendingOperation<I>;

/** What a model's step answers: whether the operation, with that output, fits the state, and the state after it. */
export interface StepResult<S> {
  readonly ok: boolean;
  readonly state: S;
}

/**
 * A sequential specification. Write your own for any object: `init` and `step` are enough;
 * `hash` (with `equal`) makes the search's state cache fast; `partitionKey` splits the history
 * into independent parts (per key of a store), which keeps the search small.
 *
 * @example A counter:
 * ```ts
 * const counter: SequentialModel<number, { op: "inc" } | { op: "get" }, number | undefined> = {
 *   name: "counter",
 *   init: () => 0,
 *   step: (n, input, output) =>
 *     input.op === "inc" ? { ok: true, state: n + 1 } : { ok: output === UNKNOWN || output === n, state: n },
 * };
 * ```
 */
export interface SequentialModel<S, I, O> {
  readonly name: string;
  /** The state before any operation. */
  init(): S;
  /**
   * Applies `input` to `state` (which it must not mutate). `ok` says whether `output` is what the
   * object could answer; for an operation of unknown outcome `output` is {@link UNKNOWN}, and the
   * step should accept any result (and still return the state the operation would leave).
   * Throw for an input the model does not know: the checker reports which operation it was.
   */
  step(state: S, input: I, output: O | Unknown): StepResult<S>;
  /** State equality for the search's cache; `===` when absent. */
  equal?(a: S, b: S): boolean;
  /** A 32-bit hash of a state, equal for {@link SequentialModel.equal} states; {@link hashValue} when absent (0 for objects, which is correct but slow). */
  hash?(state: S): number;
  /** The independent part an operation belongs to (a key of a store). Absent: one part. */
  partitionKey?(input: I): string | number;
  /**
   * True for an input that never changes the state (a read, a get). An operation of unknown
   * outcome with such an input is left out before the search: it changes nothing and its result
   * was never seen, so the history is linearizable with it exactly when it is without it, and
   * each one left in would multiply the search. Must be true only for inputs whose `step` returns
   * the state it was given, whatever the output.
   */
  readOnly?(input: I): boolean;
  /** Rejects an operation the model cannot handle before the search starts (returns why). */
  validate?(input: I, output: O | Unknown): string | undefined;
  /** Text of an operation for reports and pictures, such as `cas(1, 2) -> ok`. */
  describeOperation?(input: I, output: O | Unknown): string;
  /** Text of a state for reports and pictures. */
  describeState?(state: S): string;
}

/** Limits on the search (NP-hard in the worst case), and what to record. */
export interface CheckOptions {
  /**
   * For an illegal partition, also compute porcupine's partial linearizations (the longest
   * prefix containing each operation) by searching it again as far (default true). The
   * longest prefix and the failing operation are reported either way.
   */
  readonly partials?: boolean;
  /**
   * Search steps allowed over the whole check (deterministic): one per model step tried and one per
   * memo entry probed, so the budget bounds all the search's work. Smaller partitions are checked first.
   */
  readonly maxSteps?: number;
  /** Host milliseconds allowed (not deterministic: for interactive use). */
  readonly timeoutMs?: number;
  /**
   * Search every partition even after one is found illegal, so that every failing one is reported
   * (default false: the verdict is known at the first, and proving a partition illegal means
   * trying every order of it, which in a large history can take seconds per partition; the rest
   * are then left unsearched, as porcupine does).
   */
  readonly allFailures?: boolean;
}

/** A verdict: linearizable, not linearizable, or the budget ran out first. */
export type Verdict = "ok" | "illegal" | "unknown";

/** One independent part of a history and what the search found in it. */
export interface PartitionResult {
  /** Its {@link SequentialModel.partitionKey}, or undefined for an unpartitioned history. */
  readonly key: string | number | undefined;
  /** Its operations, as indices into the history, in history order. */
  readonly operations: readonly number[];
  readonly verdict: Verdict;
  /** Search steps taken (model steps tried plus memo entries probed; see {@link CheckOptions.maxSteps}). */
  readonly steps: number;
  /** True when it was not searched: an earlier partition was illegal (its verdict is then "unknown"; see {@link CheckOptions.allFailures}). */
  readonly skipped?: boolean;
  /** For "ok": the order found (pending operations missing from it never took effect). */
  readonly linearization?: readonly number[];
  /** For "illegal": the longest linearizable prefix found. */
  readonly longest?: readonly number[];
  /** For "illegal": the operation that could not be placed after {@link PartitionResult.longest} before it returned. */
  readonly failing?: number;
  /**
   * For "illegal": porcupine's partial linearizations — for each operation of the part (same
   * position as in `operations`), the index into `prefixes` of the longest linearizable prefix
   * that contains it, or -1 if none does.
   */
  readonly prefixOf?: readonly number[];
  /** For "illegal": the distinct prefixes `prefixOf` points to, longest first. */
  readonly prefixes?: readonly (readonly number[])[];
}

/** The result of {@link checkLinearizable}. */
export interface LinearizabilityResult<S, I, O> {
  readonly verdict: Verdict;
  /** `verdict === "ok"`. */
  readonly ok: boolean;
  readonly model: SequentialModel<S, I, O>;
  /** The history checked. */
  readonly operations: readonly Operation<I, O>[];
  /** Every partition, in order of first appearance in the history. */
  readonly partitions: readonly PartitionResult[];
  /** The partitions found illegal (every one searched; with {@link CheckOptions.allFailures}, every one). */
  readonly failures: readonly PartitionResult[];
  /** Search steps taken in all (model steps tried plus memo entries probed). */
  readonly steps: number;
  /** One line saying what was found. */
  readonly message: string;
}

/** Thrown for a history or model the checker cannot judge; the message names the operation. */
export class LinearizabilityInputError extends Error {
  /** The index of the offending operation in the history, when one is to blame. */
  readonly index: number | undefined;
  constructor(message: string, index?: number) {
    super(message);
    this.name = "LinearizabilityInputError";
    this.index = index;
  }
}

/** Whether an operation's outcome is unknown. */
export function isPending<I, O>(op: Operation<I, O>): op is PendingOperation<I> {
  return (op as PendingOperation<I>).outcome === "unknown";
}
