/** `faultline explore <module>[#export]`: exhaustive model checking of a model module, with states/s. */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { exploreModule } from "@faultline/check";
import { UsageError } from "./load-system.js";
import { exploreProgress } from "./progress.js";

/** Flags of `explore`. */
export interface ExploreFlags {
  readonly bfs?: boolean;
  readonly dfs?: boolean;
  readonly maxDepth?: string;
  readonly maxStates?: string;
  readonly workers?: string;
  readonly args?: string;
  readonly json?: boolean;
}

function count(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new UsageError(flag, `expected a whole number ≥ 1, got ${JSON.stringify(v)}`);
  return Number(v);
}

/** Explores; returns the exit code (0 no violation, 1 violation). */
export async function exploreCommand(model: string, o: ExploreFlags): Promise<number> {
  if (o.bfs && o.dfs) throw new UsageError("--bfs/--dfs", "give one of them, not both");
  const [file, name = "model"] = model.split("#") as [string, string?];
  if (!existsSync(file)) throw new UsageError("<model>", `${JSON.stringify(file)} does not exist (expected path/to/module.ts#exportName)`);
  let args: unknown[] = [];
  if (o.args !== undefined) {
    try {
      const a = JSON.parse(o.args) as unknown;
      args = Array.isArray(a) ? a : [a];
    } catch (err) {
      throw new UsageError("--args", `not JSON: ${(err as Error).message}`);
    }
  }
  const maxDepth = count("--max-depth", o.maxDepth);
  const maxStates = count("--max-states", o.maxStates);
  const workers = count("--workers", o.workers) ?? 1;
  if (!o.json) process.stderr.write(`exploring ${file}#${name} (${o.dfs ? "dfs" : "bfs"}, ${workers} worker(s))…\n`);
  const display = exploreProgress(o.json === true, maxStates);
  let r;
  try {
    r = await exploreModule(
      { module: pathToFileURL(resolve(file)), export: name, args },
      { strategy: o.dfs ? "dfs" : "bfs", workers, onProgress: (p) => display.update(p), ...(maxDepth !== undefined ? { maxDepth } : {}), ...(maxStates !== undefined ? { maxStates } : {}) },
    );
  } finally {
    display.stop();
  }
  if (o.json) process.stdout.write(JSON.stringify(r) + "\n");
  else {
    process.stdout.write(`${r.violation ? "VIOLATION" : "OK"}: ${r.distinctStates} distinct states, ${r.generated} generated, depth ${r.depth}${r.complete ? ", complete" : ", bounded"}; ${r.seconds.toFixed(2)} s, ${Math.round(r.statesPerSecond)} states/s\n`);
    if (r.violation) process.stdout.write(`${r.violation.invariant}: ${r.violation.message}\npath:\n${r.violation.path.map((p) => `  ${p}`).join("\n")}\n`);
  }
  return r.violation ? 1 : 0;
}
