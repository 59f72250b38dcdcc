/**
 * The client-visible check: what clients were told against the durable decision and every
 * participant's outcome. It catches what the spec's invariants (which read only the logs) cannot.
 */
import { describe, expect, it } from "vitest";
import { simulate } from "@faultline/kernel";
import { RepliesMatchOutcome, coordinatorLog, participantLog, transactionWorkload, twoPhaseCommitCluster, type SpecSnapshot } from "@faultline/two-phase-commit";
import { mutantByName, mutantCluster, runReveal } from "./mutants/index.js";

function snapshot(cLog: "begun" | "commit" | "abort", outcomes: Record<string, "committed" | "aborted" | undefined>): SpecSnapshot {
  const coordinator = coordinatorLog(cLog === "begun" ? [{ type: "begun", tx: "t" }] : [{ type: "begun", tx: "t" }, { type: "decision", tx: "t", decision: cLog }]);
  const participants = new Map(
    Object.entries(outcomes).map(([p, o]) => [p, participantLog(o === undefined ? [{ type: "vote", tx: "t", vote: "yes" }] : [{ type: "vote", tx: "t", vote: "yes" }, { type: "outcome", tx: "t", outcome: o }])] as const),
  );
  return { coordinator, participants };
}

describe("RepliesMatchOutcome", () => {
  it("holds when the told decision is logged and no participant contradicts it (uncertain ones are fine)", () => {
    expect(RepliesMatchOutcome(new Map([["t", "commit"]]), snapshot("commit", { p1: "committed", p2: undefined }))).toBeUndefined();
  });

  it.each([
    ["commit", snapshot("begun", { p1: undefined }), /told commit but the coordinator's log holds no decision \(begun\)/],
    ["commit", snapshot("abort", { p1: "aborted" }), /told commit but the coordinator's log says abort/],
    ["commit", snapshot("commit", { p1: "committed", p2: "aborted" }), /told commit but p2 aborted/],
    ["abort", snapshot("abort", { p1: "committed" }), /told abort but p1 committed/],
  ] as const)("fails a client told %s against %#", (told, s, message) => {
    expect(RepliesMatchOutcome(new Map([["t", told]]), s)).toMatch(message);
  });
});

describe("the RepliesMatchOutcome invariant in a run", () => {
  it("is among the shipped invariants, and checks every reply of a clean run", () => {
    const cluster = twoPhaseCommitCluster({ participants: 3, commitProbability: 0.7 });
    expect(cluster.invariants.map((i) => i.name)).toEqual(["Consistent", "OutcomeMatchesDecision", "CommitRequiresUnanimity", "DecisionNeverChanges", "RepliesMatchOutcome"]);
    const result = simulate({ seed: "replies", nodes: cluster.nodes, invariants: cluster.invariants, network: { dropRate: 0.1, duplicateRate: 0.1 }, workload: transactionWorkload({ count: 30, spacingMs: 3 }) });
    expect(result.ok).toBe(true);
    expect(result.history.filter((h) => h.res !== undefined).length).toBe(30);
  });

  it("alone catches a coordinator that answers before its decision is durable; the spec's invariants see nothing wrong", () => {
    const mutant = mutantByName("coordinator-replies-before-durable");
    const cluster = mutantCluster(mutant);
    const run = (names: readonly string[]) =>
      simulate({
        seed: "durable",
        nodes: cluster.nodes,
        invariants: cluster.invariants.filter((i) => names.includes(i.name)),
        network: mutant.reveal.network,
        storage: mutant.reveal.storage,
        plan: mutant.reveal.plan,
        workload: transactionWorkload({ count: 1 }),
        maxTimeMs: 5_000,
      });
    expect(run(["Consistent", "OutcomeMatchesDecision", "CommitRequiresUnanimity", "DecisionNeverChanges"]).ok).toBe(true);
    const caught = run(["RepliesMatchOutcome"]);
    expect(caught.violation?.invariant).toBe("RepliesMatchOutcome");
    // Caught at the crash that lost the decision record the client had already been told.
    expect(caught.violation?.time).toBe(11);
    expect(caught.violation?.message).toBe("tx tx1: a client was told commit but the coordinator's log holds no decision (begun)");
  });

  it("also fails later, when a participant's outcome contradicts what a client was told earlier", () => {
    // participant-aborts-in-doubt-on-recovery: the client was told commit at 10; p1 aborts at 13.
    const { result } = runReveal(mutantByName("participant-aborts-in-doubt-on-recovery"));
    const cluster = mutantCluster(mutantByName("participant-aborts-in-doubt-on-recovery"));
    const only = simulate({ ...result.report!.config, nodes: cluster.nodes, invariants: cluster.invariants.filter((i) => i.name === "RepliesMatchOutcome") });
    expect(only.violation?.message).toBe("tx tx1: a client was told commit but p1 aborted");
    expect(only.violation?.time).toBe(13);
  });
});
