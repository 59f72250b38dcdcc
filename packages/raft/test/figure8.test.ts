/**
 * Figure 8 of the Raft paper, scripted: a leader that commits an entry of an earlier term by
 * counting replicas (the planted commit-rule mutant, test-only) lets a later leader overwrite a
 * committed entry, even though every new leader appends its no-op; the invariants catch it. The
 * same schedule is safe with the real commit rule.
 */
import { describe, expect, it } from "vitest";
import type { Simulation } from "@faultline/kernel";
import type { RaftState } from "@faultline/raft";
import { figure8, FIGURE8 } from "./figure8-scenario.js";

const st = (sim: Simulation, id: string) => sim.node(id).state as RaftState;

describe("figure 8", () => {
  it("the commit-rule mutant commits an earlier term's entry by counting, and a later leader overwrites it: caught", () => {
    const sim = figure8(true);
    sim.runUntil(FIGURE8.brink - 1);
    // s1 leads term 3 with its no-op at 3, and committed entry 2 of term 1, held by s1, s2, s3, by counting.
    const s1 = st(sim, "s1");
    expect([s1.term, s1.role, s1.commitIndex, s1.log.termAt(2), s1.log.entryAt(3)?.command]).toEqual([3, "leader", 2, 1, { op: "noop" }]);
    expect(st(sim, "s3").log.lastIndex).toBe(2);
    const result = sim.run();
    expect(result.ok).toBe(false);
    expect(result.violation?.invariant).toBe("LeaderCompleteness");
    expect(result.violation?.message).toMatch(/^s5 leads term 4 without entry 2 \(term 1\) committed in term 3; it holds 2$/);
  });

  it("the real commit rule (with its no-op) runs the same schedule safely", () => {
    const sim = figure8(false);
    sim.runUntil(FIGURE8.brink - 1);
    // Entry 2 is on a majority, but of an earlier term: s1 waits for its no-op to reach one too.
    expect([st(sim, "s1").term, st(sim, "s1").commitIndex]).toEqual([3, 1]);
    const result = sim.run();
    expect(result.violation).toBeUndefined();
    // Everyone still up ends with the same committed prefix, which holds every entry s1 committed.
    const live = ["s2", "s3", "s4", "s5"].map((id) => st(sim, id));
    const upTo = Math.min(...live.map((s) => s.commitIndex));
    expect(upTo).toBeGreaterThan(1);
    for (const s of live) expect(s.log.entries(1, upTo)).toEqual(live[0]?.log.entries(1, upTo));
  });
});
