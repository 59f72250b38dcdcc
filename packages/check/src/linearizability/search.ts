/**
 * The search for one partition: Wing & Gong's algorithm with Lowe's memoisation, as porcupine
 * does it. Call and return entries sit in a doubly linked list in time order (typed arrays:
 * entry 2i is operation i's call, 2i+1 its return, 2n the head). The search walks the list;
 * at a call it tries to linearize that operation next (the model must accept it and the pair
 * (set of linearized operations, state) must be new), lifting its two entries out of the list; at
 * a return it is stuck (that operation should have been linearized already) and backtracks.
 * The set of linearized operations is a bitset with an incremental (Zobrist) hash, so a cache
 * probe costs one model hash and no pass over the bitset unless the hash matches.
 */
import { StateCache } from "./cache.js";
import { hashValue } from "./hash.js";
import type { SequentialModel, Unknown } from "./types.js";

/** A partition ready to search: inputs, outputs (UNKNOWN for pending) and the time-sorted entries. */
export interface SearchInput<I, O> {
  readonly inputs: readonly I[];
  readonly outputs: readonly (O | Unknown)[];
  readonly pending: Uint8Array;
  /** Entries (2i call, 2i+1 return) in time order, calls before returns at equal times. */
  readonly order: Int32Array;
}

/** Steps left and how to notice a timeout; shared by the partitions of one check. */
export interface SearchBudget {
  steps: number;
  readonly deadline: number;
  readonly now: (() => number) | undefined;
}

/** What the search of one partition found (indices are the partition's own). */
export type SearchOutcome =
  | { readonly verdict: "ok"; readonly linearization: number[]; readonly steps: number }
  | { readonly verdict: "unknown"; readonly steps: number }
  | { readonly verdict: "illegal"; readonly steps: number; readonly failing: number; readonly longest: number[]; readonly prefixOf?: Int32Array; readonly prefixes?: number[][] };

/** Reports the operation whose step threw. */
export class StepError extends Error {
  constructor(
    readonly op: number,
    readonly failure: unknown,
  ) {
    super("model step failed");
  }
}

/** Runs the search. `partials` also records the longest prefix containing each operation (porcupine's partial linearizations). */
export function search<S, I, O>(model: SequentialModel<S, I, O>, input: SearchInput<I, O>, budget: SearchBudget, partials: boolean): SearchOutcome {
  const { inputs, outputs, pending, order } = input;
  const n = inputs.length;
  const head = 2 * n;
  const next = new Int32Array(2 * n + 1);
  const prev = new Int32Array(2 * n + 1);
  let last = head;
  for (let k = 0; k < order.length; k++) {
    const e = order[k] as number;
    next[last] = e;
    prev[e] = last;
    last = e;
  }
  next[last] = -1;

  // Completed and pending operations have bitsets of their own (see StateCache on why).
  const slot = new Int32Array(n);
  let completed = 0;
  let open = 0;
  for (let i = 0; i < n; i++) slot[i] = pending[i] === 1 ? open++ : completed++;
  const bits = new Uint32Array((completed + 31) >>> 5);
  const pbits = new Uint32Array((open + 31) >>> 5);
  const zobrist = new Int32Array(n);
  let seed = 0x9e3779b9 | 0;
  for (let i = 0; i < n; i++) {
    seed = (seed + 0x6d2b79f5) | 0;
    let z = Math.imul(seed ^ (seed >>> 15), seed | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    zobrist[i] = pending[i] === 1 ? 0 : z ^ (z >>> 14);
  }
  let bitsHash = 0;
  const cache = new StateCache<S>(bits.length, pbits.length, model.equal ?? ((a: S, b: S) => a === b));
  const hash = model.hash ?? hashValue;

  const stackEntry = new Int32Array(n);
  const stackState: S[] = new Array<S>(n);
  let depth = 0;
  let state = model.init();
  // `steps` counts model steps plus memo entries probed (see StateCache.probes): both are work.
  let steps = 0;
  const allowed = budget.steps;
  let op = -1;
  cache.add(hash(state), bits, pbits, state);
  let charged = cache.probes;
  let calls = 0; // model steps tried: when to look at the clock (steps jumps by probes)

  // Partial linearizations: the longest prefix containing each op, and the deepest dead end.
  const bestLen = partials ? new Int32Array(n).fill(-1) : undefined;
  const bestPrefix: (number[] | undefined)[] = [];
  let failing = -1;
  let failingDepth = -1;
  let longest: number[] = [];

  try {
    let e = next[head] as number;
    while (e !== -1) {
      op = e >>> 1;
      if ((e & 1) === 0) {
        if (--budget.steps < 0 || (budget.now !== undefined && (++calls & 1023) === 0 && budget.now() > budget.deadline)) return { verdict: "unknown", steps: Math.min(steps, allowed) };
        steps++;
        const r = model.step(state, inputs[op] as I, outputs[op] as O | Unknown);
        if (r.ok) {
          const set = pending[op] === 1 ? pbits : bits;
          const w = (slot[op] as number) >>> 5;
          const bit = 1 << ((slot[op] as number) & 31);
          set[w] = (set[w] as number) | bit;
          bitsHash ^= zobrist[op] as number;
          const added = cache.add(bitsHash ^ hash(r.state), bits, pbits, r.state);
          const probes = cache.probes - charged;
          charged = cache.probes;
          steps += probes;
          budget.steps -= probes;
          if (added) {
            stackEntry[depth] = e;
            stackState[depth] = state;
            depth++;
            state = r.state;
            const ret = e + 1;
            const pc = prev[e] as number;
            const nc = next[e] as number;
            next[pc] = nc;
            if (nc !== -1) prev[nc] = pc;
            const pr = prev[ret] as number;
            const nr = next[ret] as number;
            next[pr] = nr;
            if (nr !== -1) prev[nr] = pr;
            e = next[head] as number;
            continue;
          }
          set[w] = (set[w] as number) & ~bit;
          bitsHash ^= zobrist[op] as number;
        }
        e = next[e] as number;
        continue;
      }
      // A return: its operation should have been linearized by now.
      if (pending[op] === 1) break; // only pending operations are left: they may never have taken effect
      if (depth > failingDepth) {
        failingDepth = depth;
        failing = op;
        longest = Array.from(stackEntry.subarray(0, depth), (x) => x >>> 1);
      }
      if (bestLen !== undefined && depth > 0) record(stackEntry, depth, bestLen, bestPrefix);
      if (depth === 0) {
        if (bestLen === undefined) return { verdict: "illegal", steps, failing, longest };
        return { verdict: "illegal", steps, failing, longest, ...distinct(bestLen, bestPrefix) };
      }
      depth--;
      const c = stackEntry[depth] as number;
      state = stackState[depth] as S;
      stackState[depth] = undefined as S;
      const cop = c >>> 1;
      const cset = pending[cop] === 1 ? pbits : bits;
      const cs = slot[cop] as number;
      cset[cs >>> 5] = (cset[cs >>> 5] as number) & ~(1 << (cs & 31));
      bitsHash ^= zobrist[cop] as number;
      const ret = c + 1;
      next[prev[ret] as number] = ret;
      if (next[ret] !== -1) prev[next[ret] as number] = ret;
      next[prev[c] as number] = c;
      prev[next[c] as number] = c; // a call is always followed by something (at least its return)
      e = next[c] as number;
    }
  } catch (err) {
    throw new StepError(op, err);
  }
  return { verdict: "ok", steps, linearization: Array.from(stackEntry.subarray(0, depth), (x) => x >>> 1) };
}

/** Records the current stack as the longest prefix for each operation in it that has none as long. */
function record(stackEntry: Int32Array, depth: number, bestLen: Int32Array, bestPrefix: (number[] | undefined)[]): void {
  let seq: number[] | undefined;
  for (let k = 0; k < depth; k++) {
    const o = (stackEntry[k] as number) >>> 1;
    if ((bestLen[o] as number) < depth) {
      seq ??= Array.from(stackEntry.subarray(0, depth), (x) => x >>> 1);
      bestLen[o] = depth;
      bestPrefix[o] = seq;
    }
  }
}

function distinct(bestLen: Int32Array, bestPrefix: (number[] | undefined)[]): { prefixOf: Int32Array; prefixes: number[][] } {
  const unique = [...new Set(bestPrefix.filter((p): p is number[] => p !== undefined))].sort((a, b) => b.length - a.length);
  const index = new Map(unique.map((p, i) => [p, i]));
  const prefixOf = new Int32Array(bestLen.length).fill(-1);
  bestPrefix.forEach((p, o) => {
    if (p !== undefined) prefixOf[o] = index.get(p) as number;
  });
  return { prefixOf, prefixes: unique };
}
