/**
 * Raft in the simulator: a 5-node cluster under faults (crashes, partitions, pauses, clock jumps,
 * a lossy network) for one hour of virtual time, with three clients writing and reading. Three
 * runs side by side in one process, same seed, plan and clients, each run three times in turn (best
 * CPU time kept; the cost ratios are of CPU time, which other processes on a busy machine skew
 * less than wall time): the shipped immer reducer with every invariant checked after every step (the
 * headline: goal >= 3000x virtual/real), the same without invariants, and the plain mutable Raft
 * of bench/raft-mutable.ts (the "cost of purity" baseline: goal within 2x per committed entry).
 */
import { generatePlan, simulate, type AnyProtocol, type Invariant, type SimulationResult } from "faultline";
import { kvClient, raftCluster, type KvResponse } from "faultline/raft";
import { mutableRaftProtocol } from "./raft-mutable.js";
import { round3, timed, type BenchRow } from "./row.js";

const HOUR = 3_600_000;
const ROUNDS = 3;

interface Measured {
  /** Host wall time. */
  seconds: number;
  /** Host CPU time of this process (less sensitive than wall time to other processes on a busy machine). */
  cpuSeconds: number;
  commits: number;
  events: number;
  traceHash: string;
}

function runHour(protocol: AnyProtocol, invariants: Invariant[]): Measured {
  const ids = ["n1", "n2", "n3", "n4", "n5"];
  let result: SimulationResult | undefined;
  const cpuBefore = process.cpuUsage();
  const seconds = timed(() => {
    result = simulate({
      seed: "bench-raft",
      nodes: ids.map((id) => ({ id, protocol })),
      invariants,
      network: { minLatencyMs: 1, maxLatencyMs: 20, dropRate: 0.02, duplicateRate: 0.02, reorderRate: 0.05 },
      plan: generatePlan("bench-raft", { nodes: ids, durationMs: HOUR - 60_000, maxActions: 400 }),
      clients: ["a", "b", "c"].map((name) => ({ id: name, actor: kvClient({ nodes: ids, name, ops: 1_000_000, thinkMs: 100 }) })),
      maxTimeMs: HOUR,
      trace: { hash: true },
    });
  });
  const cpu = process.cpuUsage(cpuBefore);
  if (result === undefined || !result.ok) throw new Error(`raft bench (${protocol.name}) broke ${result?.violation?.invariant}: ${result?.violation?.message}`);
  const commits = result.history.filter((h) => (h.res as KvResponse | undefined)?.ok === true).length;
  return { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, commits, events: result.events, traceHash: result.traceHash };
}

/** Measures the three runs and their ratios. */
export function benchRaft(): BenchRow[] {
  const cluster = raftCluster({ nodes: 5 });
  const shipped = cluster.nodes[0]?.protocol as AnyProtocol;
  const mutable = mutableRaftProtocol() as AnyProtocol;
  const best: Record<"checked" | "unchecked" | "mutable", Measured | undefined> = { checked: undefined, unchecked: undefined, mutable: undefined };
  const keep = (key: keyof typeof best, m: Measured) => {
    const was = best[key];
    if (was === undefined || m.cpuSeconds < was.cpuSeconds) best[key] = m;
  };
  for (let round = 0; round < ROUNDS; round++) {
    keep("mutable", runHour(mutable, []));
    keep("unchecked", runHour(shipped, []));
    keep("checked", runHour(shipped, cluster.invariants));
  }
  const { checked, unchecked, mutable: plain } = best as Record<keyof typeof best, Measured>;
  const perCommit = (m: Measured) => m.cpuSeconds / m.commits;
  return [
    { name: "raft virtual/real time, 5 nodes under faults for 1 h virtual, invariants on (goal >= 3000)", value: round3(HOUR / 1000 / checked.seconds), unit: "x" },
    { name: "raft simulated commits per second, invariants on", value: round3(checked.commits / checked.seconds), unit: "commits/s" },
    { name: "raft commits in the virtual hour", value: checked.commits, unit: "commits" },
    { name: "raft kernel events per second, invariants on", value: round3(checked.events / checked.seconds), unit: "events/s" },
    { name: "raft virtual/CPU time, invariants on", value: round3(HOUR / 1000 / checked.cpuSeconds), unit: "x" },
    { name: "raft virtual/real time, invariants off", value: round3(HOUR / 1000 / unchecked.seconds), unit: "x" },
    { name: "plain mutable raft virtual/real time (bench/raft-mutable.ts, no invariants)", value: round3(HOUR / 1000 / plain.seconds), unit: "x" },
    { name: "plain mutable raft virtual/CPU time", value: round3(HOUR / 1000 / plain.cpuSeconds), unit: "x" },
    { name: "plain mutable raft commits in the virtual hour", value: plain.commits, unit: "commits" },
    { name: "raft CPU per committed entry vs plain mutable, invariants on (goal <= 2)", value: round3(perCommit(checked) / perCommit(plain)), unit: "x" },
    { name: "raft CPU per committed entry vs plain mutable, invariants off", value: round3(perCommit(unchecked) / perCommit(plain)), unit: "x" },
    { name: "plain mutable raft runs the same trace as the immer raft (1 = same hash)", value: plain.traceHash === unchecked.traceHash ? 1 : 0, unit: "" },
  ];
}
