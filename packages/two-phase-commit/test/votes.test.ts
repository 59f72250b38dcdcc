import { describe, expect, it } from "vitest";
import { ConfigError, simulate } from "@faultline/kernel";
import {
  participantLog,
  resolveTwoPhaseConfig,
  transactionWorkload,
  twoPhaseCommitCluster,
  validateMessage,
  validateRequest,
  type ParticipantRecord,
  type TwoPhaseMessage,
} from "@faultline/two-phase-commit";

describe("vote preferences", () => {
  it("match each participant's configured commit probability", () => {
    const probabilities = { p1: 0.1, p2: 0.5, p3: 0.8, p4: 1 };
    const cluster = twoPhaseCommitCluster({ participants: 4, commitProbability: probabilities });
    const txs = 2_000;
    const result = simulate({
      seed: "votes",
      nodes: cluster.nodes,
      invariants: cluster.invariants,
      workload: transactionWorkload({ count: txs, spacingMs: 1 }),
      maxTimeMs: 20_000,
    });
    expect(result.ok).toBe(true);
    for (const [p, prob] of Object.entries(probabilities)) {
      const votes = [...participantLog(result.view.node(p).records as ParticipantRecord[]).values()].map((e) => e.vote);
      expect(votes).toHaveLength(txs);
      const yes = votes.filter((v) => v === "yes").length / txs;
      // Within 4 standard deviations of a binomial proportion (0 for p = 1).
      const sd = Math.sqrt((prob * (1 - prob)) / txs);
      expect(Math.abs(yes - prob), `${p}: ${yes} YES for p = ${prob}`).toBeLessThanOrEqual(4 * sd);
    }
  });

  it("are drawn once per transaction: a re-delivered PREPARE gets the same vote, persisted once", () => {
    const cluster = twoPhaseCommitCluster({ participants: 3, commitProbability: 0.5, voteTimeoutMs: 400, resendIntervalMs: 20 });
    const result = simulate({
      seed: "redelivery",
      nodes: cluster.nodes,
      invariants: cluster.invariants,
      network: { minLatencyMs: 1, maxLatencyMs: 60, duplicateRate: 0.9, reorderRate: 0.5 },
      workload: transactionWorkload({ count: 30, spacingMs: 5 }),
      maxTimeMs: 5_000,
      trace: { full: true },
    });
    expect(result.ok).toBe(true);
    const sent = new Map<string, Set<string>>();
    let votes = 0;
    for (const e of result.trace ?? []) {
      const msg = e.msg as TwoPhaseMessage | undefined;
      if (e.kind !== "deliver" || msg?.type !== "vote") continue;
      votes++;
      const key = `${e.from}/${msg.tx}`;
      sent.set(key, (sent.get(key) ?? new Set()).add(msg.vote));
    }
    expect(votes).toBeGreaterThan(90 * 1.5); // many votes arrived more than once
    for (const [key, seen] of sent) expect(seen.size, key).toBe(1);
    for (const p of ["p1", "p2", "p3"]) {
      const voteRecords = (result.view.node(p).records as ParticipantRecord[]).filter((r) => r.type === "vote");
      expect(new Set(voteRecords.map((r) => r.tx)).size).toBe(voteRecords.length);
    }
  });
});

describe("configuration", () => {
  it("fills in defaults", () => {
    expect(resolveTwoPhaseConfig()).toEqual({
      coordinator: "coordinator",
      participants: ["p1", "p2", "p3"],
      voteTimeoutMs: 200,
      resendIntervalMs: 50,
      statusIntervalMs: 100,
      commitProbability: { p1: 1, p2: 1, p3: 1 },
    });
  });

  it.each([
    [{ participants: [] }, "participants"],
    [{ participants: ["p1", "p1"] }, "participants[1]"],
    [{ participants: ["coordinator"] }, "participants[0]"],
    [{ participants: ["p1", ""] }, "participants[1]"],
    [{ voteTimeoutMs: 0 }, "voteTimeoutMs"],
    [{ resendIntervalMs: Number.NaN }, "resendIntervalMs"],
    [{ statusIntervalMs: -5 }, "statusIntervalMs"],
    [{ commitProbability: 1.5 }, "commitProbability"],
    [{ commitProbability: { p2: -0.1 } }, "commitProbability.p2"],
    [{ commitProbability: { p9: 0.5 } }, "commitProbability.p9"],
    [{ coordinator: "" }, "coordinator"],
  ])("rejects %j naming %s", (input, field) => {
    let error: unknown;
    try {
      resolveTwoPhaseConfig(input as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).field).toBe(field);
    expect((error as Error).message).toContain(field);
  });
});

describe("wire validation", () => {
  it("accepts every message and request of the protocol", () => {
    for (const m of [{ type: "prepare", tx: "t" }, { type: "vote", tx: "t", vote: "no" }, { type: "ack", tx: "t" }, { type: "status", tx: "t" }]) expect(validateMessage(m)).toBeUndefined();
    expect(validateRequest({ type: "begin" })).toBeUndefined();
    expect(validateRequest({ type: "begin", tx: "t1" })).toBeUndefined();
  });

  it.each([
    [null, /message/],
    [{ type: "launch", tx: "t" }, /^type/],
    [{ type: "prepare" }, /^tx/],
    [{ type: "prepare", tx: 7 }, /^tx/],
    [{ type: "vote", tx: "t", vote: "maybe" }, /^vote/],
  ])("names what is wrong with %j", (msg, field) => {
    expect(validateMessage(msg)).toMatch(field);
  });

  it("names what is wrong with a request", () => {
    expect(validateRequest({ type: "commit" })).toMatch(/^type/);
    expect(validateRequest({ type: "begin", tx: "" })).toMatch(/^tx/);
  });
});
