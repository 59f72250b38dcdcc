/**
 * Two-phase commit throughput in the simulator: transactions per second of host time with 5
 * participants, under drops, duplicates, reordering, partitions and crashes, invariants on.
 */
import { generatePlan, simulate } from "faultline";
import { transactionWorkload, twoPhaseCommitCluster } from "faultline/two-phase-commit";
import { round3, timed, type BenchRow } from "./row.js";

const TXS = 400;
const RUNS = 20;

/** Measures simulated transactions per second (5 participants, faults on). */
export function benchTwoPhaseCommit(): BenchRow[] {
  const cluster = twoPhaseCommitCluster({ participants: 5, commitProbability: 0.95 });
  const ids = cluster.nodes.map((n) => n.id);
  let txs = 0;
  let events = 0;
  const seconds = timed(() => {
    for (let run = 0; run < RUNS; run++) {
      const result = simulate({
        seed: `bench-${run}`,
        nodes: cluster.nodes,
        invariants: cluster.invariants,
        network: { minLatencyMs: 1, maxLatencyMs: 20, dropRate: 0.05, duplicateRate: 0.05, reorderRate: 0.1 },
        plan: generatePlan(`bench-${run}`, { nodes: ids, durationMs: 4_000, maxActions: 10 }),
        workload: transactionWorkload({ count: TXS, spacingMs: 10 }),
        maxTimeMs: 10_000,
        trace: { hash: true },
      });
      if (!result.ok) throw new Error(`2PC bench run ${run} broke ${result.violation?.invariant}`);
      txs += TXS;
      events += result.events;
    }
  });
  return [
    { name: "2PC simulated transactions per second (5 participants, faults on)", value: round3(txs / seconds), unit: "tx/s" },
    { name: "2PC kernel events per second (same runs)", value: round3(events / seconds), unit: "events/s" },
  ];
}
