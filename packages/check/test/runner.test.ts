import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { checkProperty, decodeReplayToken, encodeReplayToken, planArbitrary, replayFailure, workloadArbitrary } from "@faultline/check";
import { checkTermination, twoPhaseCommitCluster, type BeginRequest } from "@faultline/two-phase-commit";
import { mutantByName, mutantCluster } from "../../two-phase-commit/test/mutants/index.js";

const coordinatorWorkload = workloadArbitrary<BeginRequest>({ nodes: ["coordinator"], durationMs: 1_500, request: fc.constant({ type: "begin" }), minOps: 1, maxOps: 6 });

describe("the property runner on two-phase commit", () => {
  it("finds the forgetful coordinator and shrinks it to a few actions, with a working replay line", () => {
    const forgetful = () => mutantCluster(mutantByName("coordinator-forgets-decisions"), { participants: 3 });
    const result = checkProperty({
      system: forgetful,
      systemName: "forgetful",
      runs: 300,
      faults: { durationMs: 1_500, kinds: ["crash", "partition"], maxDown: 1 },
      workload: coordinatorWorkload,
      run: { maxTimeMs: 4_000 },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const f = result.failure;
    expect(["Consistent", "OutcomeMatchesDecision", "DecisionNeverChanges"]).toContain(f.invariant);
    expect(f.faults.filter((a) => a.type === "crash").map((a) => (a as { node: string }).node)).toEqual(["coordinator"]);
    expect(f.faults.length).toBeLessThanOrEqual(4);
    expect(f.case.workload.length).toBeLessThanOrEqual(2);
    expect(() => replayFailure(forgetful, f.token as string)).toThrow(`${f.invariant}: ${f.message} [trace ${f.traceHash}]`);
    expect(decodeReplayToken(f.token as string).traceHash).toBe(f.traceHash);
  });

  it("passes the correct coordinator, termination included", () => {
    const cluster = () => twoPhaseCommitCluster({ participants: 3 });
    const config = cluster().config;
    const result = checkProperty({
      system: cluster,
      runs: 200,
      faults: { durationMs: 1_500, kinds: ["crash", "partition", "pause", "network"] },
      workload: coordinatorWorkload,
      run: { maxTimeMs: 6_000 },
      after: (r) => checkTermination(r.view, config),
    });
    expect(result).toEqual({ ok: true, runs: 200 });
  });

  it("reports a failing end-of-run check with a token that replays with the same check", () => {
    const result = checkProperty({
      system: () => twoPhaseCommitCluster({ participants: 2 }),
      runs: 50,
      workload: coordinatorWorkload,
      run: { maxTimeMs: 6_000 },
      after: () => "always fails",
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.failure.invariant).toBe("after");
    expect(result.failure.replayLine).toMatch(/^expect\(\(\) => replayFailure\(system, "fl1\.[\w-]+", \{ after: after \}\)\)/);
    expect(() => replayFailure(() => twoPhaseCommitCluster({ participants: 2 }), result.failure.token, { after: () => "always fails" })).toThrow(`after: always fails [trace ${result.failure.traceHash}]`);
  });
});

describe("arbitraries", () => {
  it("make plans valid by construction and ending calm, with bounded crashes", () => {
    const nodes = ["a", "b", "c", "d", "e"];
    for (const plan of fc.sample(planArbitrary({ nodes, durationMs: 1_000, maxActions: 10 }), { numRuns: 200, seed: 3 })) {
      const down = new Set<string>();
      for (const a of plan) {
        if (a.type === "crash") down.add(a.node);
        if (a.type === "restart") down.delete(a.node);
        expect(down.size).toBeLessThanOrEqual(2);
      }
      expect(down.size).toBe(0);
      expect(plan.map((a) => a.at)).toEqual([...plan.map((a) => a.at)].sort((x, y) => x - y));
      expect(plan.at(-1)?.at).toBe(1_000);
    }
  });

  it("encode tokens that survive a round trip and reject corruption", () => {
    const report = { faultline: "0", nodes: [], config: { seed: "1" }, violation: { invariant: "I", message: "m", time: 1, event: 1 }, traceHash: "h", lastEvents: [] } as never;
    expect(decodeReplayToken(encodeReplayToken(report))).toEqual(report);
    expect(() => decodeReplayToken("fl1.AAAA")).toThrow(/corrupt replay token/);
  });
});
