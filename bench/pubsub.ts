/**
 * Pub/sub in the simulator: 3 brokers under faults (crashes, partitions, pauses, clock jumps, a
 * lossy network) for 2 minutes of virtual time, two producers and a consumer group, Raft's
 * invariants checked after every step and the history checker at the end. Figures: acknowledged
 * publishes per real second, and virtual time per real time.
 */
import { generatePlan, simulate } from "faultline";
import { checkPubSubHistory, consumerClient, producerClient, pubsubCluster, type PubSubResponse } from "faultline/pubsub";
import { round3, timed, type BenchRow } from "./row.js";

const SPAN = Number(process.env.PUBSUB_SPAN ?? 120_000);

/** Measures simulated publishes per second. */
export function benchPubSub(): BenchRow[] {
  const cluster = pubsubCluster({ nodes: 3, config: { raft: { snapshotThreshold: 200 } } });
  const ids = cluster.ids;
  let result: ReturnType<typeof simulate> | undefined;
  const seconds = timed(() => {
    result = simulate({
      seed: "bench-pubsub",
      nodes: cluster.nodes,
      invariants: cluster.invariants,
      network: { minLatencyMs: 1, maxLatencyMs: 20, dropRate: 0.02, duplicateRate: 0.02, reorderRate: 0.05 },
      plan: generatePlan("bench-pubsub", { nodes: ids, durationMs: SPAN / 2, maxActions: 20 }),
      clients: [
        ...["p1", "p2"].map((p) => ({ id: p, actor: producerClient({ nodes: ids, producer: p, topics: ["t", "u"], count: 1_000_000, thinkMs: 20 }) })),
        { id: "c1", actor: consumerClient({ nodes: ids, group: "g", topic: "t", polls: 1_000_000, max: 50, thinkMs: 100 }) },
      ],
      maxTimeMs: SPAN,
      trace: { hash: true },
    });
  });
  if (result === undefined || !result.ok) throw new Error(`pubsub bench broke ${result?.violation?.invariant}: ${result?.violation?.message}`);
  const acked = result.history.filter((h) => (h.res as PubSubResponse | undefined)?.ok === true && (h.res as { op?: string }).op === "publish").length;
  const check = checkPubSubHistory(result.history);
  if (!check.ok) throw new Error(`pubsub bench: checker found ${check.violations[0]?.kind}: ${check.violations[0]?.message}`);
  return [
    { name: "pubsub simulated acknowledged publishes per second, 3 brokers under faults", value: round3(acked / seconds), unit: "publishes/s" },
    { name: "pubsub virtual/real time (same run)", value: round3(SPAN / 1000 / seconds), unit: "x" },
    { name: "pubsub acknowledged publishes in the 2 virtual minutes", value: acked, unit: "publishes" },
  ];
}
