/**
 * A linearizability checker for client histories: Wing & Gong's search with Lowe's memoisation,
 * the algorithm porcupine uses. Operations whose reply never came (timed out, or the run ended)
 * may have taken effect at any point after their call, or never.
 */

/** One client operation as the checker sees it. */
export interface Operation<I, O> {
  readonly client: string;
  readonly input: I;
  /** The reply; undefined when none came (the operation may or may not have taken effect). */
  readonly output: O | undefined;
  /** When it was invoked and when it returned (Infinity if it never did). */
  readonly call: number;
  readonly ret: number;
}

/** A sequential specification to check a history against. */
export interface SequentialModel<S, I, O> {
  readonly name: string;
  init(): S;
  /** Applies `input` to `state`; `ok` says whether `output` is what the model answers (an undefined output matches anything). */
  step(state: S, input: I, output: O | undefined): { readonly ok: boolean; readonly state: S };
  /** A canonical text of a state, for memoisation. */
  key(state: S): string;
  /** Splits a history into independent parts checked one by one (per key, say). */
  partition?(ops: readonly Operation<I, O>[]): Operation<I, O>[][];
}

/** The verdict. */
export type LinearizabilityResult<I, O> =
  | { readonly ok: true; readonly operations: number; readonly partitions: number }
  | {
      readonly ok: false;
      /** The partition that has no linearization. */
      readonly partition: readonly Operation<I, O>[];
      /** The longest prefix of a linearization the search found, before it got stuck. */
      readonly longest: readonly Operation<I, O>[];
      readonly reason: string;
    };

interface Entry {
  readonly call: boolean;
  readonly op: number;
  readonly time: number;
  prev: Entry | null;
  next: Entry | null;
  match: Entry | null;
}

/** Builds the doubly linked list of call and return events, in time order (a return before a call at the same time). */
function entries<I, O>(ops: readonly Operation<I, O>[]): Entry {
  const list: Entry[] = [];
  ops.forEach((o, i) => {
    const call: Entry = { call: true, op: i, time: o.call, prev: null, next: null, match: null };
    const ret: Entry = { call: false, op: i, time: o.ret, prev: null, next: null, match: null };
    call.match = ret;
    list.push(call, ret);
  });
  list.sort((a, b) => a.time - b.time || (a.call === b.call ? a.op - b.op : a.call ? 1 : -1));
  const head: Entry = { call: false, op: -1, time: -Infinity, prev: null, next: null, match: null };
  let last = head;
  for (const e of list) {
    last.next = e;
    e.prev = last;
    last = e;
  }
  return head;
}

/** Removes a call and its return from the list (the operation is linearized here). */
function lift(e: Entry): void {
  (e.prev as Entry).next = e.next;
  if (e.next) e.next.prev = e.prev;
  const m = e.match as Entry;
  (m.prev as Entry).next = m.next;
  if (m.next) m.next.prev = m.prev;
}

/** Puts them back, in reverse order of removal. */
function unlift(e: Entry): void {
  const m = e.match as Entry;
  (m.prev as Entry).next = m;
  if (m.next) m.next.prev = m;
  (e.prev as Entry).next = e;
  if (e.next) e.next.prev = e;
}

function checkPartition<S, I, O>(ops: readonly Operation<I, O>[], model: SequentialModel<S, I, O>): { ok: true } | { ok: false; longest: number[] } {
  const head = entries(ops);
  const done = new Uint8Array(ops.length);
  const seen = new Set<string>();
  const stack: { entry: Entry; state: S }[] = [];
  let state = model.init();
  let longest: number[] = [];
  let entry = head.next;
  while (head.next !== null) {
    if (entry === null) break;
    if (entry.call) {
      const op = ops[entry.op] as Operation<I, O>;
      const out = model.step(state, op.input, op.output);
      if (out.ok) {
        done[entry.op] = 1;
        const key = `${done.join("")}|${model.key(out.state)}`;
        if (!seen.has(key)) {
          seen.add(key);
          stack.push({ entry, state });
          state = out.state;
          lift(entry);
          if (stack.length > longest.length) longest = stack.map((s) => s.entry.op);
          entry = head.next;
          continue;
        }
        done[entry.op] = 0;
      }
      entry = entry.next;
      continue;
    }
    // A return: the operation it closes must have been linearized before this point.
    if ((ops[entry.op] as Operation<I, O>).ret === Infinity) return { ok: true }; // only unanswered operations are left: they may never have happened
    const top = stack.pop();
    if (top === undefined) return { ok: false, longest };
    done[top.entry.op] = 0;
    state = top.state;
    unlift(top.entry);
    entry = top.entry.next;
  }
  return { ok: true };
}

/** Checks that `ops` (one run's client history) is linearizable with respect to `model`. */
export function checkLinearizable<S, I, O>(ops: readonly Operation<I, O>[], model: SequentialModel<S, I, O>): LinearizabilityResult<I, O> {
  const parts = model.partition ? model.partition(ops) : [[...ops]];
  for (const part of parts) {
    const r = checkPartition(part, model);
    if (!r.ok) {
      return { ok: false, partition: part, longest: r.longest.map((i) => part[i] as Operation<I, O>), reason: `no order of these ${part.length} operations that respects real time fits ${model.name}` };
    }
  }
  return { ok: true, operations: ops.length, partitions: parts.length };
}
