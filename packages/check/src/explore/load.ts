/** Loading a {@link ModelModule}, in the main thread and in each worker alike. */
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { isMainThread } from "node:worker_threads";
import type { Model, ModelModule } from "./model.js";

/** The module's URL: file URLs and other URLs as given, paths resolved against the working directory. */
export function moduleUrl(module: string | URL): string {
  if (module instanceof URL) return module.href;
  return /^[a-z][a-z0-9+.-]*:/i.test(module) && !/^[a-z]:[\\/]/i.test(module) ? module : pathToFileURL(resolve(module)).href;
}

/** Checks the shape of `source` up front, naming what is wrong. */
export function checkModelModule(source: ModelModule): void {
  if (typeof source !== "object" || source === null) throw new TypeError("model module: expected { module, export, args? }");
  if (!(source.module instanceof URL) && (typeof source.module !== "string" || source.module === "")) throw new TypeError("model module: `module` must be a non-empty path or URL");
  if (typeof source.export !== "string" || source.export === "") throw new TypeError("model module: `export` must name an export of the module");
  if (source.args !== undefined && !Array.isArray(source.args)) throw new TypeError("model module: `args` must be an array");
}

/** Set on globalThis once tsx's loader is registered in this thread. */
export const TSX_REGISTERED = Symbol.for("faultline.explore.tsx");

/**
 * A worker thread loading a TypeScript model registers tsx first, from beside the model (the
 * main thread's loader flags do not reach workers on Node 20). The main thread is left as it is.
 */
async function typeScriptLoader(url: string): Promise<void> {
  const g = globalThis as Record<symbol, unknown>;
  if (isMainThread || g[TSX_REGISTERED] === true || !/\.[cm]?tsx?$/.test(new URL(url).pathname)) return;
  let api: string;
  try {
    api = createRequire(url).resolve("tsx/esm/api");
  } catch {
    throw new Error(`model module ${url} is TypeScript, and tsx is not installed where it could load it: install tsx, or point at built JavaScript`);
  }
  const { register } = (await import(pathToFileURL(api).href)) as { register: () => unknown };
  register();
  g[TSX_REGISTERED] = true;
}

/** Imports the module and builds the model; errors name the module and export. */
export async function loadModel(source: ModelModule): Promise<Model<unknown>> {
  const url = moduleUrl(source.module);
  await typeScriptLoader(url);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(url)) as Record<string, unknown>;
  } catch (err) {
    if ((err as { code?: unknown }).code === "ERR_UNKNOWN_FILE_EXTENSION") throw new Error(`model module ${url}: this thread cannot load TypeScript; run under tsx (node --import tsx) or point at built JavaScript`, { cause: err });
    throw err;
  }
  const exported = mod[source.export];
  if (exported === undefined) throw new TypeError(`model module ${url} has no export "${source.export}"`);
  const model = typeof exported === "function" ? (exported as (...args: unknown[]) => unknown)(...(source.args ?? [])) : exported;
  if (typeof model !== "object" || model === null || typeof (model as Model<unknown>).init !== "function" || typeof (model as Model<unknown>).next !== "function") {
    throw new TypeError(`model module ${url}: "${source.export}" is not a model (an object with init and next) nor a function returning one`);
  }
  return model as Model<unknown>;
}
