/**
 * Runs chunks of a sweep on `workers` threads (tinypool), or inline for one worker. Results are
 * handed back in chunk order whatever order they finish in, so the merge is deterministic.
 */
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import Tinypool from "tinypool";
import type { SystemSpace } from "@faultline/check";
import { runChunk, type ChunkResult, type SweepPlan } from "./chunks.js";

/** Where a module resolves from here, under ESM or a test runner's transform alike. */
function resolveFromHere(specifier: string): string {
  try {
    return import.meta.resolve(specifier);
  } catch {
    return pathToFileURL(createRequire(import.meta.url).resolve(specifier)).href;
  }
}

/**
 * The worker module: the built file beside the bundle, or, running from TypeScript sources
 * (tests), a data: module that registers tsx in the worker and re-exports worker.ts.
 */
function workerFile(): string {
  const here = import.meta.url;
  if (!here.endsWith(".ts")) return new URL("./sim-worker.js", here).href;
  const tsx = JSON.stringify(resolveFromHere("tsx/esm/api"));
  const worker = JSON.stringify(new URL("./worker.ts", here).href);
  return `data:text/javascript,${encodeURIComponent(`const t = await import(${tsx}); t.register(); const m = await import(${worker}); export default m.default;`)}`;
}

/** Runs `indices` of `plan`; `onChunk` hears each finished chunk (in completion order, for progress). */
export async function runChunks(space: SystemSpace<any>, plan: SweepPlan, indices: readonly number[], workers: number, onChunk: (r: ChunkResult) => void, onRun?: (failed: boolean) => void): Promise<ChunkResult[]> {
  if (workers <= 1) {
    const out: ChunkResult[] = [];
    for (const k of indices) {
      const r = JSON.parse(JSON.stringify(runChunk(space, plan, k, onRun))) as ChunkResult;
      out.push(r);
      onChunk(r);
      // Let the progress timer tick between chunks.
      await new Promise((res) => setImmediate(res));
    }
    return out;
  }
  const pool = new Tinypool({ filename: workerFile(), minThreads: workers, maxThreads: workers, execArgv: [], isolateWorkers: false });
  try {
    return await Promise.all(
      indices.map(async (index) => {
        const r = (await pool.run({ plan, index })) as ChunkResult;
        onChunk(r);
        return r;
      }),
    );
  } finally {
    await pool.destroy();
  }
}
