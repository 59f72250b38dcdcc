/**
 * The one package users install. Its entries are read from package.json `exports` (the single
 * list of subpaths): `"."` builds `src/index.ts`, `"./check"` builds `src/check.ts`, and so on.
 * The internal @faultline/* packages are bundled from their sources (paths in tsconfig.json), so the
 * tarball depends on nothing unpublished. `splitting` gives every entry of a format one shared
 * copy of the kernel: `instanceof ConfigError` and module state hold across subpaths.
 */
import { readFileSync } from "node:fs";
import { defineConfig, type Options } from "tsup";

const pkg = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8")) as { exports: Record<string, unknown> };

/** `"."` → `index`, `"./check"` → `check`; `./package.json` is not an entry. */
const parts = Object.keys(pkg.exports)
  .filter((k) => k !== "./package.json")
  .map((k) => (k === "." ? "index" : k.slice(2)));
const library = Object.fromEntries(parts.map((p) => [p, `src/${p}.ts`]));

const shared: Options = {
  noExternal: [/^@faultline\//],
  splitting: true,
  sourcemap: true,
  target: "node20",
  platform: "node",
};

export default defineConfig([
  // ESM: the library entries plus the `faultline` command, all sharing chunks.
  { ...shared, entry: { ...library, bin: "src/bin.ts" }, format: ["esm"], dts: { entry: library }, clean: true },
  // CJS: the library entries only (the command is ESM).
  { ...shared, entry: library, format: ["cjs"], dts: { entry: library } },
]);
