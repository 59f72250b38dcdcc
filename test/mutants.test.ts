/**
 * A small smoke of the mutation bench (the full bench is `pnpm mutants`): every mutant's patch
 * still applies, a few mutants are found by a short sweep and their replay reproduces the trace
 * hash, and an unknown mutant name is named.
 */
import { describe, expect, it } from "vitest";
import { replayCase, sweep, type SearchMode } from "@faultline/check";
import { MUTANTS, mutantNamed, mutantSpace } from "../bench/mutants/registry.js";

describe("mutation bench (smoke)", () => {
  it("holds at least 24 mutants across Raft and 2PC, and every one builds", async () => {
    expect(MUTANTS.length).toBeGreaterThanOrEqual(24);
    expect(MUTANTS.filter((m) => m.system === "raft").length).toBeGreaterThanOrEqual(16);
    expect(new Set(MUTANTS.map((m) => m.name)).size).toBe(MUTANTS.length);
    for (const m of MUTANTS) expect((await mutantSpace(m)).name).toBeTruthy();
  }, 120_000);

  const smoke: [string, SearchMode][] = [
    ["raft-vote-twice", "plain"],
    ["raft-follower-commits-past-new-entries", "swarm"],
    ["2pc-coordinator-forgets-decisions", "plain"],
  ];
  for (const [name, mode] of smoke) {
    it(`finds ${name} (${mode}) within 40 runs and its replay gives the same trace hash`, async () => {
      const space = await mutantSpace(mutantNamed(name));
      const r = sweep(space, { mode, runs: 40, seed: 1, maxShrinkRuns: 100 });
      expect(r.ok).toBe(false);
      const f = r.failure!;
      expect(f.size).toBeLessThanOrEqual(5);
      expect(replayCase(space, f.token).traceHash).toBe(f.traceHash);
    }, 120_000);
  }

  it("names an unknown mutant and lists the known ones", () => {
    expect(() => mutantNamed("raft-no-such-bug")).toThrow(/unknown mutant "raft-no-such-bug" \(mutants: raft-commit-previous-term-by-count, /);
  });
});
