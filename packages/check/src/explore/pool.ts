/**
 * The explorer's worker threads, on node:worker_threads directly: each worker holds its own copy
 * of the model (loaded once from its module) and expands one chunk at a time; `map` hands chunks
 * to whichever worker is free but delivers results strictly in chunk order, which is what keeps
 * a parallel search's results identical to a sequential one's.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { Chunk, ChunkResult } from "./expand.js";
import { moduleUrl, TSX_REGISTERED } from "./load.js";
import type { ModelModule } from "./model.js";
import type { ChunkRequest, WorkerReply } from "./worker.js";

/**
 * The URL of a package's ESM entry for `subpath`, resolved from here: its package.json is found
 * through `createRequire` and its `exports` read for the `import` condition. (`import.meta.resolve`
 * would do it in one call but is a syntax error in the CommonJS build.)
 */
function resolveEsmFromHere(pkg: string, subpath: string): string {
  const manifest = createRequire(import.meta.url).resolve(`${pkg}/package.json`);
  const exported = (JSON.parse(readFileSync(manifest, "utf8")) as { exports: Record<string, unknown> }).exports[subpath];
  const target = typeof exported === "string" ? exported : ((exported as { import?: { default?: string } | string }).import ?? "");
  const file = typeof target === "string" ? target : (target.default ?? "");
  if (file === "") throw new Error(`${pkg} has no ESM export ${subpath}`);
  return pathToFileURL(join(dirname(manifest), file)).href;
}

/**
 * How to start a worker: the built script beside the bundle, or, when running from TypeScript
 * sources (tests, benches), a bootstrap that registers tsx in the worker first (a `--import tsx`
 * flag does not reach a worker's own entry module on Node 20).
 */
function workerEntry(): { script: string | URL; eval: boolean } {
  const here = import.meta.url;
  if (!here.endsWith(".ts")) return { script: new URL(here.endsWith(".cjs") ? "./explore-worker.cjs" : "./explore-worker.js", here), eval: false };
  const tsx = JSON.stringify(resolveEsmFromHere("tsx", "./esm/api"));
  const worker = JSON.stringify(new URL("./worker.ts", here).href);
  const flag = JSON.stringify(TSX_REGISTERED.description);
  return { script: `import(${tsx}).then((m) => { m.register(); globalThis[Symbol.for(${flag})] = true; return import(${worker}); });`, eval: true };
}

interface Slot {
  readonly worker: Worker;
  resolve?: (r: ChunkResult) => void;
  reject?: (err: Error) => void;
  /** Why the worker stopped, once it has: later requests fail at once instead of hanging. */
  dead?: Error;
}

/**
 * The worker's Node flags: this process's, less module loaders and preloads (`--import`,
 * `--require`, `--loader`). A worker runs each of those again on start-up (about a second for
 * tsx on a busy machine), and needs none: a TypeScript model gets tsx registered by the worker.
 */
function workerExecArgv(): string[] {
  const loaders = new Set(["--import", "--require", "-r", "--loader", "--experimental-loader"]);
  const out: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (loaders.has(a)) i++;
    else if (![...loaders].some((l) => a.startsWith(`${l}=`))) out.push(a);
  }
  return out;
}

/** A fixed set of worker threads expanding chunks of a level. */
export class ExplorerPool {
  private constructor(private readonly slots: Slot[]) {}

  /** Starts `count` workers, each loading the model; rejects if any cannot. */
  static async start(source: ModelModule, count: number): Promise<ExplorerPool> {
    const entry = workerEntry();
    const data = { module: moduleUrl(source.module), export: source.export, args: source.args ?? [] };
    const slots: Slot[] = [];
    const ready: Promise<void>[] = [];
    for (let i = 0; i < count; i++) {
      const worker = new Worker(entry.script, { workerData: data, eval: entry.eval, execArgv: workerExecArgv() });
      const slot: Slot = { worker };
      slots.push(slot);
      ready.push(
        new Promise<void>((resolve, reject) => {
          slot.resolve = () => resolve();
          slot.reject = reject;
        }),
      );
      worker.on("message", (msg: WorkerReply) => {
        const { resolve, reject } = slot;
        slot.resolve = undefined;
        slot.reject = undefined;
        if (msg.type === "error") reject?.(new Error(`explorer worker: ${msg.message}`));
        else resolve?.(msg.type === "result" ? msg.result : (undefined as unknown as ChunkResult));
      });
      const die = (err: Error) => {
        slot.dead ??= err;
        slot.reject?.(err);
      };
      worker.on("error", die);
      worker.on("exit", (code) => die(new Error(`explorer worker exited with code ${code}`)));
    }
    const pool = new ExplorerPool(slots);
    try {
      await Promise.all(ready);
    } catch (err) {
      await pool.close();
      throw err;
    }
    return pool;
  }

  get size(): number {
    return this.slots.length;
  }

  private send(slot: Slot, chunk: Chunk): Promise<ChunkResult> {
    return new Promise((resolve, reject) => {
      if (slot.dead !== undefined) return reject(slot.dead);
      slot.resolve = resolve;
      slot.reject = reject;
      const req: ChunkRequest = { chunk };
      slot.worker.postMessage(req, [chunk.words.buffer, chunk.offsets.buffer] as ArrayBuffer[]);
    });
  }

  /**
   * Expands chunks 0..count-1 (built on demand by `make`) on the free workers and hands each
   * result to `consume` in chunk order; stops handing out chunks once `consume` returns false.
   */
  map(count: number, make: (c: number) => Chunk, consume: (c: number, r: ChunkResult) => boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      const results: (ChunkResult | undefined)[] = new Array(count);
      let next = 0;
      let done = 0;
      let over = count === 0;
      if (over) return resolve();
      const fail = (err: unknown) => {
        if (over) return;
        over = true;
        reject(err);
      };
      const drain = () => {
        while (!over && done < count && results[done] !== undefined) {
          const r = results[done] as ChunkResult;
          results[done] = undefined;
          if (!consume(done++, r)) over = true;
        }
        if (done === count) over = true;
        if (over) resolve();
      };
      const launch = (slot: Slot) => {
        if (over || next >= count) return;
        const c = next++;
        let chunk: Chunk;
        try {
          chunk = make(c);
        } catch (err) {
          return fail(err);
        }
        this.send(slot, chunk).then((r) => {
          results[c] = r;
          try {
            drain();
          } catch (err) {
            fail(err);
          }
          launch(slot);
        }, fail);
      };
      for (const slot of this.slots) launch(slot);
    });
  }

  /** Stops every worker. */
  async close(): Promise<void> {
    for (const s of this.slots) {
      s.reject = undefined;
      s.dead = new Error("explorer pool closed");
    }
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
