/**
 * Exhaustive exploration of a {@link Model}: breadth-first (shortest counterexamples, TLC's
 * default) or depth-first, merging states with equal fingerprints.
 */
import type { Model } from "./model.js";

/** Options of {@link explore}. */
export interface ExploreOptions {
  /** "bfs" (default) finds a shortest path to a violation; "dfs" uses less memory. */
  readonly strategy?: "bfs" | "dfs";
  /** Do not expand states deeper than this (initial states are at depth 1, as TLC counts). */
  readonly maxDepth?: number;
  /** Stop after this many distinct states. */
  readonly maxStates?: number;
}

/** A broken invariant and how to get there. */
export interface ExploreViolation {
  readonly invariant: string;
  readonly message: string;
  /** Step labels from an initial state; with BFS, a shortest such path. */
  readonly path: readonly string[];
}

/** What {@link explore} found. */
export interface ExploreResult {
  /** Distinct states reached (TLC's "distinct states found"). */
  readonly distinctStates: number;
  /** Successors generated (TLC's "states generated", initial states included). */
  readonly generated: number;
  /** Longest shortest path, in states (TLC's "depth of the complete state graph search") for BFS; deepest stack for DFS. */
  readonly depth: number;
  /** True when every reachable state within the bounds was explored. */
  readonly complete: boolean;
  readonly seconds: number;
  readonly statesPerSecond: number;
  readonly violation?: ExploreViolation;
}

function now(): number {
  // Host time only measures the explorer's speed; it decides nothing.
  return performance.now();
}

/** Explores `model` exhaustively within the bounds; stops at the first violation. */
export function explore<S>(model: Model<S>, options: ExploreOptions = {}): ExploreResult {
  const { strategy = "bfs", maxDepth = Infinity, maxStates = Infinity } = options;
  const start = now();
  const seen = new Map<string, number>(); // fingerprint -> state id
  const parent: number[] = [];
  const label: string[] = [];
  const depthOf: number[] = [];
  let generated = 0;
  let depth = 0;
  let complete = true;
  let violation: ExploreViolation | undefined;

  const pathTo = (id: number): string[] => {
    const out: string[] = [];
    for (let i = id; parent[i] !== -1; i = parent[i] as number) out.push(label[i] as string);
    return out.reverse();
  };
  const check = (state: S, id: number): boolean => {
    for (const inv of model.invariants ?? []) {
      const message = inv.check(state);
      if (message !== undefined) {
        violation = { invariant: inv.name, message, path: pathTo(id) };
        return false;
      }
    }
    return true;
  };
  /** Records a new state; returns its id, or -1 if already seen. */
  const add = (state: S, from: number, step: string, d: number): number => {
    generated++;
    const fp = model.fingerprint(state);
    if (seen.has(fp)) return -1;
    const id = parent.length;
    seen.set(fp, id);
    parent.push(from);
    label.push(step);
    depthOf.push(d);
    if (d > depth) depth = d;
    return id;
  };

  // BFS keeps a FIFO (an array with a moving head); DFS a LIFO stack.
  const frontier: [S, number][] = [];
  let head = 0;
  for (const s of model.init()) {
    const id = add(s, -1, "init", 1);
    if (id < 0) continue;
    if (!check(s, id)) return finish();
    frontier.push([s, id]);
  }
  while (head < frontier.length) {
    const [state, id] = (strategy === "bfs" ? frontier[head++] : frontier.pop()) as [S, number];
    if (strategy === "bfs" && head > 4096 && head * 2 > frontier.length) {
      frontier.splice(0, head);
      head = 0;
    }
    const d = depthOf[id] as number;
    if (d >= maxDepth) {
      complete = false;
      continue;
    }
    for (const [step, next] of model.next(state)) {
      const nid = add(next, id, step, d + 1);
      if (nid < 0) continue;
      if (!check(next, nid)) return finish();
      if (parent.length >= maxStates) {
        complete = false;
        return finish();
      }
      frontier.push([next, nid]);
    }
  }
  return finish();

  function finish(): ExploreResult {
    const seconds = (now() - start) / 1000;
    const distinctStates = parent.length;
    return {
      distinctStates,
      generated,
      depth,
      complete: complete && violation === undefined,
      seconds,
      statesPerSecond: seconds > 0 ? distinctStates / seconds : distinctStates,
      ...(violation ? { violation } : {}),
    };
  }
}
