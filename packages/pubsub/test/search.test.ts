/**
 * The project's property runner (`checkProperty`: fast-check cases of seed + fault plan, shrunk
 * on failure) driving brokers with producers and consumers, the history checker as its `after`
 * check. The shipped broker passes; with FAULTLINE_MUTANT_SEEDS=<runs>, each mutant is searched
 * for, and the shrunk counterexample is printed.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkProperty, formatFailure } from "@faultline/check";
import type { SimulationResult, WorkloadOp } from "@faultline/kernel";
import { checkPubSubHistory, consumerClient, producerClient, pubsubCluster, type BrokerHooks, type PubSubRequest } from "@faultline/pubsub";
import { PUBSUB_MUTANTS } from "./mutants/index.js";

const ids = ["n1", "n2", "n3"];
/** Final reads of both topics at every broker once the faults are over: the leader's answer counts. */
const finals: WorkloadOp<PubSubRequest>[] = ids.flatMap((node) => ["t", "u"].map((topic) => ({ at: 5_500, client: `final-${node}-${topic}`, node, req: { op: "history" as const, topic, from: 0, limit: 1_000 } })));

function options(hooks: BrokerHooks | undefined, runs: number) {
  return {
    system: () => {
      const c = pubsubCluster({ nodes: ids, config: { raft: { snapshotThreshold: 16 } }, ...(hooks === undefined ? {} : { hooks }) });
      return {
        nodes: c.nodes,
        invariants: c.invariants,
        clients: [
          ...["p1", "p2"].map((p) => ({ id: p, actor: producerClient({ nodes: ids, producer: p, topics: ["t", "u"], count: 12, timeoutMs: 300 }) })),
          { id: "c1", actor: consumerClient({ nodes: ids, group: "g", topic: "t", polls: 10, max: 3, timeoutMs: 300 }) },
          { id: "c2", actor: consumerClient({ nodes: ids, group: "g", topic: "t", polls: 10, max: 3, timeoutMs: 300, thinkMs: 30 }) },
        ],
      };
    },
    runs,
    workload: fc.constant(finals),
    faults: { durationMs: 3_000 },
    run: { network: { minLatencyMs: 1, maxLatencyMs: 15, dropRate: 0.03, duplicateRate: 0.03, reorderRate: 0.05 }, maxTimeMs: 6_000 },
    after: (r: SimulationResult) => {
      const c = checkPubSubHistory(r.history);
      return c.ok ? undefined : c.violations.map((v) => `${v.kind}: ${v.message}`).join("; ");
    },
    systemName: "pubsub",
  };
}

describe("pub/sub through the property runner", () => {
  it("the shipped broker passes 10 shrinkable cases", () => {
    const result = checkProperty(options(undefined, 10));
    if (!result.ok) expect.fail(formatFailure(result.failure));
  }, 120_000);

  const budget = Number(process.env.FAULTLINE_MUTANT_SEEDS ?? 0);
  for (const m of budget > 0 ? PUBSUB_MUTANTS : []) {
    it(`searches for ${m.name} (${budget} cases)`, () => {
      const result = checkProperty(options(m.hooks, budget));
      console.log(`${m.name}: ${result.ok ? `not found in ${result.runs} cases` : formatFailure(result.failure, 0)}`);
    }, 60_000 + budget * 5_000);
  }
});
