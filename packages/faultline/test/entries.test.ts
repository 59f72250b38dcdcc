/**
 * The umbrella's entries list their names one by one (no `export *`), so a name an internal
 * package adds is not shipped until it is listed: these tests fail until it is, for values (at
 * run time) and for types (through the compiler).
 */
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../..", import.meta.url));
/** Umbrella entry → the internal package it re-exports. */
const entries: Record<string, string> = {
  index: "kernel",
  check: "check",
  cli: "cli",
  pubsub: "pubsub",
  raft: "raft",
  tcp: "tcp",
  "two-phase-commit": "two-phase-commit",
};
const umbrellaFile = (entry: string) => `${root}packages/faultline/src/${entry}.ts`;
const packageFile = (pkg: string) => `${root}packages/${pkg}/src/index.ts`;

describe("the umbrella's explicit export lists", () => {
  it.each(Object.entries(entries))("faultline/%s re-exports every value of @faultline/%s", async (entry, pkg) => {
    const umbrella = Object.keys(await import(umbrellaFile(entry))).sort();
    const internal = Object.keys(await import(packageFile(pkg))).sort();
    expect(internal.length).toBeGreaterThan(0);
    expect(umbrella).toEqual(internal);
  });

  it("re-exports every type too", () => {
    const parsed = ts.getParsedCommandLineOfConfigFile(`${root}tsconfig.json`, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
    if (parsed === undefined) throw new Error("cannot read tsconfig.json");
    const files = Object.entries(entries).flatMap(([entry, pkg]) => [umbrellaFile(entry), packageFile(pkg)]);
    const program = ts.createProgram(files, { ...parsed.options, noEmit: true });
    const checker = program.getTypeChecker();
    const names = (file: string) => {
      const source = program.getSourceFile(file);
      const module = source && checker.getSymbolAtLocation(source);
      if (module === undefined) throw new Error(`cannot load ${file}`);
      return checker.getExportsOfModule(module).map((s) => s.name).sort();
    };
    for (const [entry, pkg] of Object.entries(entries)) {
      const internal = names(packageFile(pkg));
      expect(internal.length, pkg).toBeGreaterThan(0);
      expect(names(umbrellaFile(entry)), `faultline/${entry}`).toEqual(internal);
    }
  }, 180_000);
});
