/**
 * Every planted bug is caught by an invariant through the simulator, on the run its data
 * describes; the same run on the shipped reducers is clean (so the run alone is no false alarm).
 */
import { describe, expect, it } from "vitest";
import { ConfigError, replay } from "@faultline/kernel";
import { mutantByName, mutantCluster, runReveal, twoPhaseMutants } from "./index.js";

describe("two-phase commit mutants", () => {
  it("are at least 8, with unique names", () => {
    expect(twoPhaseMutants.length).toBeGreaterThanOrEqual(8);
    expect(new Set(twoPhaseMutants.map((m) => m.name)).size).toBe(twoPhaseMutants.length);
  });

  it.each(twoPhaseMutants.map((m) => [m.name, m] as const))("%s is caught", (_name, mutant) => {
    const { result, seed } = runReveal(mutant);
    expect(result.violation, `${mutant.name} on seed ${seed}`).toBeDefined();
    expect(mutant.reveal.caughtBy).toContain(result.violation?.invariant);
    // The report replays to the same violation and trace.
    const cluster = mutantCluster(mutant, mutant.reveal.cluster);
    const again = replay(result.report!, { nodes: cluster.nodes, invariants: cluster.invariants });
    expect(again.violation).toEqual(result.violation);
    expect(again.traceHash).toBe(result.traceHash);
  });

  it.each(twoPhaseMutants.map((m) => [m.name, m] as const))("%s: the same runs are clean with the shipped reducers", (_name, mutant) => {
    const { result, runs } = runReveal(mutant, { shipped: true });
    expect(result.violation).toBeUndefined();
    expect(runs).toBe(mutant.reveal.seeds ?? 1);
  });

  it("an unknown mutant name is an error listing the known ones", () => {
    expect(() => mutantByName("coordinator-is-fine")).toThrow(ConfigError);
    expect(() => mutantByName("coordinator-is-fine")).toThrow(/unknown mutant "coordinator-is-fine" \(known: coordinator-forgets-decisions, /);
  });
});
