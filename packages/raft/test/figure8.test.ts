/**
 * Figure 8 of the Raft paper, scripted: a leader that commits an entry of an earlier term by
 * counting replicas (the planted bug) lets a later leader overwrite a committed entry; the
 * invariants catch it. The same schedule is safe with the real commit rule.
 */
import { describe, expect, it } from "vitest";
import type { Simulation } from "@faultline/kernel";
import type { RaftState } from "@faultline/raft";
import { figure8 } from "./figure8-scenario.js";

const st = (sim: Simulation, id: string) => sim.node(id).state as RaftState;

describe("figure 8", () => {
  it("the planted bug commits an earlier term's entry by counting, and a later leader overwrites it: caught", () => {
    const sim = figure8(true);
    sim.runUntil(899);
    // s1 led term 3 and committed entry 1 of term 1, replicated on s1, s2, s3 only by counting.
    expect(st(sim, "s1").term).toBe(3);
    expect(st(sim, "s1").commitIndex).toBe(1);
    expect(st(sim, "s1").log[0]?.term).toBe(1);
    const result = sim.run();
    expect(result.ok).toBe(false);
    expect(result.violation?.invariant).toBe("LeaderCompleteness");
    expect(result.violation?.message).toMatch(/s5 leads term \d+ without entry 1 \(term 1\) committed in term 3; it holds 2/);
  });

  it("the real commit rule (with its no-op) runs the same schedule safely", () => {
    const sim = figure8(false);
    const result = sim.run();
    expect(result.violation).toBeUndefined();
    // Everyone still up ends with the same committed prefix, which holds every entry s1 committed.
    const live = ["s2", "s3", "s4", "s5"].map((id) => st(sim, id));
    const upTo = Math.min(...live.map((s) => s.commitIndex));
    expect(upTo).toBeGreaterThan(0);
    for (const s of live) expect(s.log.slice(0, upTo)).toEqual(live[0]?.log.slice(0, upTo));
  });
});
