/**
 * The package as a user gets it: `npm pack` of packages/faultline (built by `pnpm build` first),
 * installed with plain npm into an empty project next to fast-check and typescript from the
 * registry. Every subpath loads through `import` and `require` with the exports of its source,
 * types check with tsc, a simulation, a property check and `replayFailure` run on one shared
 * kernel, source maps point into the TypeScript, and the `faultline` binary runs.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const umbrella = join(root, "packages/faultline");
const fixtures = join(root, "test/package");
const rootPkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { devDependencies: Record<string, string> };
const manifest = JSON.parse(readFileSync(join(umbrella, "package.json"), "utf8")) as {
  exports: Record<string, string | { import: { types: string; default: string }; require: { types: string; default: string } }>;
  bin: Record<string, string>;
};
/** "faultline", "faultline/check", ...: every subpath of the exports map. */
const subpaths = Object.keys(manifest.exports)
  .filter((k) => k !== "./package.json")
  .map((k) => `faultline${k.slice(1)}`);

/** npm must not inherit pnpm's settings when this runs under `pnpm test` (registry and cache excepted). */
const env = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !/^npm_(config|package|lifecycle)_/i.test(k) || /^npm_config_(registry|cache)$/i.test(k)),
);
const INSTALL_MS = 180_000;

let project = "";
let packed: { filename: string; files: { path: string }[] };

function run(cmd: string, args: string[], opts: { cwd?: string; timeout?: number; nodeArgs?: string[] } = {}): string {
  try {
    return execFileSync(cmd, args, { cwd: opts.cwd ?? project, env, encoding: "utf8", timeout: opts.timeout ?? 60_000, stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(" ")} failed: ${err.message}\n${err.stdout ?? ""}\n${err.stderr ?? ""}`);
  }
}

beforeAll(() => {
  if (!existsSync(join(umbrella, "dist/index.js"))) throw new Error("packages/faultline/dist is missing: run `pnpm build` first (`pnpm test` does)");
  project = mkdtempSync(join(tmpdir(), "faultline-package-"));
  [packed] = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", project], { cwd: umbrella }));
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true }));
  for (const f of readdirSync(fixtures)) copyFileSync(join(fixtures, f), join(project, f));
  copyFileSync(join(fixtures, "types.mts"), join(project, "types.cts"));
  const pin = (name: string) => `${name}@${rootPkg.devDependencies[name]}`;
  // fast-check: whatever 4.x npm picks today, as a user's `npm i fast-check` would.
  run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", `./${packed.filename}`, "fast-check@^4", pin("typescript"), pin("@types/node")], { timeout: INSTALL_MS });
}, INSTALL_MS + 60_000);

afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

describe("the packed faultline package, installed with npm", () => {
  it("holds every exported file and the bin shim, and depends on nothing unpublished", () => {
    const files = new Set(packed.files.map((f) => f.path));
    for (const [key, target] of Object.entries(manifest.exports)) {
      const targets = typeof target === "string" ? [target] : [target.import.types, target.import.default, target.require.types, target.require.default];
      for (const t of targets) expect(files.has(t.slice(2)), `${key} -> ${t} missing from the tarball`).toBe(true);
    }
    expect(files.has(manifest.bin.faultline!.slice(2))).toBe(true);
    expect([...files].filter((f) => f.startsWith("src/") || f.includes("test"))).toEqual([]);
    const installed = JSON.parse(readFileSync(join(project, "node_modules/faultline/package.json"), "utf8"));
    const runtime = { ...installed.dependencies, ...installed.peerDependencies };
    expect(Object.keys(runtime).filter((d) => d.startsWith("@faultline/") || String(runtime[d]).startsWith("workspace:"))).toEqual([]);
    expect(installed.peerDependencies).toEqual({ "fast-check": expect.stringMatching(/^\^4\./) });
    expect(existsSync(join(project, "node_modules/@faultline"))).toBe(false);
  });

  it("loads every subpath with import and with require, with the exports of its source", async () => {
    const esm = JSON.parse(run(process.execPath, ["run.mjs", JSON.stringify(subpaths)], { timeout: 120_000 }));
    const cjs = JSON.parse(run(process.execPath, ["run.cjs", JSON.stringify(subpaths)], { timeout: 120_000 }));
    for (const path of subpaths) {
      const file = path === "faultline" ? "index" : path.slice("faultline/".length);
      const source = Object.keys(await import(join(umbrella, "src", `${file}.ts`))).sort();
      expect(source.length, path).toBeGreaterThan(0);
      expect(esm.exports[path], `${path} (import)`).toEqual(source);
      expect(cjs.exports[path], `${path} (require)`).toEqual(source);
    }
    expect(esm).toEqual(cjs);

    expect(esm.sim).toEqual({ ok: true, pongs: 2, hash: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(esm.property).toEqual({ ok: false, invariant: "UniqueTickets", traceHash: expect.stringMatching(/^[0-9a-f]{16}$/), token: "string" });
    expect(esm.replay).toEqual({ replayedViolation: true, message: expect.stringContaining(`[trace ${esm.property.traceHash}]`) });
    // One kernel behind all subpaths (per format): instanceof holds across them.
    expect(esm.configErrorFromCheck).toBe(true);
    expect(esm.configErrorFromRaft).toBe(true);
  }, 240_000);

  it("type-checks a strict TypeScript user file with node16 (ESM and CJS) and bundler resolution", () => {
    const base = { strict: true, noEmit: true, skipLibCheck: false, target: "ES2022", lib: ["ES2022"], types: ["node"] };
    writeFileSync(join(project, "tsconfig.node16.json"), JSON.stringify({ compilerOptions: { ...base, module: "node16", moduleResolution: "node16" }, files: ["types.mts", "types.cts"] }));
    writeFileSync(join(project, "tsconfig.bundler.json"), JSON.stringify({ compilerOptions: { ...base, module: "esnext", moduleResolution: "bundler" }, files: ["types.mts"] }));
    const tsc = join(project, "node_modules/typescript/bin/tsc");
    for (const config of ["tsconfig.node16.json", "tsconfig.bundler.json"]) {
      expect(() => run(process.execPath, [tsc, "-p", config], { timeout: 120_000 }), config).not.toThrow();
    }
  }, 240_000);

  it("ships source maps with their sources, so stack traces name the TypeScript files", () => {
    const dist = join(project, "node_modules/faultline/dist");
    const maps = readdirSync(dist).filter((f) => f.endsWith(".map"));
    expect(maps.length).toBeGreaterThan(10);
    const sources = new Set<string>();
    for (const m of maps) {
      const map = JSON.parse(readFileSync(join(dist, m), "utf8")) as { file: string; sources: string[]; sourcesContent?: (string | null)[] };
      // Every TypeScript source travels with its text; the only other sources allowed are the
      // output file itself (CJS splitting maps its interop lines to it) and the bundler's shims.
      for (const s of map.sources) if (s !== map.file) sources.add(s);
      expect(map.sources.filter((s) => !s.endsWith(".ts") && s !== map.file && !s.startsWith("sources/external/")), m).toEqual([]);
      map.sources.forEach((s, i) => {
        if (s.endsWith(".ts")) expect(map.sourcesContent?.[i], `${m}: ${s}`).toEqual(expect.stringMatching(/\S/));
      });
    }
    for (const part of ["kernel", "check", "two-phase-commit", "raft", "tcp", "cli"]) expect([...sources].some((s) => s.startsWith(`sources/${part}/src/`)), part).toBe(true);
    // Every source a map names is shipped, so a stack trace names a file that exists.
    for (const s of sources) expect(existsSync(join(dist, s)), s).toBe(true);
    const stack = run(process.execPath, ["--enable-source-maps", "errors.cjs"]);
    expect(stack).toMatch(/^ConfigError: invalid nodes\[0\]\.protocol/);
    const frame = /(\/\S*node_modules\/faultline\/dist\/sources\/kernel\/src\/simulation\.ts):\d+:\d+/.exec(stack);
    expect(frame, stack).not.toBeNull();
    expect(existsSync(frame![1]!)).toBe(true);
  });

  it("installs a working faultline binary", () => {
    const help = run(join(project, "node_modules/.bin/faultline"), ["--help"]);
    for (const command of ["coordinator", "participant", "raft-node", "tx", "kv"]) expect(help).toContain(command);
    expect(run(join(project, "node_modules/.bin/faultline"), ["raft-node", "--help"])).toContain("--cluster");
  });
});
