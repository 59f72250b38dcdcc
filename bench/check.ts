/**
 * The checking toolkit's speed: explorer states per second (the TLA+ transcription and the real
 * reducers through the kernel), property-runner seeds per second on two-phase commit, and
 * linearizability-checked operations per second on a Raft history.
 */
import fc from "fast-check";
import { checkLinearizable, checkProperty, explore, kvModel, operationsFromHistory, simulationModel, workloadArbitrary, type KvInput, type KvOutput } from "faultline/check";
import { generatePlan, simulate } from "faultline";
import { kvClient, raftCluster, type KvRequest, type KvResponse } from "faultline/raft";
import { transactionWorkload, twoPhaseCommitCluster } from "faultline/two-phase-commit";
import { twoPhaseCommitSpec } from "../packages/check/test/models/two-phase-commit-spec.js";
import { round3, timed, type BenchRow } from "./row.js";

/** Measures the checking toolkit. */
export function benchCheck(): BenchRow[] {
  const spec = explore(twoPhaseCommitSpec({ participants: 3, votes: ["yes", "no"], canCrash: true, canLose: true }));
  const cluster = twoPhaseCommitCluster({ participants: 2 });
  const kernel = explore(
    simulationModel({ seed: "bench", nodes: cluster.nodes, invariants: cluster.invariants, workload: transactionWorkload({ count: 1 }) }, { drops: 0, duplicates: 0, crashes: 1, crashable: ["coordinator"], timers: 1 }),
  );

  const RUNS = 300;
  const runnerSeconds = timed(() => {
    const r = checkProperty({
      system: () => twoPhaseCommitCluster({ participants: 3 }),
      runs: RUNS,
      faults: { durationMs: 1_500 },
      workload: workloadArbitrary({ nodes: ["coordinator"], durationMs: 1_500, request: fc.constant({ type: "begin" as const }), maxOps: 6 }),
      run: { maxTimeMs: 5_000 },
    });
    if (!r.ok) throw new Error(`2PC failed the property bench: ${r.failure.message}`);
  });

  const raft = raftCluster({ nodes: 5 });
  const result = simulate({
    seed: "bench-linear",
    nodes: raft.nodes,
    invariants: raft.invariants,
    network: { minLatencyMs: 1, maxLatencyMs: 20, dropRate: 0.05 },
    plan: generatePlan("bench-linear", { nodes: raft.ids, durationMs: 20_000, maxActions: 30 }),
    clients: Array.from({ length: 6 }, (_, i) => ({ id: `c${i}`, actor: kvClient({ nodes: raft.ids, name: `c${i}`, ops: 1_000, keys: ["x", "y", "z"], readShare: 0.5, thinkMs: 2, timeoutMs: 300 }) })),
    maxTimeMs: 60_000,
  });
  // Replies with ok: false were not applied; an unanswered get showed nothing; a write's retries
  // (same session) are one operation, as the store applies it once.
  const ops = operationsFromHistory<KvInput, KvOutput>(result.history, {
    toOperation: (req, res) => {
      const q = req as KvRequest;
      const s = res as KvResponse | undefined;
      return (s !== undefined && !s.ok) || (s === undefined && q.op === "get") ? undefined : { input: q, output: s };
    },
    attemptOf: (h) => {
      const q = h.req as KvRequest;
      return q.op !== "get" && q.session !== undefined ? `${q.session.client}/${q.session.seq}` : undefined;
    },
  });
  let linear = false;
  const linearSeconds = timed(() => {
    linear = checkLinearizable(ops, kvModel).ok;
  });
  if (!linear) throw new Error("the Raft history was not linearizable");

  return [
    { name: "explorer states per second (TwoPhaseCommit.tla transcription, 3 participants)", value: round3(spec.statesPerSecond), unit: "states/s" },
    { name: "explorer distinct states (same)", value: spec.distinctStates, unit: "states" },
    { name: "explorer states per second (real 2PC reducers via the kernel, 2 participants)", value: round3(kernel.statesPerSecond), unit: "states/s" },
    { name: "property runner seeds per second (2PC, 3 participants, faults)", value: round3(RUNS / runnerSeconds), unit: "seeds/s" },
    { name: "linearizability check, Raft KV history", value: ops.length, unit: "ops" },
    { name: "linearizability checked operations per second", value: round3(ops.length / linearSeconds), unit: "ops/s" },
  ];
}
