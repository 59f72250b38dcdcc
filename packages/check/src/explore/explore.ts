/**
 * Exhaustive exploration of a {@link Model}: breadth-first (shortest counterexamples, TLC's
 * default) or depth-first, merging states with equal 64-bit fingerprints; breadth-first also
 * in worker threads for models loaded from a module ({@link exploreModule}).
 */
import { checkModelModule, loadModel } from "./load.js";
import type { Model, ModelModule } from "./model.js";
import { bfsInWorkers } from "./parallel.js";
import { ExplorerPool } from "./pool.js";
import { bfs, dfs, replayPath, SearchLog } from "./search.js";

/** Options of {@link explore}. */
export interface ExploreOptions {
  /** "bfs" (default) finds a shortest path to a violation; "dfs" uses less memory on deep spaces. */
  readonly strategy?: "bfs" | "dfs";
  /** Do not expand states deeper than this (initial states are at depth 1, as TLC counts). */
  readonly maxDepth?: number;
  /** Stop after this many distinct states. */
  readonly maxStates?: number;
  /**
   * Told how the search is going every few thousand states and at the end of each BFS level
   * (deterministic points; the caller decides how often to show it). Must not throw.
   */
  readonly onProgress?: (progress: ExploreProgress) => void;
}

/** How far a search has got. */
export interface ExploreProgress {
  /** Distinct states found so far. */
  readonly distinctStates: number;
  /** Successors generated so far. */
  readonly generated: number;
  /** Deepest state found so far (BFS: the level being expanded, plus one). */
  readonly depth: number;
  /** States found but not yet expanded (BFS: the rest of this level and the next level so far; DFS: the stack). */
  readonly queue: number;
}

/** Options of {@link exploreModule}. */
export interface ExploreModuleOptions extends ExploreOptions {
  /**
   * Worker threads expanding states (default 1: the search runs in this thread). Results are
   * the same for every count; more than 1 needs breadth-first search and a model with a codec.
   */
  readonly workers?: number;
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
  /** Longest shortest path, in states (TLC's "depth of the complete state graph search") for BFS; deepest state found for DFS. */
  readonly depth: number;
  /** True when every reachable state within the bounds was explored. */
  readonly complete: boolean;
  /**
   * The chance that two distinct states shared a 64-bit fingerprint, so that one was never
   * explored (TLC's optimistic estimate: distinct × (generated − distinct) / 2^64).
   */
  readonly collisionProbability: number;
  readonly seconds: number;
  readonly statesPerSecond: number;
  readonly violation?: ExploreViolation;
}

function now(): number {
  // Host time only measures the explorer's speed; it decides nothing.
  return performance.now();
}

function checkOptions(options: ExploreModuleOptions): Required<Omit<ExploreModuleOptions, "onProgress">> {
  if (typeof options !== "object" || options === null) throw new TypeError("explore: options must be an object");
  const { strategy = "bfs", maxDepth = Infinity, maxStates = Infinity, workers = 1 } = options;
  if (options.onProgress !== undefined && typeof options.onProgress !== "function") throw new TypeError(`explore: options.onProgress must be a function, got ${typeof options.onProgress}`);
  if (strategy !== "bfs" && strategy !== "dfs") throw new TypeError(`explore: options.strategy must be "bfs" or "dfs", got ${JSON.stringify(strategy)}`);
  const bound = (name: string, v: number) => {
    if (typeof v !== "number" || !(v === Infinity || (Number.isInteger(v) && v >= 1))) throw new RangeError(`explore: options.${name} must be an integer ≥ 1 (or Infinity), got ${String(v)}`);
  };
  bound("maxDepth", maxDepth);
  bound("maxStates", maxStates);
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`explore: options.workers must be an integer ≥ 1, got ${String(workers)}`);
  if (workers > 1 && strategy !== "bfs") throw new RangeError(`explore: options.workers > 1 needs strategy "bfs" (depth-first search is sequential)`);
  return { strategy, maxDepth, maxStates, workers };
}

function checkModel(model: Model<unknown>): void {
  if (typeof model !== "object" || model === null || typeof model.init !== "function" || typeof model.next !== "function") throw new TypeError("explore: the model must have init and next functions");
  if (model.codec === undefined && typeof model.fingerprint !== "function") throw new TypeError("explore: the model needs a `codec` or a `fingerprint` function");
  if (model.codec !== undefined && (typeof model.codec.encode !== "function" || typeof model.codec.decode !== "function")) throw new TypeError("explore: model.codec must have encode and decode functions");
}

function result<S>(model: Model<S>, log: SearchLog, start: number): ExploreResult {
  const seconds = (now() - start) / 1000;
  const distinctStates = log.distinct;
  const broken = log.broken;
  return {
    distinctStates,
    generated: log.generated,
    depth: log.depth,
    complete: log.complete && broken === undefined,
    collisionProbability: (distinctStates * (log.generated - distinctStates)) / 2 ** 64,
    seconds,
    statesPerSecond: seconds > 0 ? distinctStates / seconds : distinctStates,
    ...(broken ? { violation: { invariant: broken.invariant, message: broken.message, path: replayPath(model, log, broken.id) } } : {}),
  };
}

/**
 * Explores `model` exhaustively within the bounds, in this thread; stops at the first violation.
 * Breadth-first search checks each state's invariants when its level is expanded, so the
 * violation reported is the first broken state in breadth-first order, with a shortest path.
 */
export function explore<S>(model: Model<S>, options: ExploreOptions = {}): ExploreResult {
  const { strategy, maxDepth, maxStates } = checkOptions(options);
  checkModel(model as Model<unknown>);
  return inThread(model, strategy, maxDepth, maxStates, now(), options.onProgress);
}

function inThread<S>(model: Model<S>, strategy: "bfs" | "dfs", maxDepth: number, maxStates: number, start: number, onProgress: ExploreOptions["onProgress"]): ExploreResult {
  const log = new SearchLog(maxStates, onProgress);
  if (strategy === "bfs") bfs(model, log, maxDepth);
  else dfs(model, log, maxDepth);
  return result(model, log, start);
}

/**
 * Explores the model `source` names, like {@link explore}, with `options.workers` worker
 * threads each loading its own copy of the model. States, counts, depth and the counterexample
 * are the same for every number of workers.
 */
export async function exploreModule(source: ModelModule, options: ExploreModuleOptions = {}): Promise<ExploreResult> {
  const { strategy, maxDepth, maxStates, workers } = checkOptions(options);
  checkModelModule(source);
  const start = now();
  if (workers === 1) {
    const model = await loadModel(source);
    checkModel(model);
    return inThread(model, strategy, maxDepth, maxStates, start, options.onProgress);
  }
  // Workers start (and load their copies) while this thread loads its own.
  const [loaded, started] = await Promise.allSettled([loadModel(source), ExplorerPool.start(source, workers)]);
  const pool = started.status === "fulfilled" ? started.value : undefined;
  if (loaded.status === "rejected" || pool === undefined) {
    await pool?.close();
    throw loaded.status === "rejected" ? loaded.reason : (started as PromiseRejectedResult).reason;
  }
  const model = loaded.value;
  try {
    checkModel(model);
    if (model.codec === undefined) throw new TypeError(`explore: options.workers > 1 needs a model with a \`codec\` (states travel between threads as its words); "${source.export}" has none`);
    const log = new SearchLog(maxStates, options.onProgress);
    await bfsInWorkers(model, pool, log, maxDepth);
    return result(model, log, start);
  } finally {
    await pool.close();
  }
}
