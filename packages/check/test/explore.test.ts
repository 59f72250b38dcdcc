/**
 * The explorer against TLC: on transcriptions of Lamport's TwoPhase.tla and of our
 * TwoPhaseCommit.tla it must count exactly the distinct states TLC counts (figures in
 * spec/README.md). Then the explorer on the real reducers through the kernel's own hooks.
 */
import { describe, expect, it } from "vitest";
import { explore, simulationModel } from "@faultline/check";
import { transactionWorkload, twoPhaseCommitCluster } from "@faultline/two-phase-commit";
import { twoPhaseLamport } from "./models/two-phase-lamport.js";
import { twoPhaseCommitSpec } from "./models/two-phase-commit-spec.js";
import { mutantByName, mutantCluster } from "../../two-phase-commit/test/mutants/index.js";

/** The shipped cluster, or the planted bug that forgets its decisions on restart (test-only). */
const clusterOf = (participants: number, forgetful: boolean) =>
  forgetful ? mutantCluster(mutantByName("coordinator-forgets-decisions"), { participants }) : twoPhaseCommitCluster({ participants });

// TLC 2.x on TwoPhase.tla (INIT TPInit, NEXT TPNext): distinct states and depth per RM count.
const TLC_TWO_PHASE = [
  { rms: 1, states: 12, depth: 5 },
  { rms: 2, states: 56, depth: 8 },
  { rms: 3, states: 288, depth: 11 },
  { rms: 4, states: 1_568, depth: 14 },
  { rms: 5, states: 8_832, depth: 17 },
];

// TLC on spec/two-phase-commit/TwoPhaseCommit.tla with each of our configs.
const TLC_OURS = [
  { cfg: "MC_2", constants: { participants: 2, votes: ["yes", "no"], canCrash: true, canLose: true }, states: 6_830, depth: 18 },
  { cfg: "MC_3", constants: { participants: 3, votes: ["yes", "no"], canCrash: true, canLose: true }, states: 123_862, depth: 24 },
  { cfg: "MC_5", constants: { participants: 5, votes: ["yes", "no"], canCrash: true, canLose: false }, states: 129_234, depth: 24 },
] as const;

describe("the explorer counts what TLC counts", () => {
  it.each(TLC_TWO_PHASE)("TwoPhase.tla with $rms RMs: $states distinct states, depth $depth", ({ rms, states, depth }) => {
    const r = explore(twoPhaseLamport(rms));
    expect(r.violation).toBeUndefined();
    expect(r.complete).toBe(true);
    expect(r.distinctStates).toBe(states);
    expect(r.depth).toBe(depth);
  });

  it.each(TLC_OURS)("TwoPhaseCommit.tla $cfg: $states distinct states, depth $depth", ({ constants, states, depth }) => {
    const r = explore(twoPhaseCommitSpec({ ...constants, votes: [...constants.votes] }));
    expect(r.violation).toBeUndefined();
    expect(r.distinctStates).toBe(states);
    expect(r.depth).toBe(depth);
  });

  it("DFS reaches the same states as BFS", () => {
    expect(explore(twoPhaseLamport(3), { strategy: "dfs" }).distinctStates).toBe(288);
    expect(explore(twoPhaseCommitSpec({ participants: 2, votes: ["yes", "no"], canCrash: true, canLose: true }), { strategy: "dfs" }).distinctStates).toBe(6_830);
  });

  it("finds the forgetful coordinator in the spec with a shortest counterexample", () => {
    const r = explore(twoPhaseCommitSpec({ participants: 2, votes: ["yes"], canCrash: true, canLose: false, forgetful: true }));
    expect(r.violation?.invariant).toBe("OutcomeMatchesDecision");
    // Begin, both vote YES and are counted (commit logged), crash, recover forgetting it, and a
    // participant commits from the COMMIT still in flight: 8 steps, and none shorter exists.
    expect(r.violation?.path).toEqual(["CBegin", "PRecvPrepare(0,yes)", "CRecvVote(0,yes)", "PRecvPrepare(1,yes)", "CRecvVote(1,yes)", "CCrash", "CRecover", "PRecvDecision(0,commit)"]);
  });
});

describe("the explorer on the real two-phase commit reducers (kernel hooks)", () => {
  const world = (participants: number, forgetful: boolean) => {
    const cluster = clusterOf(participants, forgetful);
    return simulationModel(
      { seed: "explore", nodes: cluster.nodes, invariants: cluster.invariants, workload: transactionWorkload({ count: 1 }) },
      { drops: 0, duplicates: 0, crashes: 1, crashable: ["coordinator"], timers: 1 },
    );
  };

  it("finds no violation for the correct coordinator within the bounds (2 participants)", () => {
    const r = explore(world(2, false));
    expect(r.violation).toBeUndefined();
    expect(r.complete).toBe(true);
    expect(r.distinctStates).toBeGreaterThan(4_000);
  });

  it("finds the forgetful coordinator with a shortest path (BFS)", () => {
    const r = explore(world(2, true));
    expect(r.violation?.message).toMatch(/^DecisionNeverChanges: tx tx1: decision changed from commit to abort/);
    const path = r.violation?.path ?? [];
    // The request, two PREPAREs, two YES votes (commit logged), crash, restart: 7 steps.
    expect(path).toHaveLength(7);
    expect(path.slice(-2)).toEqual(["crash coordinator", "restart coordinator"]);
    // Shortest: no BFS path to a violation is shorter, so DFS can only find one as long or longer.
    const dfs = explore(world(2, true), { strategy: "dfs" });
    expect(dfs.violation).toBeDefined();
    expect(dfs.violation?.path.length).toBeGreaterThanOrEqual(path.length);
  });

  it("3 participants, no timers, one coordinator crash: the correct coordinator is clean, the forgetful one is found in 9 steps", () => {
    const bounds = { drops: 0, duplicates: 0, crashes: 1, crashable: ["coordinator"], timers: 0 };
    const model = (forgetful: boolean) => {
      const cluster = clusterOf(3, forgetful);
      return simulationModel({ seed: "explore", nodes: cluster.nodes, invariants: cluster.invariants, workload: transactionWorkload({ count: 1 }) }, bounds);
    };
    const good = explore(model(false));
    expect(good.violation).toBeUndefined();
    expect(good.complete).toBe(true);
    // The request, three PREPAREs, three YES votes, crash, restart.
    expect(explore(model(true)).violation?.path).toHaveLength(9);
  });
});
