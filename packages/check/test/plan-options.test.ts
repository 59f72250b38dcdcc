import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { PLAN_RANGES } from "@faultline/kernel";
import { planArbitrary } from "@faultline/check";

describe("planArbitrary options", () => {
  it("are validated up front like the kernel's generatePlan, naming the field", () => {
    expect(() => planArbitrary({ nodes: ["a"], durationMs: Number.NaN })).toThrow(/invalid durationMs: expected a positive number of ms, got NaN/);
    expect(() => planArbitrary({ nodes: [], durationMs: 10 })).toThrow(/invalid nodes: a plan needs at least one node/);
    expect(() => planArbitrary({ nodes: ["a"], durationMs: 10, kinds: ["flood" as never] })).toThrow(/invalid kinds\[0\]: unknown fault kind "flood"/);
  });

  it("draw from the kernel's plan ranges", () => {
    for (const plan of fc.sample(planArbitrary({ nodes: ["a", "b", "c"], durationMs: 1_000, kinds: ["clock", "network"] }), { numRuns: 200, seed: 5 })) {
      for (const a of plan) {
        if (a.type === "clock") {
          expect(a.offsetMs).toBeGreaterThanOrEqual(PLAN_RANGES.clockOffsetMs.min);
          expect(a.offsetMs).toBeLessThanOrEqual(PLAN_RANGES.clockOffsetMs.max);
        }
        if (a.type === "network" && a.dropRate !== undefined) expect(a.dropRate * 100).toBeLessThanOrEqual(PLAN_RANGES.dropPercent.max);
      }
    }
  });
});
