/**
 * Each pub/sub mutant is caught by the history checker: in a scenario that needs it (a restore
 * from snapshots, a leader cut off from the majority), and by the random sweep within a budget
 * of seeds (the seed that found it is printed).
 */
import { describe, expect, it } from "vitest";
import { checkPubSubHistory, type BrokerHooks, type PubSubRequest } from "@faultline/pubsub";
import { startPubSub } from "./harness.js";
import { PUBSUB_MUTANTS, pubsubMutant } from "./mutants/index.js";
import { runSeed } from "./sweep.js";

const pub = (producer: string, seq: number): PubSubRequest => ({ op: "publish", topic: "t", producer, seq, payload: `${producer}-${seq}` });

/** Publishes 5 messages (with the leader's no-op: 6 entries, all in the snapshot at 6), restarts every broker, retries the last publish, reads the log. */
function restoreScenario(hooks?: BrokerHooks) {
  const r = startPubSub({ seed: 2, config: { raft: { snapshotThreshold: 3 } }, ...(hooks === undefined ? {} : { hooks }) });
  r.sim.runUntil(1_500);
  const first = r.leader() as string;
  for (let seq = 1; seq <= 5; seq++) r.sim.request(first, "p", pub("p", seq), 1_500 + seq * 20);
  r.sim.runUntil(2_000);
  for (const id of r.cluster.ids) r.sim.inject({ at: r.sim.time, type: "crash", node: id });
  for (const id of r.cluster.ids) r.sim.inject({ at: r.sim.time, type: "restart", node: id });
  r.sim.runUntil(4_000);
  const leader = r.leader() as string;
  r.sim.request(leader, "p", pub("p", 5), 4_000);
  r.sim.runUntil(4_500);
  r.sim.request(leader, "final", { op: "history", topic: "t", from: 0, limit: 100 }, 4_500);
  r.sim.runUntil(5_000);
  return checkPubSubHistory(r.sim.result().history);
}

/** Publishes 2 messages, cuts the leader off, then asks it for a commit and a publish; heals; reads back through the new leader. */
function cutOffScenario(hooks?: BrokerHooks) {
  const r = startPubSub({ seed: 11, ...(hooks === undefined ? {} : { hooks }) });
  r.sim.runUntil(1_500);
  const old = r.leader() as string;
  const others = r.cluster.ids.filter((id) => id !== old);
  r.sim.request(old, "p", pub("p", 1), 1_500);
  r.sim.request(old, "p", pub("p", 2), 1_550);
  r.sim.request(old, "c", { op: "poll", topic: "t", group: "g", max: 10 }, 1_700);
  r.sim.runUntil(1_900);
  r.sim.inject({ at: r.sim.time, type: "partition", groups: [[old], others] });
  r.sim.request(old, "c", { op: "commit", topic: "t", group: "g", offset: 2 }, 1_910);
  r.sim.request(old, "q", pub("q", 1), 1_910);
  r.sim.runUntil(3_500);
  r.sim.inject({ at: r.sim.time, type: "heal" });
  r.sim.runUntil(4_500);
  const leader = r.leader() as string;
  r.sim.request(leader, "c", { op: "poll", topic: "t", group: "g", max: 10 }, 4_500);
  r.sim.request(leader, "final", { op: "history", topic: "t", from: 0, limit: 100 }, 4_500);
  r.sim.runUntil(5_000);
  return checkPubSubHistory(r.sim.result().history);
}

const kinds = (c: ReturnType<typeof checkPubSubHistory>) => c.violations.map((v) => v.kind);

describe("pub/sub mutants", () => {
  it("the shipped broker passes both scenarios", () => {
    expect(restoreScenario().violations).toEqual([]);
    expect(cutOffScenario().violations).toEqual([]);
  });

  it("dedup-not-in-snapshot: a retried publish after a restore appears twice", () => {
    const check = restoreScenario(pubsubMutant("dedup-not-in-snapshot").hooks);
    expect(kinds(check)).toContain("duplicate");
  });

  it("commit-ack-before-durable: the group's offset goes back after the leader change", () => {
    const check = cutOffScenario(pubsubMutant("commit-ack-before-durable").hooks);
    expect(kinds(check)).toContain("offset-regression");
  });

  it("publish-ack-before-durable: an acknowledged publish is lost", () => {
    const check = cutOffScenario(pubsubMutant("publish-ack-before-durable").hooks);
    expect(kinds(check)).toContain("lost");
  });

  // The sweep's budget per mutant: FAULTLINE_MUTANT_SEEDS=200 npx vitest run packages/pubsub/test/mutants.test.ts
  const budget = Number(process.env.FAULTLINE_MUTANT_SEEDS ?? 0);
  for (const { name } of budget > 0 ? PUBSUB_MUTANTS : []) {
    it(`the random sweep finds ${name} within ${budget} seeds`, () => {
      const hooks = pubsubMutant(name).hooks;
      let found = -1;
      for (let seed = 0; seed < budget && found < 0; seed++) if (!runSeed(seed, hooks).ok) found = seed;
      console.log(`${name}: first failing seed ${found}`);
      expect(found).toBeGreaterThanOrEqual(0);
    }, 60_000 + budget * 1_000);
  }
});
