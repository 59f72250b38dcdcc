/**
 * `<system>` of the simulation commands: a shipped system (`raft`, `2pc`) or a path to the user's
 * own module (.ts, .mts, .js, .mjs) exporting a search space made with `defineSystem`. TypeScript
 * modules load through tsx's programmatic API, so a user needs no loader flag.
 */
import { existsSync } from "node:fs";
import { extname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { SystemSpace } from "@faultline/check";
import { raftSpace } from "./systems/raft.js";
import { twoPhaseSpace } from "./systems/two-phase.js";
import { pubsubSpace } from "./systems/pubsub.js";

/** A usage error (exit code 2): `field` names the bad flag, argument or field. */
export class UsageError extends Error {
  readonly field: string;
  constructor(field: string, problem: string) {
    super(`${field}: ${problem}`);
    this.name = "UsageError";
    this.field = field;
  }
}

/** The systems shipped with the command. */
export const SHIPPED_SYSTEMS: Readonly<Record<string, () => SystemSpace<any>>> = { raft: () => raftSpace, "2pc": () => twoPhaseSpace, pubsub: () => pubsubSpace };

/** A loaded system and how to load it again (in a worker, or from a report). */
export interface LoadedSystem {
  readonly space: SystemSpace<any>;
  /** A shipped name, or the module's absolute path. */
  readonly ref: string;
}

const isSpace = (v: unknown): v is SystemSpace<any> => typeof v === "object" && v !== null && typeof (v as SystemSpace).buildChecked === "function" && typeof (v as SystemSpace).name === "string";

let tsxRegistered = false;

/** Loads `<system>`; throws a {@link UsageError} naming `what` when it is neither shipped nor a module exporting one system. */
export async function loadSystem(arg: string, what = "<system>"): Promise<LoadedSystem> {
  const shipped = SHIPPED_SYSTEMS[arg];
  if (shipped) return { space: shipped(), ref: arg };
  const path = resolve(arg);
  if (!existsSync(path)) throw new UsageError(what, `${JSON.stringify(arg)} is neither a shipped system (${Object.keys(SHIPPED_SYSTEMS).join(", ")}) nor an existing module file`);
  const ext = extname(path);
  if (![".ts", ".mts", ".cts", ".js", ".mjs", ".cjs"].includes(ext)) throw new UsageError(what, `${arg}: expected a .ts or .js module`);
  if ([".ts", ".mts", ".cts"].includes(ext) && !tsxRegistered && !import.meta.url.endsWith(".ts")) {
    const { register } = await import("tsx/esm/api");
    register();
    tsxRegistered = true;
  }
  const mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  const candidates = ["default", "system"].map((k) => mod[k]).filter(isSpace);
  const all = Object.values(mod).filter(isSpace);
  const space = candidates[0] ?? (all.length === 1 ? all[0] : undefined);
  if (!space) throw new UsageError(what, `${arg} exports ${all.length === 0 ? "no" : `${all.length}`} system space(s): export one made with defineSystem, as \`default\` or \`system\``);
  return { space, ref: path };
}
