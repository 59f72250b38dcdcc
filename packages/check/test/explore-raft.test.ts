/**
 * The explorer on the real Raft reducer, through the kernel's hooks, with the same invariants as
 * the simulator (their history is ghost state the kernel forks with each branch). Small bounds:
 * which nodes' timers may fire and how often, how many messages may be lost, how deep to go.
 */
import { describe, expect, it } from "vitest";
import { explore, simulationModel, simulationModelFrom } from "@faultline/check";
import { raftCluster, raftInvariants } from "@faultline/raft";
import { figure8, FIGURE8 } from "../../raft/test/figure8-scenario.js";

describe("the explorer on Raft", () => {
  it("3 nodes from boot, an election and a write, one message lost: no violation within the bounds", () => {
    const cluster = raftCluster({ nodes: 3 });
    const model = simulationModel(
      { seed: "explore-raft", nodes: cluster.nodes, invariants: raftInvariants(), workload: [{ at: 0, client: "c", node: "n1", req: { op: "put", key: "x", value: "1" } }] },
      { drops: 1, duplicates: 0, crashes: 0, timers: 2, timerNodes: ["n1", "n2"] },
    );
    const r = explore(model, { maxDepth: 9 });
    expect(r.violation).toBeUndefined();
    expect(r.distinctStates).toBeGreaterThan(1_000);
  });

  it("finds figure 8 in the planted commit-rule mutant (no-op kept) with a shortest counterexample, from the scenario's brink", () => {
    // Run the scripted figure-8 schedule to the moment s1 (which committed an earlier term's
    // entry by counting) is down and s5 (holding a conflicting entry) is back; explore from there.
    // The ghost history (what was committed, in which term) comes along with the world.
    const sim = figure8(true, raftInvariants(), { hash: false, keepLast: 8 });
    sim.runUntil(FIGURE8.brink);
    const r = explore(simulationModelFrom(sim, { drops: 0, duplicates: 0, crashes: 0, timers: 3, timerNodes: ["s5"] }));
    expect(r.violation?.message).toMatch(/^LeaderCompleteness: s5 leads term 4 without entry 2 \(term 1\) committed in term 3/);
    // Two election timeouts (terms 3 and 4), two vote requests, two grants: six steps.
    expect(r.violation?.path).toHaveLength(6);
    expect(r.violation?.path.slice(0, 2)).toEqual(['s5 timer {"kind":"election"}', 's5 timer {"kind":"election"}']);
  });

  it("the real commit rule from the same brink: no violation to the same depth and beyond", () => {
    const sim = figure8(false, raftInvariants(), { hash: false, keepLast: 8 });
    sim.runUntil(FIGURE8.brink);
    const r = explore(simulationModelFrom(sim, { drops: 0, duplicates: 0, crashes: 0, timers: 3, timerNodes: ["s5"] }), { maxDepth: 8 });
    expect(r.violation).toBeUndefined();
    expect(r.depth).toBe(8);
  });
});
