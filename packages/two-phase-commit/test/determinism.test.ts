import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runTwoPhase } from "./harness.js";

const hash = (seed: string) => runTwoPhase({ seed, participants: 4, commitProbability: 0.8, txs: 10 }).result.traceHash;

describe("two-phase commit runs are deterministic", () => {
  it("gives the same trace hash for the same seed, and different ones for different seeds", () => {
    expect(hash("d1")).toBe(hash("d1"));
    expect(new Set(["d1", "d2", "d3", "d4"].map(hash)).size).toBe(4);
  });

  it("gives the same trace hash in a separate process", () => {
    const script = fileURLToPath(new URL("./print-hash.ts", import.meta.url));
    const out = execFileSync(process.execPath, ["--import", "tsx", script, "d7"], { encoding: "utf8" }).trim();
    expect(out).toBe(hash("d7"));
  });
});
