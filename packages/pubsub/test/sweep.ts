/** One seeded run of a 3-broker cluster under a random fault plan (crashes, partitions, skew...), with producers, consumers and final reads. */
import { generatePlan } from "@faultline/kernel";
import { checkPubSubHistory, consumerClient, producerClient, type BrokerHooks, type PubSubResponse } from "@faultline/pubsub";
import { startPubSub } from "./harness.js";

export const CALM_AT = 3_000;
export const SETTLE = 2_500;
export const TOPICS = ["t", "u"];

/** Seed `seed`; `hooks` plants a mutant (default: the shipped broker). */
export function runSeed(seed: number, hooks?: BrokerHooks) {
  const ids = ["n1", "n2", "n3"];
  const plan = generatePlan(seed, { nodes: ids, durationMs: CALM_AT, maxActions: 10 });
  const clients = [
    ...["p1", "p2"].map((p) => ({ id: p, actor: producerClient({ nodes: ids, producer: p, topics: TOPICS, count: 16, timeoutMs: 300 }) })),
    ...["c1", "c2"].map((c) => ({ id: c, actor: consumerClient({ nodes: ids, group: "g", topic: "t", polls: 12, max: 4, timeoutMs: 300 }) })),
    { id: "c3", actor: consumerClient({ nodes: ids, group: "h", topic: "u", polls: 12, max: 3, timeoutMs: 300, thinkMs: 40 }) },
  ];
  const r = startPubSub({
    seed,
    ...(hooks === undefined ? {} : { hooks }),
    config: { raft: { snapshotThreshold: 8 + (seed % 3) * 20 } },
    network: { minLatencyMs: 1, maxLatencyMs: 15, dropRate: 0.03, duplicateRate: 0.03, reorderRate: 0.05 },
    plan,
    clients,
    maxTimeMs: CALM_AT + SETTLE + 1_500,
  });
  r.sim.runUntil(CALM_AT + SETTLE);
  const fail = (why: string) => ({ ok: false as const, why, plan, result: r.sim.result(), check: undefined });
  if (r.sim.result().violation) return fail(`Raft invariant: ${r.sim.result().violation?.message}`);
  const leader = r.leader();
  if (leader === undefined) return fail("no leader after the faults stopped");
  const at = r.sim.time;
  TOPICS.forEach((topic) => r.sim.request(leader, `final-${topic}`, { op: "history", topic, from: 0, limit: 1_000 }, at));
  r.sim.runUntil(at + 1_000);
  const result = r.sim.result();
  const finals = result.history.filter((h) => h.client.startsWith("final-"));
  if (!finals.every((h) => (h.res as PubSubResponse | undefined)?.ok === true)) return fail(`final reads failed: ${JSON.stringify(finals.map((h) => h.res))}`);
  const check = checkPubSubHistory(result.history);
  if (!check.ok) return { ok: false as const, why: `checker: ${check.violations.map((v) => `${v.kind}: ${v.message}`).join("; ")}`, plan, result, check };
  return { ok: true as const, plan, result, check, why: "" };
}
