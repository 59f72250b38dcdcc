/**
 * Raft in the simulator: a 5-node cluster under faults (crashes, partitions, pauses, clock jumps,
 * a lossy network) for one hour of virtual time, with three clients writing and reading and every
 * invariant checked after every step. Figures: virtual time per real time (goal >= 1000x) and
 * simulated commits per second.
 */
import { generatePlan, simulate } from "faultline";
import { kvClient, raftCluster, type KvResponse } from "faultline/raft";
import { round3, timed, type BenchRow } from "./row.js";

const HOUR = 3_600_000;

/** Measures the ratio of virtual to real time and commits per second. */
export function benchRaft(): BenchRow[] {
  const cluster = raftCluster({ nodes: 5 });
  const ids = cluster.ids;
  let result: ReturnType<typeof simulate> | undefined;
  const seconds = timed(() => {
    result = simulate({
      seed: "bench-raft",
      nodes: cluster.nodes,
      invariants: cluster.invariants,
      network: { minLatencyMs: 1, maxLatencyMs: 20, dropRate: 0.02, duplicateRate: 0.02, reorderRate: 0.05 },
      plan: generatePlan("bench-raft", { nodes: ids, durationMs: HOUR - 60_000, maxActions: 400 }),
      clients: ["a", "b", "c"].map((name) => ({ id: name, actor: kvClient({ nodes: ids, name, ops: 1_000_000, thinkMs: 100 }) })),
      maxTimeMs: HOUR,
      trace: { hash: true },
    });
  });
  if (result === undefined || !result.ok) throw new Error(`raft bench broke ${result?.violation?.invariant}: ${result?.violation?.message}`);
  const commits = result.history.filter((h) => (h.res as KvResponse | undefined)?.ok === true).length;
  return [
    { name: "raft virtual/real time, 5 nodes under faults for 1 h virtual (goal >= 1000)", value: round3(HOUR / 1000 / seconds), unit: "x" },
    { name: "raft simulated commits per second", value: round3(commits / seconds), unit: "commits/s" },
    { name: "raft commits in the virtual hour", value: commits, unit: "commits" },
    { name: "raft kernel events per second (same run)", value: round3(result.events / seconds), unit: "events/s" },
  ];
}
