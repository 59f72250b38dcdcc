/**
 * A sweep failure that needs no fault at all prints "fault plan: none" rather than two empty
 * headings; one that needs faults lists them under "minimal timed plan".
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { defineSystem, formatSweepFailure, sweep } from "@faultline/check";
import { transition, type Protocol } from "@faultline/kernel";

/** A node that counts its restarts in its log: `restarted` is true once it came back. */
const phoenix: Protocol<{ restarted: boolean }, never, never, never, string> = {
  name: "phoenix",
  init: (_ctx, records) => transition({ restarted: records.length > 0 }, (_d, fx) => void fx.persist("booted")),
  step: (s) => ({ state: s, effects: [] }),
};

const space = (invariant: "always" | "after-restart") =>
  defineSystem<number>({
    name: `phoenix-${invariant}`,
    config: fc.integer({ min: 1, max: 3 }),
    defaultConfig: 3,
    faultWindowMs: 500,
    runMs: 1_000,
    build: (n) => ({
      nodes: Array.from({ length: n }, (_, i) => ({ id: `n${i + 1}`, protocol: phoenix })),
      invariants: [{ name: "Never", check: (view) => (invariant === "always" || view.nodes.some((x) => x.state?.restarted) ? "broken" : undefined) }],
    }),
  });

describe("formatSweepFailure", () => {
  it("says there is no fault plan when the shrunk case has none", () => {
    const f = sweep(space("always"), { mode: "swarm", runs: 5, seed: 2 }).failure;
    if (f === undefined) throw new Error("expected a failure");
    expect(f.plan).toEqual([]);
    const text = formatSweepFailure(f);
    expect(text).toContain("fault plan: none (the configuration, the swarm's network rates and the seed alone fail it)");
    expect(text).not.toContain("minimal timed plan");
    expect(text).not.toContain("triggers (0)");
  });

  it("lists the faults a failure needs", () => {
    const f = sweep(space("after-restart"), { mode: "triggers", runs: 300, seed: 2 }).failure;
    if (f === undefined) throw new Error("expected a failure");
    expect(f.plan.length).toBeGreaterThan(0);
    const text = formatSweepFailure(f);
    expect(text).toContain(`minimal timed plan (${f.plan.length} action(s), calm after):`);
    expect(text).not.toContain("fault plan: none");
  });

  it("says when shrinking stopped at its budget, and not otherwise", () => {
    const cut = sweep(space("after-restart"), { mode: "triggers", runs: 300, seed: 2, maxShrinkRuns: 1 }).failure;
    if (cut === undefined) throw new Error("expected a failure");
    expect(cut.shrinkBudgetSpent).toBe(true);
    expect(formatSweepFailure(cut)).toContain("shrunk in 1 run(s) (all of maxShrinkRuns: it may shrink further with more)");
    const whole = sweep(space("after-restart"), { mode: "triggers", runs: 300, seed: 2 }).failure;
    if (whole === undefined) throw new Error("expected a failure");
    expect(whole.shrinkBudgetSpent).toBe(false);
    expect(formatSweepFailure(whole)).not.toContain("maxShrinkRuns");
  });
});
