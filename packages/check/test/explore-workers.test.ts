/**
 * The explorer in worker threads: a model loaded from its module in every worker gives the same
 * states, counts, depth and counterexample as the in-process search, whatever the number of
 * workers; and the explorer's fingerprints (a codec's words or a JSON text) count what TLC counts.
 */
import { describe, expect, it } from "vitest";
import { explore, exploreModule, type ExploreResult } from "@faultline/check";
import { twoPhaseLamport } from "./models/two-phase-lamport.js";

const lamport = new URL("./models/two-phase-lamport.ts", import.meta.url);
const spec = new URL("./models/two-phase-commit-spec.ts", import.meta.url);

const counts = (r: ExploreResult) => ({ distinctStates: r.distinctStates, generated: r.generated, depth: r.depth, complete: r.complete, violation: r.violation });

describe("exploreModule in worker threads", () => {
  it("TwoPhase.tla with 5 RMs: 1, 2 and 3 workers count exactly what the in-process search and TLC count", async () => {
    const inProcess = explore(twoPhaseLamport(5));
    expect(inProcess.distinctStates).toBe(8_832);
    // TLC: 8,832 distinct states, 58,146 generated (initial state included), depth 17.
    expect(inProcess.generated).toBe(58_146);
    for (const workers of [1, 2, 3]) {
      const r = await exploreModule({ module: lamport, export: "twoPhaseLamport", args: [5] }, { workers });
      expect(counts(r)).toEqual(counts(inProcess));
    }
  });

  it("TwoPhase.tla with 7 RMs in 2 workers: TLC's 296,448 distinct states, 2,744,706 generated, depth 23", async () => {
    const r = await exploreModule({ module: lamport, export: "twoPhaseLamport", args: [7] }, { workers: 2 });
    expect([r.distinctStates, r.generated, r.depth, r.complete]).toEqual([296_448, 2_744_706, 23, true]);
    expect(r.violation).toBeUndefined();
  });

  it("TwoPhaseCommit.tla MC_2 in 2 workers: TLC's 6,830 states", async () => {
    const r = await exploreModule({ module: spec, export: "twoPhaseCommitSpec", args: [{ participants: 2, votes: ["yes", "no"], canCrash: true, canLose: true }] }, { workers: 2 });
    expect(r.distinctStates).toBe(6_830);
    expect(r.depth).toBe(18);
  });

  it("a planted bug (the TM commits once one RM is prepared) is found with the same shortest counterexample by every worker count", async () => {
    const expected = ["RMPrepare(0)", "TMRcvPrepared(0)", "TMCommit", "RMRcvCommitMsg(0)", "RMChooseToAbort(1)"];
    const inProcess = explore(twoPhaseLamport(4, { bug: "commit-on-one-prepared" }));
    expect(inProcess.violation?.invariant).toBe("TCConsistent");
    expect(inProcess.violation?.path).toEqual(expected);
    for (const workers of [1, 2, 3]) {
      const r = await exploreModule({ module: lamport, export: "twoPhaseLamport", args: [4, { bug: "commit-on-one-prepared" }] }, { workers });
      expect(counts(r)).toEqual(counts(inProcess));
    }
    // The correct TM is clean at the same size.
    expect(explore(twoPhaseLamport(4)).violation).toBeUndefined();
  });

  it("bounds: maxDepth and maxStates stop at the same place in process and in workers", async () => {
    for (const bounds of [{ maxDepth: 6 }, { maxStates: 1_000 }, { maxStates: 1 }]) {
      const inProcess = explore(twoPhaseLamport(5), bounds);
      expect(inProcess.complete).toBe(false);
      const r = await exploreModule({ module: lamport, export: "twoPhaseLamport", args: [5] }, { ...bounds, workers: 2 });
      expect(counts(r)).toEqual(counts(inProcess));
    }
    expect(explore(twoPhaseLamport(5), { maxDepth: 6 }).depth).toBe(6);
    expect(explore(twoPhaseLamport(5), { maxStates: 1_000 }).distinctStates).toBe(1_000);
  });

  it("bad input gets errors naming what is wrong", async () => {
    const source = { module: lamport, export: "twoPhaseLamport", args: [3] };
    await expect(exploreModule(source, { workers: 0 })).rejects.toThrow(/options\.workers must be an integer ≥ 1, got 0/);
    await expect(exploreModule(source, { workers: 2, strategy: "dfs" })).rejects.toThrow(/workers > 1 needs strategy "bfs"/);
    await expect(exploreModule({ ...source, export: "nope" })).rejects.toThrow(/has no export "nope"/);
    await expect(exploreModule({ ...source, args: [3, { fingerprint: "json" }] }, { workers: 2 })).rejects.toThrow(/needs a model with a `codec`/);
    await expect(exploreModule({ module: "", export: "x" })).rejects.toThrow(/`module` must be a non-empty path or URL/);
    expect(() => explore(twoPhaseLamport(3), { maxDepth: 0 })).toThrow(/options\.maxDepth must be an integer ≥ 1/);
    expect(() => explore(twoPhaseLamport(3), { strategy: "random" as "bfs" })).toThrow(/options\.strategy must be "bfs" or "dfs"/);
    expect(() => explore({ init: () => [1], next: () => [] })).toThrow(/needs a `codec` or a `fingerprint`/);
  });

  it("a model that throws inside a worker fails the search with the model's error", async () => {
    const r = exploreModule({ module: new URL("./models/throwing.ts", import.meta.url), export: "throwingModel" }, { workers: 2 });
    await expect(r).rejects.toThrow(/explorer worker: Error: next exploded at 3/);
  });
});

describe("fingerprints", () => {
  it("a codec and JSON text count the same states (TwoPhase.tla, 1 to 5 RMs), with a tiny collision estimate", () => {
    for (let rms = 1; rms <= 5; rms++) {
      const a = explore(twoPhaseLamport(rms));
      const b = explore(twoPhaseLamport(rms, { fingerprint: "json" }));
      expect(counts(a)).toEqual(counts(b));
      expect(a.collisionProbability).toBeLessThan(1e-9);
    }
  });
});
