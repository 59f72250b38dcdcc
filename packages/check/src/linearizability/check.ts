/**
 * {@link checkLinearizable}: validates a history, splits it into the model's partitions, searches
 * each (smallest first, sharing one budget) and reports every partition's verdict.
 */
import { search, StepError, type SearchBudget, type SearchInput } from "./search.js";
import {
  isPending,
  LinearizabilityInputError,
  UNKNOWN,
  type CheckOptions,
  type LinearizabilityResult,
  type Operation,
  type PartitionResult,
  type SequentialModel,
  type Unknown,
  type Verdict,
} from "./types.js";

/** Text naming an operation in errors and reports: `#3 (client c1, write(2))`. */
export function describeOperationAt<S, I, O>(model: SequentialModel<S, I, O>, ops: readonly Operation<I, O>[], i: number): string {
  const op = ops[i] as Operation<I, O>;
  // A label names the request as the trace does (`c1#6`), so the report can be matched to it.
  return `#${i} (${typeof op.label === "string" ? `request ${op.label}` : `client ${String(op.client)}`}, ${operationText(model, op)})`;
}

/** The model's text for an operation, or its input and output as JSON. */
export function operationText<S, I, O>(model: SequentialModel<S, I, O>, op: Operation<I, O>): string {
  const output = isPending(op) ? UNKNOWN : op.output;
  try {
    if (model.describeOperation) return model.describeOperation(op.input, output);
  } catch {
    // fall back to JSON below
  }
  const json = (v: unknown) => {
    try {
      return JSON.stringify(v) ?? String(v);
    } catch {
      return String(v);
    }
  };
  return `${json(op.input)} -> ${output === UNKNOWN ? "unknown" : json(output)}`;
}

/** Why operation `op` is malformed, or undefined (a plain loop body: this runs once per operation). */
function problem<S, I, O>(model: SequentialModel<S, I, O>, op: Operation<I, O>): string | undefined {
  if (typeof op.call !== "number" || !Number.isFinite(op.call)) return `has call time ${String(op.call)}: expected a finite number`;
  const ret = (op as { ret?: unknown }).ret;
  const pending = isPending(op);
  if (pending) {
    if (ret !== undefined) return `has outcome "unknown" and a ret time: give one or the other`;
  } else if (typeof ret !== "number" || !Number.isFinite(ret)) {
    return `has ret ${String(ret)}: expected a finite time, or outcome: "unknown" for an operation that got no reply`;
  } else if (ret < op.call) {
    return `returns at ${ret}, before its call at ${op.call}`;
  }
  if (model.validate === undefined) return undefined;
  let why: string | undefined;
  try {
    why = model.validate(op.input, pending ? UNKNOWN : op.output);
  } catch (err) {
    why = (err as Error).message;
  }
  return why === undefined ? undefined : `does not fit model "${model.name}": ${why}`;
}

function validate<S, I, O>(model: SequentialModel<S, I, O>, ops: readonly Operation<I, O>[]): void {
  if (!Array.isArray(ops)) throw new LinearizabilityInputError("checkLinearizable expects an array of operations");
  if (typeof model?.init !== "function" || typeof model.step !== "function") throw new LinearizabilityInputError("checkLinearizable expects a model with init() and step()");
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i] as Operation<I, O>;
    if (op === null || typeof op !== "object") throw new LinearizabilityInputError(`operation #${i} is not an object`, i);
    const why = problem(model, op);
    if (why !== undefined) throw new LinearizabilityInputError(`operation ${describeOperationAt(model, ops, i)} ${why}`, i);
  }
}

function partitions<S, I, O>(model: SequentialModel<S, I, O>, ops: readonly Operation<I, O>[]): { key: string | number | undefined; ops: number[] }[] {
  if (!model.partitionKey) return [{ key: undefined, ops: ops.map((_, i) => i) }];
  const byKey = new Map<string | number, number[]>();
  ops.forEach((op, i) => {
    let key: unknown;
    try {
      key = model.partitionKey?.(op.input);
    } catch (err) {
      throw new LinearizabilityInputError(`model "${model.name}" could not partition operation ${describeOperationAt(model, ops, i)}: ${(err as Error).message}`, i);
    }
    if (typeof key !== "string" && typeof key !== "number") throw new LinearizabilityInputError(`model "${model.name}" gave partition key ${String(key)} for operation ${describeOperationAt(model, ops, i)}: expected a string or number`, i);
    const list = byKey.get(key);
    if (list) list.push(i);
    else byKey.set(key, [i]);
  });
  return [...byKey].map(([key, list]) => ({ key, ops: list }));
}

/**
 * Entries (2i call, 2i+1 return) in time order; at equal times calls first (closed intervals:
 * touching operations are concurrent), then by index. Two native numeric sorts, no comparator:
 * each entry's key is (rank of its time, return?, entry), exact in a double below 2^53.
 */
function timeOrder(time: Float64Array): Int32Array {
  const m = time.length;
  const distinct = Float64Array.from(time).sort();
  let d = 0;
  for (let k = 0; k < m; k++) if (k === 0 || distinct[k] !== distinct[d - 1]) distinct[d++] = distinct[k] as number;
  const keys = new Float64Array(m);
  for (let e = 0; e < m; e++) {
    const t = time[e] as number;
    let lo = 0;
    let hi = d - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((distinct[mid] as number) < t) lo = mid + 1;
      else hi = mid;
    }
    keys[e] = (lo * 2 + (e & 1)) * m + e;
  }
  keys.sort();
  const order = new Int32Array(m);
  for (let k = 0; k < m; k++) order[k] = (keys[k] as number) % m;
  return order;
}

/**
 * `members` without the operations of unknown outcome the model calls read-only: they change no
 * state and showed nothing, so the verdict is the same without them, and each one kept would
 * multiply the search (see {@link SequentialModel.readOnly}).
 */
function withoutUnansweredReads<S, I, O>(model: SequentialModel<S, I, O>, ops: readonly Operation<I, O>[], members: number[]): number[] {
  const readOnly = model.readOnly;
  if (readOnly === undefined) return members;
  return members.filter((g) => {
    const op = ops[g] as Operation<I, O>;
    if (!isPending(op)) return true;
    try {
      return readOnly.call(model, op.input) !== true;
    } catch (err) {
      throw new LinearizabilityInputError(`model "${model.name}" could not tell whether operation ${describeOperationAt(model, ops, g)} is read-only: ${(err as Error).message}`, g);
    }
  });
}

function prepare<I, O>(ops: readonly Operation<I, O>[], members: readonly number[]): SearchInput<I, O> {
  const n = members.length;
  const inputs: I[] = new Array<I>(n);
  const outputs: (O | Unknown)[] = new Array<O | Unknown>(n);
  const pending = new Uint8Array(n);
  const time = new Float64Array(2 * n);
  members.forEach((g, i) => {
    const op = ops[g] as Operation<I, O>;
    inputs[i] = op.input;
    time[2 * i] = op.call;
    if (isPending(op)) {
      pending[i] = 1;
      outputs[i] = UNKNOWN;
      time[2 * i + 1] = Infinity;
    } else {
      outputs[i] = op.output;
      time[2 * i + 1] = op.ret;
    }
  });
  return { inputs, outputs, pending, order: timeOrder(time) };
}

/**
 * Checks that a history is linearizable with respect to `model`: that some order of its operations
 * respects real time (an operation that returned before another was called comes first) and is a
 * run of the model. Operations with `outcome: "unknown"` may take effect at any time after their
 * call, or never. Partitions are searched smallest first, up to the first illegal one (every one
 * with `allFailures`); with a budget the verdict may be "unknown". Throws
 * {@link LinearizabilityInputError} for bad input.
 */
export function checkLinearizable<S, I, O>(ops: readonly Operation<I, O>[], model: SequentialModel<S, I, O>, budget: CheckOptions = {}): LinearizabilityResult<S, I, O> {
  validate(model, ops);
  if (budget.maxSteps !== undefined && !(budget.maxSteps >= 0)) throw new LinearizabilityInputError(`maxSteps must be a number >= 0, got ${String(budget.maxSteps)}`);
  if (budget.timeoutMs !== undefined && !(budget.timeoutMs >= 0)) throw new LinearizabilityInputError(`timeoutMs must be a number >= 0, got ${String(budget.timeoutMs)}`);
  // Host time only when the caller asks for a wall-clock budget (it can turn a verdict into
  // "unknown", so it is opt-in); `maxSteps` is the deterministic budget, and without a timeout
  // the verdict depends on nothing but the history and the model.
  const now = budget.timeoutMs === undefined ? undefined : () => performance.now();
  const shared: SearchBudget = { steps: budget.maxSteps ?? Infinity, deadline: now ? now() + (budget.timeoutMs as number) : Infinity, now };
  const parts = partitions(model, ops);
  const results: PartitionResult[] = new Array<PartitionResult>(parts.length);
  let steps = 0;
  // Smallest first, so a budget spent on one huge partition still leaves the small ones judged.
  const bySize = parts.map((_, i) => i).sort((a, b) => (parts[a] as { ops: number[] }).ops.length - (parts[b] as { ops: number[] }).ops.length || a - b);
  let failed = false;
  for (const p of bySize) {
    const { key, ops: all } = parts[p] as { key: string | number | undefined; ops: number[] };
    const members = withoutUnansweredReads(model, ops, all);
    if (failed && budget.allFailures !== true) {
      results[p] = { key, operations: members, verdict: "unknown", steps: 0, skipped: true };
      continue;
    }
    const prepared = prepare(ops, members);
    const run = (b: SearchBudget, partials: boolean) => {
      try {
        return search(model, prepared, b, partials);
      } catch (err) {
        if (!(err instanceof StepError)) throw err;
        const g = members[err.op] as number;
        throw new LinearizabilityInputError(`model "${model.name}" threw on operation ${describeOperationAt(model, ops, g)}: ${(err.failure as Error)?.message ?? String(err.failure)}`, g);
      }
    };
    let out = run(shared, false);
    // An illegal part is searched again, exactly as far, recording partial linearizations.
    if (out.verdict === "illegal" && budget.partials !== false) out = run({ steps: out.steps, deadline: Infinity, now: undefined }, true);
    steps += out.steps;
    const global = (local: readonly number[]) => local.map((i) => members[i] as number);
    if (out.verdict === "ok") results[p] = { key, operations: members, verdict: "ok", steps: out.steps, linearization: global(out.linearization) };
    else if (out.verdict === "unknown") results[p] = { key, operations: members, verdict: "unknown", steps: out.steps };
    else {
      failed = true;
      results[p] = {
        key,
        operations: members,
        verdict: "illegal",
        steps: out.steps,
        longest: global(out.longest),
        failing: members[out.failing] as number,
        ...(out.prefixOf && out.prefixes ? { prefixOf: Array.from(out.prefixOf), prefixes: out.prefixes.map(global) } : {}),
      };
    }
  }
  const failures = results.filter((r) => r.verdict === "illegal");
  const skipped = results.filter((r) => r.skipped === true).length;
  const unknown = results.filter((r) => r.verdict === "unknown" && r.skipped !== true).length;
  const verdict: Verdict = failures.length > 0 ? "illegal" : unknown > 0 ? "unknown" : "ok";
  return { verdict, ok: verdict === "ok", model, operations: ops, partitions: results, failures, steps, message: message(model, ops, verdict, results, failures, unknown, skipped, budget) };
}

function message<S, I, O>(
  model: SequentialModel<S, I, O>,
  ops: readonly Operation<I, O>[],
  verdict: Verdict,
  results: readonly PartitionResult[],
  failures: readonly PartitionResult[],
  unknown: number,
  skipped: number,
  budget: CheckOptions,
): string {
  const parts = `${results.length} partition${results.length === 1 ? "" : "s"}`;
  if (verdict === "ok") return `linearizable: ${ops.length} operations in ${parts} fit ${model.name}`;
  if (verdict === "unknown") {
    const limit = [budget.maxSteps !== undefined ? `${budget.maxSteps} steps` : "", budget.timeoutMs !== undefined ? `${budget.timeoutMs} ms` : ""].filter(Boolean).join(" or ");
    return `unknown: the budget (${limit}) ran out in ${unknown} of ${parts} before a verdict; no violation found so far`;
  }
  const f = failures[0] as PartitionResult;
  const key = f.key === undefined ? "" : ` (first: key ${JSON.stringify(f.key)})`;
  return `not linearizable: ${failures.length} of ${parts} ${failures.length === 1 ? "has" : "have"} no order that respects real time and fits ${model.name}${key}; operation ${describeOperationAt(model, ops, f.failing as number)} cannot take effect after the longest linearizable prefix found (${(f.longest as readonly number[]).length} operations)${unknown > 0 ? `; ${unknown} partition(s) unknown (budget)` : ""}${skipped > 0 ? `; ${skipped} partition(s) not searched after it (allFailures: true searches them)` : ""}`;
}
