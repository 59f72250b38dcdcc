/**
 * From the kernel's client history to the checker, and a ready check usable as a simulator
 * invariant or as the property runner's `after` check.
 */
import type { HistoryEntry, Invariant, SimulationResult, WorldView } from "@faultline/kernel";
import { checkLinearizable } from "./check.js";
import type { CheckOptions, LinearizabilityResult, Operation, SequentialModel } from "./types.js";

/**
 * Maps one history entry to the model's input and output; `res` is undefined when no reply came.
 * Return `undefined` to leave the entry out: a reply that says the request was not applied (a
 * redirect, say), or an unanswered read (it changed nothing and showed nothing).
 */
export type ToOperation<I, O> = (req: unknown, res: unknown, entry: HistoryEntry) => { readonly input: I; readonly output?: O } | undefined;

/** Options of {@link operationsFromHistory} and {@link linearizableHistory}. */
export interface HistoryOptions<I, O> {
  /** Default: the request is the input and the reply the output. */
  readonly toOperation?: ToOperation<I, O>;
  /**
   * Names the logical operation an entry is an attempt of (say a write's session: client and
   * sequence number), or undefined for an operation of its own. A client that retries after a
   * timeout or a redirect makes one request per attempt, but a store that deduplicates them applies
   * the write once: its attempts (of one client, with the same key) become ONE operation, called at
   * the first attempt that may have been applied (not one `toOperation` drops as refused) and returned by the first answered attempt `toOperation` keeps; with none
   * answered it stays of unknown outcome if any attempt may have been applied. Counting each
   * attempt as a write of its own would place the write again at a retry answered from the
   * deduplication table, after writes that really came later, and report a correct store as stale.
   */
  readonly attemptOf?: (entry: HistoryEntry) => string | undefined;
}

/**
 * Turns a kernel client history into operations, in the order of their first attempt. Entries with
 * no reply get `outcome: "unknown"`; attempts of one operation are merged (see {@link HistoryOptions.attemptOf}).
 */
export function operationsFromHistory<I, O>(history: readonly HistoryEntry[], options: HistoryOptions<I, O> = {}): Operation<I, O>[] {
  const out: (Operation<I, O> | undefined)[] = [];
  // Per logical operation (client and key): its slot in `out`, its first call that may have been
  // applied (an attempt `toOperation` drops was refused: it cannot have taken effect), whether it is done.
  const groups = new Map<string, { slot: number; call: number | undefined; done: boolean }>();
  for (const h of history) {
    const answered = h.completedAt !== undefined;
    const mapped = options.toOperation ? options.toOperation(h.req, answered ? h.res : undefined, h) : { input: h.req as I, output: h.res as O };
    const key = options.attemptOf?.(h);
    if (key === undefined) {
      if (mapped !== undefined) out.push(operationOf(h, mapped, h.invokedAt));
      continue;
    }
    const id = `${h.client}\u0000${key}`;
    let group = groups.get(id);
    if (group === undefined) {
      group = { slot: out.length, call: undefined, done: false };
      groups.set(id, group);
      out.push(undefined);
    }
    if (mapped === undefined || group.done) continue;
    group.call ??= h.invokedAt;
    // The attempt that answered names a merged operation (else the first that may have applied).
    if (answered) {
      out[group.slot] = operationOf(h, mapped, group.call);
      group.done = true;
    } else out[group.slot] ??= operationOf(h, mapped, group.call);
  }
  return out.filter((o): o is Operation<I, O> => o !== undefined);
}

/**
 * The operation of history entry `h` (its input and output `mapped`), called at `call`: completed
 * when `h` was answered, else of unknown outcome. Labelled with the request as the trace names it
 * (`c1#6`), so a report can be matched to the trace.
 */
function operationOf<I, O>(h: HistoryEntry, mapped: { input: I; output?: O }, call: number): Operation<I, O> {
  const label = `${h.client}#${h.id}`;
  if (h.completedAt === undefined) return { client: h.client, label, input: mapped.input, call, outcome: "unknown" };
  return { client: h.client, label, input: mapped.input, output: mapped.output as O, call, ret: h.completedAt };
}

/** Options of {@link linearizableHistory}. */
export interface LinearizableHistoryOptions<I, O> extends HistoryOptions<I, O> {
  /** The invariant checks again once this many more replies came in since its last check (default 1: every reply). */
  readonly every?: number;
  /** Limits each check; an "unknown" verdict is not reported as a violation. */
  readonly budget?: CheckOptions;
  /** The invariant's name (default "linearizable"). */
  readonly name?: string;
}

/** A linearizability check of a run's client history, as a kernel {@link Invariant} and as a property runner `after` check. */
export interface LinearizableHistoryCheck<S, I, O> extends Invariant {
  /** For `checkProperty({ after })`: a message when the run's history is not linearizable. */
  readonly after: (result: SimulationResult) => string | undefined;
  /** As an invariant: a message once the history so far is not linearizable (checked every `every` replies). */
  check(view: WorldView): string | undefined;
  /** The full result for a history, for reports and `renderHistoryHtml`. */
  result(history: readonly HistoryEntry[]): LinearizabilityResult<S, I, O>;
}

/**
 * A ready linearizability check. As an invariant it checks the history seen so far (unanswered
 * operations as unknown outcome) whenever `every` more replies have come in: a prefix that is
 * not linearizable can never become so. As `after` it checks the whole run's history.
 *
 * @example
 * ```ts
 * const linear = linearizableHistory(kvModel, { toOperation: (req, res) => (res && !res.ok ? undefined : { input: req, output: res }) });
 * checkProperty({ system, after: linear.after });
 * ```
 */
export function linearizableHistory<S, I, O>(model: SequentialModel<S, I, O>, options: LinearizableHistoryOptions<I, O> = {}): LinearizableHistoryCheck<S, I, O> {
  const every = options.every ?? 1;
  if (!(every >= 1)) throw new RangeError(`every must be >= 1, got ${String(every)}`);
  // Replies seen at the last check, per history array (one per run, so invariants can be shared across runs).
  const seen = new WeakMap<readonly HistoryEntry[], number>();
  const result = (history: readonly HistoryEntry[]) => checkLinearizable(operationsFromHistory(history, options), model, options.budget);
  const verdict = (history: readonly HistoryEntry[]) => {
    const r = result(history);
    return r.verdict === "illegal" ? r.message : undefined;
  };
  return {
    name: options.name ?? "linearizable",
    check(view: WorldView) {
      let replies = 0;
      for (const h of view.history) if (h.completedAt !== undefined) replies++;
      if (replies - (seen.get(view.history) ?? 0) < every) return undefined;
      seen.set(view.history, replies);
      return verdict(view.history);
    },
    after: (r: SimulationResult) => verdict(r.history),
    result,
  };
}
