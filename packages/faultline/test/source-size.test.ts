/**
 * Small modules: no source file of any package over 400 lines (the architecture issue's bound; a
 * file that grows past it is doing more than one job and should be split by concern).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const packages = fileURLToPath(new URL("../../", import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []));
}

describe("source files", () => {
  it("are at most 400 lines each, in every package", () => {
    const files = readdirSync(packages).flatMap((p) => {
      try {
        return sources(join(packages, p, "src"));
      } catch {
        return []; // a folder without src/
      }
    });
    expect(files.length).toBeGreaterThan(50);
    const over = files.map((f) => ({ file: f.slice(packages.length), lines: readFileSync(f, "utf8").split("\n").length - 1 })).filter((f) => f.lines > 400);
    expect(over).toEqual([]);
  });
});
