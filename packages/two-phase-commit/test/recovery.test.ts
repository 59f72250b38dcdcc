/**
 * Crashes at chosen points, on a network with a fixed 5 ms latency so the schedule is known:
 * PREPARE arrives at 5, votes at 10, the decision is logged at 10 and arrives at 15.
 */
import { describe, expect, it } from "vitest";
import { Simulation, replay, type FaultAction, type SimulationOptions } from "@faultline/kernel";
import { checkTermination, coordinatorDecision, participantTxState, transactionWorkload, twoPhaseCommitCluster, type CoordinatorState, type ParticipantState } from "@faultline/two-phase-commit";
import { mutantByName, mutantCluster } from "./mutants/index.js";

const FORGETFUL = mutantByName("coordinator-forgets-decisions");
const cluster3 = (forgetful: boolean) => (forgetful ? mutantCluster(FORGETFUL, { participants: 3 }) : twoPhaseCommitCluster({ participants: 3 }));

const FIXED = { minLatencyMs: 5, maxLatencyMs: 5 };

function start(plan: FaultAction[], options: { forgetful?: boolean; network?: SimulationOptions["network"]; storage?: SimulationOptions["storage"]; seed?: string; only?: string } = {}) {
  const cluster = cluster3(options.forgetful ?? false);
  const sim = new Simulation({
    seed: options.seed ?? "recovery",
    nodes: cluster.nodes,
    invariants: cluster.invariants.filter((i) => options.only === undefined || i.name === options.only),
    network: options.network ?? FIXED,
    storage: options.storage ?? {},
    plan,
    workload: transactionWorkload({ count: 1, coordinator: cluster.config.coordinator }),
    maxTimeMs: 10_000,
    trace: { full: true },
  });
  const state = (p: string) => (sim.node(p).state === undefined ? "working" : participantTxState(sim.node(p).state as ParticipantState, "tx1"));
  return { sim, cluster, state, states: () => ["p1", "p2", "p3"].map(state) };
}

describe("participant failures", () => {
  it("a participant down before it votes makes the vote time out: abort, learned after its restart", () => {
    const { sim, cluster, states } = start([
      { at: 0, type: "crash", node: "p1" },
      { at: 500, type: "restart", node: "p1" },
    ]);
    sim.runUntil(499);
    expect(states()).toEqual(["working", "aborted", "aborted"]);
    const result = sim.run();
    expect(result.ok).toBe(true);
    expect(states()).toEqual(["aborted", "aborted", "aborted"]);
    expect(result.history[0]?.res).toEqual({ tx: "tx1", outcome: "abort" });
    expect(checkTermination(sim, cluster.config)).toBeUndefined();
  });

  it("a participant that crashes after voting YES comes back prepared and learns the commit", () => {
    const { sim, cluster, state, states } = start([
      { at: 12, type: "crash", node: "p1" },
      { at: 300, type: "restart", node: "p1" },
    ]);
    sim.runUntil(299);
    expect(sim.node("p1").up).toBe(false);
    // Its YES was persisted before it was sent, so the record survived the crash.
    expect(sim.node("p1").records).toEqual([{ type: "vote", tx: "tx1", vote: "yes" }]);
    expect(states().slice(1)).toEqual(["committed", "committed"]);
    sim.runUntil(300);
    expect(state("p1")).toBe("prepared");
    expect(sim.run().ok).toBe(true);
    expect(states()).toEqual(["committed", "committed", "committed"]);
    expect(checkTermination(sim, cluster.config)).toBeUndefined();
  });
});

describe("coordinator failures", () => {
  it("blocks while the coordinator is down with participants prepared; safe throughout; aborts after it returns", () => {
    const { sim, cluster, states } = start([
      { at: 0, type: "block", from: "p3", to: "coordinator" }, // p3's YES never arrives
      { at: 30, type: "crash", node: "coordinator" },
      { at: 40, type: "heal" },
      { at: 2_000, type: "restart", node: "coordinator" },
    ]);
    sim.runUntil(1_999);
    // Blocked: every participant voted YES and can decide nothing alone, for as long as the coordinator is down.
    expect(states()).toEqual(["prepared", "prepared", "prepared"]);
    const asked = sim.result().trace?.filter((e) => e.kind === "drop" && e.reason === "down" && (e.msg as { type: string }).type === "status").length ?? 0;
    expect(asked).toBeGreaterThan(10);
    expect(sim.result().ok).toBe(true);
    const result = sim.run();
    expect(result.ok).toBe(true);
    // Recovery found only "begun" in the log: the undecided transaction is aborted.
    expect(states()).toEqual(["aborted", "aborted", "aborted"]);
    expect(sim.node("coordinator").records).toEqual([
      { type: "begun", tx: "tx1" },
      { type: "decision", tx: "tx1", decision: "abort" },
      { type: "done", tx: "tx1" },
    ]);
    // The client's wait was volatile and died with the coordinator: its request stays open.
    expect(result.history[0]?.completedAt).toBeUndefined();
    expect(checkTermination(sim, cluster.config)).toBeUndefined();
  });

  it("resumes a logged commit after a crash: the participant that missed it commits too", () => {
    const { sim, cluster, states } = start([
      { at: 12, type: "block", from: "coordinator", to: "p3" }, // the COMMIT to p3 is lost
      { at: 20, type: "crash", node: "coordinator" },
      { at: 100, type: "heal" },
      { at: 1_000, type: "restart", node: "coordinator" },
    ]);
    sim.runUntil(999);
    expect(states()).toEqual(["committed", "committed", "prepared"]);
    expect(sim.run().ok).toBe(true);
    expect(states()).toEqual(["committed", "committed", "committed"]);
    expect(checkTermination(sim, cluster.config)).toBeUndefined();
  });

  it.each([false, true])("stays safe and finishes whatever point it crashes at (lose unsynced writes: %s)", (loseUnsyncedOnCrash) => {
    for (let at = 0; at <= 40; at++) {
      const { sim, cluster } = start(
        [
          { at, type: "crash", node: "coordinator" },
          { at: at + 400, type: "restart", node: "coordinator" },
        ],
        { storage: { loseUnsyncedOnCrash }, network: { minLatencyMs: 1, maxLatencyMs: 9 }, seed: `at${at}` },
      );
      const result = sim.run();
      expect(result.violation, `crash at ${at}`).toBeUndefined();
      expect(checkTermination(sim, cluster.config), `crash at ${at}`).toBeUndefined();
      const decision = coordinatorDecision(sim.node("coordinator").state as CoordinatorState, "tx1");
      const outcomes = new Set(["p1", "p2", "p3"].map((p) => participantTxState(sim.node(p).state as ParticipantState, "tx1")));
      // Either the transaction never reached the coordinator (crashed first) or all agree with its decision.
      if (decision !== undefined) expect(outcomes).toEqual(new Set([decision === "commit" ? "committed" : "aborted"]));
    }
  });
});

describe("the planted bug: a coordinator that forgets its decisions on restart", () => {
  const plan: FaultAction[] = [
    { at: 12, type: "block", from: "coordinator", to: "p3" }, // p3 votes, but the COMMIT to it is lost
    { at: 20, type: "crash", node: "coordinator" },
    { at: 100, type: "heal" },
    { at: 1_000, type: "restart", node: "coordinator" },
  ];

  it("is caught by the invariants, with a report that replays to the same trace", () => {
    const { sim, states } = start(plan, { forgetful: true });
    const result = sim.run();
    // Caught at the restart itself: the log says commit, then abort, while p1 and p2 have committed.
    expect(states()).toEqual(["committed", "committed", "prepared"]);
    expect(result.violation?.time).toBe(1_000);
    expect(result.ok).toBe(false);
    expect(result.violation?.invariant).toBe("OutcomeMatchesDecision");
    expect(result.violation?.message).toMatch(/tx1: p1 committed but the coordinator's log says abort/);
    expect(result.report?.config.plan).toEqual(plan);
    const cluster = cluster3(true);
    const again = replay(result.report!, { nodes: cluster.nodes, invariants: cluster.invariants });
    expect(again.violation).toEqual(result.violation);
    expect(again.traceHash).toBe(result.traceHash);
  });

  it.each([
    ["DecisionNeverChanges", /tx1: decision changed from commit to abort/],
    ["Consistent", /tx1: p1 committed but p3 aborted/],
  ])("is caught by %s alone as well", (name, message) => {
    const { sim } = start(plan, { forgetful: true, only: name });
    const result = sim.run();
    expect(result.violation?.invariant).toBe(name);
    expect(result.violation?.message).toMatch(message);
  });

  it("the same schedule is safe with the real coordinator", () => {
    const { sim, cluster, states } = start(plan);
    expect(sim.run().ok).toBe(true);
    expect(states()).toEqual(["committed", "committed", "committed"]);
    expect(checkTermination(sim, cluster.config)).toBeUndefined();
  });
});
