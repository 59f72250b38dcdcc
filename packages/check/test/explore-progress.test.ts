/** The explorer's progress reports: at fixed points of the search, never ahead of the result, the same each time. */
import { describe, expect, it } from "vitest";
import { explore, exploreModule, type ExploreProgress } from "@faultline/check";
import { twoPhaseLamport } from "./models/two-phase-lamport.js";

const lamport = new URL("./models/two-phase-lamport.ts", import.meta.url);

describe("explore's onProgress", () => {
  it("BFS reports every few thousand expansions and at each level's end; the last report is the final count with an empty queue", () => {
    const seen: ExploreProgress[] = [];
    const r = explore(twoPhaseLamport(5), { onProgress: (p) => seen.push(p) });
    // One report per level end (17 levels) plus one per 4,096 expansions (8,832 states: 0, 4,096, 8,192).
    expect(seen.length).toBe(17 + 3);
    for (let i = 1; i < seen.length; i++) {
      expect((seen[i] as ExploreProgress).distinctStates).toBeGreaterThanOrEqual((seen[i - 1] as ExploreProgress).distinctStates);
      expect((seen[i] as ExploreProgress).generated).toBeGreaterThanOrEqual((seen[i - 1] as ExploreProgress).generated);
    }
    expect(seen.some((p) => p.queue > 1_000)).toBe(true);
    expect(seen.at(-1)).toEqual({ distinctStates: r.distinctStates, generated: r.generated, depth: r.depth, queue: 0 });
    // Deterministic: the same reports again.
    const again: ExploreProgress[] = [];
    explore(twoPhaseLamport(5), { onProgress: (p) => again.push(p) });
    expect(again).toEqual(seen);
  });

  it("DFS reports its stack as the queue; worker-thread BFS reports after each merged chunk and ends like the in-process search", async () => {
    const dfs: ExploreProgress[] = [];
    const r = explore(twoPhaseLamport(5), { strategy: "dfs", onProgress: (p) => dfs.push(p) });
    expect(dfs.length).toBe(Math.ceil(r.distinctStates / 4096));
    expect(dfs.every((p) => p.distinctStates <= r.distinctStates && p.queue > 0)).toBe(true);
    const workers: ExploreProgress[] = [];
    const w = await exploreModule({ module: lamport, export: "twoPhaseLamport", args: [5] }, { workers: 2, onProgress: (p) => workers.push(p) });
    expect(workers.length).toBeGreaterThanOrEqual(17);
    expect(workers.at(-1)).toEqual({ distinctStates: w.distinctStates, generated: w.generated, depth: w.depth, queue: 0 });
  });

  it("rejects an onProgress that is not a function, naming the option", () => {
    expect(() => explore(twoPhaseLamport(2), { onProgress: 3 as unknown as () => void })).toThrow(/options\.onProgress must be a function, got number/);
  });
});
