/** A sweep worker (one per core): loads the system once, then runs the chunks it is handed. */
import { runChunk, type ChunkResult, type SweepPlan } from "./chunks.js";
import { loadSystem, type LoadedSystem } from "./load-system.js";

/** One task: a chunk of a plan. */
export interface ChunkTask {
  readonly plan: SweepPlan;
  readonly index: number;
}

let loaded: Promise<LoadedSystem> | undefined;
let loadedRef = "";

/** Runs one chunk (tinypool calls the default export). */
export default async function runTask(task: ChunkTask): Promise<ChunkResult> {
  if (loaded === undefined || loadedRef !== task.plan.system) {
    loadedRef = task.plan.system;
    loaded = loadSystem(task.plan.system);
  }
  const { space } = await loaded;
  // Structured clone drops nothing here: a chunk result is plain data.
  return JSON.parse(JSON.stringify(runChunk(space, task.plan, task.index))) as ChunkResult;
}
