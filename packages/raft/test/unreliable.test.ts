/**
 * Figure 8 under an unreliable network, and churn: leaders (or any nodes) crash again and again
 * while clients write through a lossy, duplicating, reordering network. Decisions of the test
 * itself come from a seeded stream, so each run is reproducible.
 */
import { describe, expect, it } from "vitest";
import { createRng } from "@faultline/kernel";
import { entryAt, kvClient, type KvResponse, type RaftState } from "@faultline/raft";
import { startRaft } from "./harness.js";

function chaos(seed: string, target: "leader" | "any") {
  const nodes = 5;
  const ids = Array.from({ length: nodes }, (_, i) => `n${i + 1}`);
  const r = startRaft({
    nodes,
    seed,
    network: { minLatencyMs: 1, maxLatencyMs: 30, dropRate: 0.1, duplicateRate: 0.1, reorderRate: 0.2 },
    clients: ["k1", "k2", "k3"].map((name) => ({ id: name, actor: kvClient({ nodes: ids, name, ops: 200, timeoutMs: 400 }) })),
    maxTimeMs: 60_000,
  });
  const rng = createRng(seed, "test");
  const down = new Set<string>();
  for (let round = 0; round < 40; round++) {
    r.sim.runFor(rng.int(50, 400));
    const victim = target === "leader" ? r.leader() : rng.pick(ids.filter((id) => !down.has(id)));
    if (victim !== undefined && down.size < 2 && rng.chance(0.6)) {
      r.sim.inject({ at: r.sim.time, type: "crash", node: victim });
      down.add(victim);
    } else if (down.size > 0) {
      const back = rng.pick([...down]);
      r.sim.inject({ at: r.sim.time, type: "restart", node: back });
      down.delete(back);
    }
    expect(r.sim.result().violation, `round ${round}`).toBeUndefined();
  }
  // Faults stop: everyone back, a clean network.
  for (const id of down) r.sim.inject({ at: r.sim.time, type: "restart", node: id });
  r.sim.inject({ at: r.sim.time, type: "network", dropRate: 0, duplicateRate: 0, reorderRate: 0 });
  r.sim.runFor(2_000);
  return r;
}

describe.each([
  ["figure 8, unreliable network: the leader keeps crashing", "leader"],
  ["churn: random nodes keep crashing", "any"],
] as const)("%s", (_name, target) => {
  it.each(["a", "b", "c"])("seed %s: safe, then a single leader that commits, and one committed history", (seed) => {
    const r = chaos(`${target}-${seed}`, target);
    const result = r.sim.result();
    expect(result.violation).toBeUndefined();
    expect(result.history.filter((h) => (h.res as KvResponse | undefined)?.ok === true).length).toBeGreaterThan(20);
    const leaders = r.leaders();
    expect(leaders).toHaveLength(1);
    const leader = leaders[0] as string;
    r.sim.request(leader, "probe", { op: "put", key: "probe", value: "1" });
    r.sim.runFor(500);
    expect(r.sim.result().history.find((h) => h.client === "probe")?.res).toEqual({ ok: true });
    // One committed history: every index all nodes still hold (past every snapshot, up to every
    // commit index) carries the same entry everywhere.
    const states = r.cluster.ids.map((id) => r.state(id) as RaftState);
    const from = Math.max(...states.map((s) => s.log.snapshot.index)) + 1;
    const to = Math.min(...states.map((s) => s.commitIndex));
    expect(to).toBeGreaterThanOrEqual(from);
    for (let i = from; i <= to; i++) {
      const entries = new Set(states.map((s) => JSON.stringify(entryAt(s, i))));
      expect(entries.size, `index ${i}`).toBe(1);
    }
  });
});
