/**
 * The bookkeeping of a search and its two in-process strategies. Per state the search keeps a
 * 64-bit fingerprint (in a {@link FingerprintSet}), a parent pointer and the index of the step
 * among its parent's successors (two Int32Array words): a counterexample path is rebuilt by
 * replaying those steps from the initial state, as TLC rebuilds its traces.
 */
import { checkState, fingerprinter, type Broken } from "./expand.js";
import type { Model } from "./model.js";
import { FingerprintSet, IntVec, type Fingerprint } from "./words.js";
import type { ExploreProgress } from "./explore.js";

/** Progress is reported each time this many more states were expanded (a power of two). */
const PROGRESS_EVERY = 4096;

/** The state of a search: what was seen, how each state was reached, the counters. */
export class SearchLog {
  readonly seen = new FingerprintSet();
  readonly parent = new IntVec(1 << 14);
  readonly step = new IntVec(1 << 14);
  generated = 0;
  depth = 0;
  complete = true;
  /** True once `maxStates` distinct states were found: nothing more is added. */
  full = false;
  broken: (Broken & { readonly id: number }) | undefined;

  constructor(
    private readonly maxStates: number,
    private readonly onProgress?: (p: ExploreProgress) => void,
  ) {}

  /** Reports progress with `queue` states waiting; every {@link PROGRESS_EVERY} expansions unless `now`. */
  progress(expanded: number, queue: number, now = false): void {
    if (this.onProgress === undefined || (!now && (expanded & (PROGRESS_EVERY - 1)) !== 0)) return;
    this.onProgress({ distinctStates: this.distinct, generated: this.generated, depth: this.depth, queue });
  }

  get distinct(): number {
    return this.parent.length;
  }

  /**
   * Offers a state reached from state `from` (-1 for an initial state) as its `step`-th
   * successor, at `depth`: returns the new state's id, or -1 when it was seen before.
   */
  offer(hi: number, lo: number, from: number, step: number, depth: number): number {
    this.generated++;
    if (!this.seen.add(hi, lo)) return -1;
    const id = this.parent.length;
    this.parent.push(from);
    this.step.push(step);
    if (depth > this.depth) this.depth = depth;
    if (id + 1 >= this.maxStates) {
      this.full = true;
      this.complete = false;
    }
    return id;
  }

  /** The step indices from an initial state to state `id`, the initial state's index first. */
  steps(id: number): number[] {
    const out: number[] = [];
    for (let i = id; i >= 0; i = this.parent.data[i] as number) out.push(this.step.data[i] as number);
    return out.reverse();
  }
}

function nth<T>(items: Iterable<T>, n: number): T {
  let i = 0;
  for (const item of items) if (i++ === n) return item;
  throw new Error(`explore: replaying a counterexample, step ${n} no longer exists: the model's init or next is not deterministic`);
}

/** The labels of the path to state `id`, rebuilt by replaying the recorded steps. */
export function replayPath<S>(model: Model<S>, log: SearchLog, id: number): string[] {
  const [first, ...rest] = log.steps(id);
  let state = nth(model.init(), first as number);
  const labels: string[] = [];
  for (const k of rest) {
    const [label, next] = nth(model.next(state), k);
    labels.push(label);
    state = next;
  }
  return labels;
}

/**
 * Breadth-first, one level at a time, in this thread. Each state is checked when its level is
 * expanded, in the order it was found; a level at `maxDepth` (or after `maxStates`) is only
 * checked. The worker-thread search does exactly the same steps in the same order.
 */
export function bfs<S>(model: Model<S>, log: SearchLog, maxDepth: number): void {
  const fingerprint = fingerprinter(model);
  const fp: Fingerprint = { hi: 0, lo: 0 };
  let level: S[] = [];
  let k = 0;
  for (const s of model.init()) {
    fingerprint(s, fp);
    if (log.offer(fp.hi, fp.lo, -1, k++, 1) >= 0) level.push(s);
    if (log.full) break;
  }
  let firstId = 0;
  for (let d = 1; level.length > 0; d++) {
    const expand = d < maxDepth && !log.full;
    if (!expand) log.complete = false;
    const nextLevel: S[] = [];
    for (let i = 0; i < level.length; i++) {
      log.progress(firstId + i, level.length - i + nextLevel.length);
      const state = level[i] as S;
      const broken = checkState(model, state);
      if (broken !== undefined) {
        log.broken = { ...broken, id: firstId + i };
        return;
      }
      if (!expand || log.full) continue;
      let step = 0;
      for (const [, next] of model.next(state)) {
        fingerprint(next, fp);
        if (log.offer(fp.hi, fp.lo, firstId + i, step++, d + 1) >= 0) nextLevel.push(next);
        if (log.full) break;
      }
    }
    firstId += level.length;
    level = nextLevel;
    log.progress(firstId, level.length, true);
  }
}

/** Depth-first, in this thread: each state is checked when found; less memory than BFS on deep spaces. */
export function dfs<S>(model: Model<S>, log: SearchLog, maxDepth: number): void {
  const fingerprint = fingerprinter(model);
  const fp: Fingerprint = { hi: 0, lo: 0 };
  const states: S[] = [];
  const ids: number[] = [];
  const depths: number[] = [];
  const found = (s: S, from: number, step: number, depth: number): boolean => {
    fingerprint(s, fp);
    const id = log.offer(fp.hi, fp.lo, from, step, depth);
    if (id < 0) return true;
    const broken = checkState(model, s);
    if (broken !== undefined) {
      log.broken = { ...broken, id };
      return false;
    }
    states.push(s);
    ids.push(id);
    depths.push(depth);
    return !log.full;
  };
  let k = 0;
  let expanded = 0;
  for (const s of model.init()) if (!found(s, -1, k++, 1)) return;
  while (states.length > 0) {
    log.progress(expanded++, states.length);
    const state = states.pop() as S;
    const id = ids.pop() as number;
    const d = depths.pop() as number;
    if (d >= maxDepth) {
      log.complete = false;
      continue;
    }
    let step = 0;
    for (const [, next] of model.next(state)) if (!found(next, id, step++, d + 1)) return;
  }
}
