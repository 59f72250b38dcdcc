/**
 * Runs a 5-node replicated counter under a random fault plan (drops, duplicates, reordering,
 * partitions, crashes, clock skew) and prints what happened and the run's trace hash.
 *
 *   node --import tsx examples/replicated-counter/main.ts [seed]
 */
import { generatePlan, simulate } from "faultline";
import { counter, ownCountNeverShrinks, valueOf, type CounterState } from "./counter.js";

const seed = process.argv[2] ?? "demo";
const ids = ["n1", "n2", "n3", "n4", "n5"];
const plan = generatePlan(seed, { nodes: ids, durationMs: 5_000, maxActions: 10 });
const workload = Array.from({ length: 100 }, (_, i) => ({ at: i * 50, client: `c${i % 3}`, node: ids[i % ids.length] as string, req: { type: "increment" as const } }));

const result = simulate({
  seed,
  nodes: ids.map((id) => ({ id, protocol: counter })),
  network: { minLatencyMs: 1, maxLatencyMs: 20, dropRate: 0.05, duplicateRate: 0.05, reorderRate: 0.1 },
  plan,
  workload,
  invariants: [ownCountNeverShrinks],
  maxTimeMs: 8_000,
});

const acked = result.history.filter((h) => h.completedAt !== undefined).length;
console.log(`replicated counter, seed "${seed}": ${ids.length} nodes, ${result.events} events, ${result.time} ms of virtual time`);
console.log(`fault plan (${plan.length} actions):`);
for (const a of plan) console.log(`  ${String(a.at).padStart(5)} ms  ${JSON.stringify(a)}`);
console.log(`increments: ${workload.length} sent, ${acked} acknowledged (the rest hit a crashed node)`);
for (const n of result.view.nodes) console.log(`  ${n.id}: value ${valueOf(n.state as CounterState)} after ${n.restarts} restart(s)`);
const values = new Set(result.view.nodes.map((n) => valueOf(n.state as CounterState)));
console.log(values.size === 1 && values.has(acked) ? `all nodes agree on ${acked}` : `nodes disagree: ${[...values].join(", ")}`);
console.log(result.ok ? "invariants held after every step" : `VIOLATION ${result.violation?.invariant}: ${result.violation?.message}`);
console.log(`trace hash ${result.traceHash}`);
if (!result.ok || values.size !== 1) process.exitCode = 1;
