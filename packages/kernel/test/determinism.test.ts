import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { gossipRun } from "./fixtures.js";

describe("determinism", () => {
  it("gives the same trace hash for the same seed, twice in one process", () => {
    const a = gossipRun(7);
    const b = gossipRun(7);
    expect(a.events).toBeGreaterThan(500);
    expect(a.traceHash).toMatch(/^[0-9a-f]{16}$/);
    expect(b.traceHash).toBe(a.traceHash);
    expect(b.events).toBe(a.events);
    expect(b.lastEvents).toEqual(a.lastEvents);
  });

  it("gives different hashes for different seeds", () => {
    const hashes = new Set([1, 2, 3, 4, 5, 6, 7, 8].map((s) => gossipRun(s).traceHash));
    expect(hashes.size).toBe(8);
  });

  it("gives the same hash in a separate process", () => {
    const script = fileURLToPath(new URL("./print-hash.ts", import.meta.url));
    const out = execFileSync(process.execPath, ["--import", "tsx", script, "7"], { encoding: "utf8" }).trim();
    expect(out).toBe(gossipRun(7).traceHash);
  });
});
