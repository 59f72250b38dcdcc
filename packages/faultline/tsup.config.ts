/**
 * The one package users install. Its entries are read from package.json `exports` (the single
 * list of subpaths): `"."` builds `src/index.ts`, `"./check"` builds `src/check.ts`, and so on.
 * The internal @faultline/* packages are bundled from their sources (paths in tsconfig.json), so the
 * tarball depends on nothing unpublished. `splitting` gives every entry of a format one shared
 * copy of the kernel: `instanceof ConfigError` and module state hold across subpaths.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { defineConfig, type Options } from "tsup";

const pkg = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8")) as { exports: Record<string, unknown> };

/** `"."` → `index`, `"./check"` → `check`; `./package.json` is not an entry. */
const parts = Object.keys(pkg.exports)
  .filter((k) => k !== "./package.json")
  .map((k) => (k === "." ? "index" : k.slice(2)));
const library = Object.fromEntries(parts.map((p) => [p, `src/${p}.ts`]));

/**
 * Source maps name files relative to dist/, and the bundled sources live outside this package
 * (`../../kernel/src/...`): a stack trace would name files the tarball does not ship. Each
 * source is written beside the bundle, under `dist/sources/<package>/src/...` (from the map's
 * `sourcesContent`; the bundler's helpers under `dist/sources/external/`), and the map names that copy, so `--enable-source-maps` stacks point at a
 * file that exists in `node_modules/faultline`. CJS splitting leaves the intermediate chunk as an
 * absolute path of the build machine: made relative too.
 */
function renameSources(ext: string) {
  return async () => {
    const packages = resolve("..");
    for (const file of readdirSync("dist").filter((f) => f.endsWith(ext))) {
      const map = JSON.parse(readFileSync(`dist/${file}`, "utf8")) as { sources: string[]; sourcesContent?: (string | null)[]; file?: string };
      if (map.file && isAbsolute(map.file)) map.file = relative(resolve("dist"), map.file);
      map.sources = map.sources.map((s, i) => {
        const abs = resolve("dist", s);
        const content = map.sourcesContent?.[i];
        if (typeof content !== "string" || !relative(resolve("dist"), abs).startsWith("..")) return isAbsolute(s) ? relative(resolve("dist"), s) : s;
        // The workspace's sources by package; the bundler's own helpers (CJS shims) by file name.
        const inside = relative(packages, abs);
        const shipped = join("dist/sources", inside.startsWith("..") ? join("external", basename(abs)) : inside);
        mkdirSync(dirname(shipped), { recursive: true });
        writeFileSync(shipped, content);
        return relative(resolve("dist"), resolve(shipped));
      });
      writeFileSync(`dist/${file}`, JSON.stringify(map));
    }
  };
}

const shared: Options = {
  noExternal: [/^@faultline\//],
  splitting: true,
  sourcemap: true,
  target: "node20",
  platform: "node",
  // import.meta.url in the CommonJS build, where the explorer finds its worker script.
  shims: true,
};

/**
 * Worker threads' entry files, beside the chunks that start them (`new URL("./x-worker.js",
 * import.meta.url)`): the explorer's, and the command's sweep workers (ESM only, like the command).
 */
const workers = { "explore-worker": "../check/src/explore/worker.ts" };
const commandWorkers = { "sim-worker": "../cli/src/sim/worker.ts" };

export default defineConfig([
  // ESM: the library entries plus the `faultline` command, all sharing chunks.
  { ...shared, entry: { ...library, ...workers, ...commandWorkers, bin: "src/bin.ts" }, format: ["esm"], dts: { entry: library }, clean: true, onSuccess: renameSources(".js.map") },
  // CJS: the library entries only (the command is ESM).
  { ...shared, entry: { ...library, ...workers }, format: ["cjs"], dts: { entry: library }, onSuccess: renameSources(".cjs.map") },
]);
