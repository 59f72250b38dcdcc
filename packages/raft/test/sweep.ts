/** One seeded run of a Raft cluster under a random fault plan, with the liveness check after it. */
import { generatePlan } from "@faultline/kernel";
import { kvClient, type KvResponse, type RaftProtocol } from "@faultline/raft";
import { startRaft } from "./harness.js";

export const CALM_AT = 4_000;
/** After the faults stop: time allowed to elect a leader, then to commit a proposal. */
export const ELECT_WITHIN = 2_000;
export const COMMIT_WITHIN = 1_000;

/** Seed `seed`; `protocol` plants a mutant (default: the shipped reducer). */
export function runSeed(seed: number, protocol?: RaftProtocol) {
  const nodes = 3 + (seed % 2) * 2; // 3 or 5
  const ids = Array.from({ length: nodes }, (_, i) => `n${i + 1}`);
  const plan = generatePlan(seed, { nodes: ids, durationMs: CALM_AT, maxActions: 12 });
  const r = startRaft({
    nodes,
    seed,
    protocol,
    network: { minLatencyMs: 1, maxLatencyMs: 15, dropRate: 0.05, duplicateRate: 0.05, reorderRate: 0.1 },
    plan,
    clients: ["k1", "k2"].map((name) => ({ id: name, actor: kvClient({ nodes: ids, name, ops: 30 }) })),
    maxTimeMs: CALM_AT + ELECT_WITHIN + COMMIT_WITHIN + 500,
  });
  r.sim.runUntil(CALM_AT + ELECT_WITHIN);
  const failure = (why: string) => ({ ok: false as const, why, result: r.sim.result(), plan });
  if (r.sim.result().violation) return failure("invariant");
  const leaders = r.leaders();
  if (leaders.length !== 1) return failure(`no single leader ${ELECT_WITHIN} ms after the faults stopped: ${JSON.stringify(leaders)}`);
  const leader = leaders[0] as string;
  const at = r.sim.time;
  for (let i = 0; i < 3; i++) r.sim.request(leader, `probe${i}`, { op: "put", key: `probe${i}`, value: "v", session: { client: `probe${i}`, seq: 1 } }, at);
  r.sim.runUntil(at + COMMIT_WITHIN);
  const result = r.sim.result();
  if (result.violation) return failure("invariant");
  const probes = result.history.filter((h) => h.client.startsWith("probe"));
  if (!probes.every((h) => (h.res as KvResponse | undefined)?.ok === true)) return failure(`proposals not committed within ${COMMIT_WITHIN} ms: ${JSON.stringify(probes)}`);
  return { ok: true as const, result, plan };
}

