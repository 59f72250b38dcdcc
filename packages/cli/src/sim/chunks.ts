/**
 * A sweep cut into fixed chunks by run index, so any number of workers or machines gives the same
 * result: chunk k runs the search's own `sweep` on runs [k·size, (k+1)·size) with a seed derived
 * from (seed, k), and chunks are merged in index order. Coverage is merged as sets (abstract
 * states and transitions are recorded by wrapping the space's abstraction), never as counts.
 */
import { sweep, type SearchMode, type SweepFailure, type SystemSpace } from "@faultline/check";

/** What a sweep is: the same settings give the same chunks everywhere. */
export interface SweepPlan {
  /** The shipped name or module path the workers load (not part of the merged report). */
  readonly system: string;
  readonly mode: SearchMode;
  readonly runs: number;
  readonly seed: number;
  readonly chunkSize: number;
}

/** One chunk's outcome; sets as sorted arrays so shard files carry them. */
export interface ChunkResult {
  readonly index: number;
  readonly runs: number;
  readonly states: readonly string[];
  readonly transitions: readonly string[];
  /** Sometimes-assertion name → first run (global index, 1-based) reaching it. */
  readonly sometimes: Readonly<Record<string, number>>;
  readonly fired: Readonly<Record<string, number>>;
  readonly corpus: number;
  readonly failure?: SweepFailure;
}

/** How many chunks a plan has. */
export function chunkCount(plan: SweepPlan): number {
  return Math.ceil(plan.runs / plan.chunkSize);
}

/** The chunks shard `shard` of `of` runs: every `of`-th chunk from `shard`. */
export function shardChunks(plan: SweepPlan, shard: number, of: number): number[] {
  const out: number[] = [];
  for (let k = shard; k < chunkCount(plan); k += of) out.push(k);
  return out;
}

/** Runs chunk `index` of `plan` on `space`. `onRun` is told of each run (progress). */
export function runChunk(space: SystemSpace<any>, plan: SweepPlan, index: number, onRun?: (failed: boolean) => void): ChunkResult {
  const first = index * plan.chunkSize;
  const runs = Math.min(plan.chunkSize, plan.runs - first);
  const states = new Set<string>();
  const transitions = new Set<string>();
  let prev = "";
  const recording: SystemSpace<any> = {
    ...space,
    abstraction: (view) => {
      const a = space.abstraction(view);
      const cur = JSON.stringify(a);
      if (cur !== prev) {
        states.add(cur);
        if (prev !== "") transitions.add(`${prev} → ${cur}`);
        prev = cur;
      }
      return a;
    },
  };
  const res = sweep(recording, {
    mode: plan.mode,
    runs,
    seed: (plan.seed * 65_537 + index * 2_654_435 + 1) | 0,
    spaceName: space.name,
    onRun: (_i, failed) => {
      prev = "";
      onRun?.(failed);
    },
  });
  const sometimes: Record<string, number> = {};
  for (const s of res.coverage.sometimes) if (s.firstRun !== undefined) sometimes[s.name] = first + s.firstRun;
  return {
    index,
    runs: res.runs,
    states: [...states].sort(),
    transitions: [...transitions].sort(),
    sometimes,
    fired: res.coverage.fired,
    corpus: res.coverage.corpus,
    ...(res.failure ? { failure: res.failure } : {}),
  };
}
