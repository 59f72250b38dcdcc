import { describe, expect, it } from "vitest";
import type { FaultAction } from "@faultline/kernel";
import { describeRun, faultSetup, outcomesOf, runTwoPhase, type FaultFamily, type TwoPhaseRun } from "./harness.js";

const FAMILIES: readonly FaultFamily[] = ["drops", "duplicates", "reordering", "partitions", "crashes"];

const VOTES = {
  "all YES": 1,
  "one NO": { p1: 0 },
  "all NO": 0,
} as const;

/** Safety and termination: no violation, everything finished, and every participant ended where its client was told. */
function expectSafeAndDone(run: TwoPhaseRun): void {
  expect(run.result.violation, describeRun(run)).toBeUndefined();
  expect(run.unfinished, describeRun(run)).toBeUndefined();
  for (const [tx, decision] of run.told) {
    expect(new Set(outcomesOf(run, tx)), `${tx} ${describeRun(run)}`).toEqual(new Set([decision === "commit" ? "committed" : "aborted"]));
  }
}

describe("two-phase commit without faults", () => {
  it.each(Object.entries(VOTES))("%s: every transaction ends as the votes say", (name, commitProbability) => {
    const run = runTwoPhase({ seed: name, participants: 3, commitProbability, txs: 10, faults: false });
    expectSafeAndDone(run);
    expect(run.told.size).toBe(10);
    const expected = name === "all YES" ? "commit" : "abort";
    expect(new Set(run.told.values())).toEqual(new Set([expected]));
  });
});

describe.each(FAMILIES)("two-phase commit under %s", (family) => {
  it.each(Object.entries(VOTES))("%s: safe, finished, and every participant agrees with its client", (name, commitProbability) => {
    let committed = 0;
    for (let seed = 0; seed < 6; seed++) {
      const run = runTwoPhase({ seed: `${family}/${name}/${seed}`, participants: 3, commitProbability, txs: 5, faults: family });
      expectSafeAndDone(run);
      for (const decision of run.told.values()) if (decision === "commit") committed++;
      // A NO vote is final: nothing commits.
      if (name !== "all YES") expect([...run.outcomes.values()].every((m) => [...m.values()].every((o) => o !== "committed"))).toBe(true);
    }
    // Unanimous YES commits unless a fault got in the way (a vote timeout aborts); some must commit.
    if (name === "all YES") expect(committed).toBeGreaterThan(5);
  });
});

describe("two-phase commit with 2 to 10 participants under every fault", () => {
  it.each([2, 3, 4, 5, 6, 7, 8, 9, 10])("%i participants", (n) => {
    for (let seed = 0; seed < 4; seed++) {
      const run = runTwoPhase({ seed: `n${n}/${seed}`, participants: n, commitProbability: 0.9, txs: 5 });
      expectSafeAndDone(run);
      expect(run.cluster.config.participants).toHaveLength(n);
    }
  });
});

describe("50 concurrent transactions", () => {
  it("all commit on a calm network, each with its own phase", () => {
    const run = runTwoPhase({ seed: "c50", participants: 3, txs: 50, spacingMs: 0, faults: false });
    expectSafeAndDone(run);
    expect(run.told.size).toBe(50);
    expect([...run.told.values()].every((d) => d === "commit")).toBe(true);
  });

  it("stay safe and all finish under every fault, with the coordinator and a participant crashing mid-flight", () => {
    for (let seed = 0; seed < 4; seed++) {
      const startMs = 300 + seed * 500;
      const { network, plan: random } = faultSetup(true, `c50/${seed}`, ["coordinator", "p1", "p2", "p3"]);
      const crashes: FaultAction[] = [
        { at: startMs + 4 + seed, type: "crash", node: "coordinator" },
        { at: startMs + 10, type: "crash", node: "p2" },
        { at: startMs + 300, type: "restart", node: "coordinator" },
        { at: startMs + 350, type: "restart", node: "p2" },
      ];
      // The random plan's own crashes and pauses go, so the coordinator takes the 50 before it crashes.
      const plan = [...random.filter((a) => !["crash", "restart", "pause", "resume"].includes(a.type)), ...crashes].sort((a, b) => a.at - b.at);
      const run = runTwoPhase({ seed: `c50/${seed}`, participants: 3, commitProbability: 0.95, txs: 50, spacingMs: 0, startMs, network, plan });
      expectSafeAndDone(run);
      // The coordinator crashed with all 50 in flight: its clients' waits were lost, but every
      // transaction it logged still finished, at every participant.
      const begun = [...run.outcomes.values()].reduce((n, m) => Math.max(n, m.size), 0);
      expect(begun).toBe(50);
    }
  });
});
