/**
 * Pub/sub as a search system: the space builds at its extremes, its runs pass the history
 * checker, a short swarm + triggers sweep passes with coverage, and a configuration that cannot
 * build is an error naming the field. The large sweep: packages/pubsub/test/swarm-sweep.ts.
 */
import { describe, expect, it } from "vitest";
import { PLAIN_SWARM, runCase, sweep, type Case } from "@faultline/check";
import { PUBSUB_DEFAULT_CONFIG, pubsubSearchSpace, type PubSubSearchConfig } from "@faultline/pubsub";

const calm = (config: PubSubSearchConfig, seed = 3): Case<PubSubSearchConfig> => ({ config, seed, swarm: { ...PLAIN_SWARM, drop: 0, dup: 0, reorder: 0 }, faults: [], triggers: [] });

describe("pubsubSearchSpace", () => {
  it("runs the smallest and the largest cluster to completion: every publish acknowledged and read back", () => {
    for (const nodes of [1, 2, 7]) {
      let acked = 0;
      const space = pubsubSearchSpace({ onCheck: (c) => (acked = c.found) });
      const config = { ...PUBSUB_DEFAULT_CONFIG, nodes, producers: 3, messages: 5, topics: 3, groups: 2 };
      const run = runCase(space, calm(config));
      expect(run.failure, `${nodes} broker(s)`).toBeUndefined();
      expect(acked).toBe(15);
    }
  }, 120_000);

  it("a crash of the node that just became leader, and a partition, still pass the checker", () => {
    const space = pubsubSearchSpace();
    const c: Case<PubSubSearchConfig> = {
      ...calm({ ...PUBSUB_DEFAULT_CONFIG, snapshotThreshold: 4 }, 11),
      faults: [{ kind: "partition", at: 900, forMs: 800, mask: 1 }],
      // The first broker to become leader crashes right away and restarts 300 steps later.
      triggers: [{ type: "trigger", at: 0, when: { on: "state", path: "raft.role", equals: "leader" }, then: { do: "crash", restartAfterSteps: 300 } }],
    };
    const run = runCase(space, c);
    expect(run.failure).toBeUndefined();
    expect(run.coverage.fired["state→crash"]).toBe(1);
    expect(run.coverage.sometimes.has("a snapshot taken")).toBe(true);
  }, 60_000);

  it("a short swarm + triggers sweep passes and reports its coverage", () => {
    let acked = 0;
    const space = pubsubSearchSpace({ onCheck: (c) => (acked += c.acked) });
    const r = sweep(space, { mode: "triggers", runs: 12, seed: 5 });
    expect(r.failure?.message).toBeUndefined();
    expect(r.ok).toBe(true);
    expect(acked).toBeGreaterThan(12);
    expect(r.coverage.states).toBeGreaterThan(10);
    expect(r.coverage.sometimes.filter((s) => s.firstRun !== undefined).length).toBeGreaterThanOrEqual(3);
  }, 180_000);

  it("a configuration that does not build is an error naming the field", () => {
    const space = pubsubSearchSpace();
    expect(() => space.buildChecked({ ...PUBSUB_DEFAULT_CONFIG, dedupWindow: 0 })).toThrow(/dedupWindow/);
    expect(() => space.buildChecked({ ...PUBSUB_DEFAULT_CONFIG, electionMinMs: -5 })).toThrow(/pubsub configuration/);
  });
});
