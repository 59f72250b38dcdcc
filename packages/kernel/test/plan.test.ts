import { describe, expect, it } from "vitest";
import { generatePlan, simulate, type FaultAction } from "@faultline/kernel";
import { probes } from "./fixtures.js";

const nodes = ["a", "b", "c", "d", "e"];

describe("generatePlan", () => {
  it("makes the same plan from the same seed and different plans from different seeds", () => {
    expect(generatePlan("s1", { nodes, durationMs: 1_000 })).toEqual(generatePlan("s1", { nodes, durationMs: 1_000 }));
    expect(generatePlan("s1", { nodes, durationMs: 1_000 })).not.toEqual(generatePlan("s2", { nodes, durationMs: 1_000 }));
  });

  it("puts faults of every kind before the calm-down, and only known nodes", () => {
    const kinds = new Set<string>();
    for (let i = 0; i < 100; i++) {
      const plan = generatePlan(i, { nodes, durationMs: 1_000, maxActions: 10 });
      for (const a of plan) {
        if (a.at < 1_000) kinds.add(a.type);
        if ("node" in a) expect(nodes).toContain(a.node);
        expect(a.at).toBeGreaterThanOrEqual(0);
        expect(a.at).toBeLessThanOrEqual(1_000);
      }
      // Plans are in time order, as the kernel applies them.
      expect(plan.map((a) => a.at)).toEqual([...plan.map((a) => a.at)].sort((x, y) => x - y));
    }
    expect([...kinds].sort()).toEqual(["block", "clock", "crash", "heal", "network", "partition", "pause", "restart", "resume"]);
  });

  it("ends calm: every crash is followed by a restart, every pause by a resume, and never more than a minority down", () => {
    for (let i = 0; i < 100; i++) {
      const plan: readonly FaultAction[] = generatePlan(i, { nodes, durationMs: 1_000, maxActions: 12 });
      const down = new Set<string>();
      const paused = new Set<string>();
      for (const a of plan) {
        if (a.type === "crash") {
          down.add(a.node);
          paused.delete(a.node); // a crash ends a pause
        }
        if (a.type === "restart") down.delete(a.node);
        if (a.type === "pause") paused.add(a.node);
        if (a.type === "resume") paused.delete(a.node);
        expect(down.size).toBeLessThanOrEqual(2);
      }
      expect([...down, ...paused]).toEqual([]);
      expect(plan.some((a) => a.type === "heal" && a.at === 1_000)).toBe(true);
    }
  });

  it("is accepted by the simulator as is", () => {
    for (let seed = 0; seed < 20; seed++) {
      const plan = generatePlan(seed, { nodes: probes.map((n) => n.id), durationMs: 500, maxActions: 12 });
      expect(simulate({ seed, nodes: probes, plan, maxTimeMs: 1_000 }).ok).toBe(true);
    }
  });
});
