/**
 * Retries are per transaction: each transaction's PREPARE/decision resends and each prepared
 * transaction's STATUS queries run on their own timer, re-armed by the round they send, so a
 * transaction begun just before another one's retry is due is not resent early.
 */
import { describe, expect, it } from "vitest";
import { simulate, type AnyProtocol, type Effect, type NodeSpec } from "@faultline/kernel";
import { transactionWorkload, twoPhaseCommitCluster, type TwoPhaseMessage } from "@faultline/two-phase-commit";

/** Messages sent in a run without loss or duplication: each one is delivered or dropped exactly once. */
function messagesOf(trace: readonly { kind: string; msg?: unknown; duplicate?: true }[]): number {
  return trace.filter((e) => (e.kind === "deliver" || e.kind === "drop") && e.msg !== undefined && e.duplicate === undefined).length;
}

describe("two overlapping failure-free commits with 3 participants", () => {
  it("cost at most 24 messages (PREPARE, vote, COMMIT, ACK × 3 × 2) whatever the offset between their begins", () => {
    const counts: number[] = [];
    for (let offset = 0; offset <= 60; offset++) {
      const cluster = twoPhaseCommitCluster({ participants: 3 });
      const result = simulate({
        seed: `offset-${offset}`,
        nodes: cluster.nodes,
        invariants: cluster.invariants,
        // Round trips stay under the 50 ms retry interval, so no retry is ever needed.
        network: { minLatencyMs: 1, maxLatencyMs: 20 },
        workload: [
          { at: 0, client: "a", node: "coordinator", req: { type: "begin", tx: "a" } },
          { at: offset, client: "b", node: "coordinator", req: { type: "begin", tx: "b" } },
        ],
        maxTimeMs: 2_000,
        trace: { full: true },
      });
      expect(result.ok).toBe(true);
      expect(result.history.map((h) => h.res)).toEqual([
        { tx: "a", outcome: "commit" },
        { tx: "b", outcome: "commit" },
      ]);
      counts.push(messagesOf(result.trace ?? []));
    }
    expect(Math.max(...counts), `messages per offset 0..60: ${counts.join(" ")}`).toBe(24);
    expect(Math.min(...counts)).toBe(24);
  });
});

interface Sent {
  readonly at: number;
  readonly node: string;
  readonly incarnation: number;
  readonly to: string;
  readonly msg: TwoPhaseMessage;
  /** The step answered a STATUS query (an answer, not a retry). */
  readonly answer: boolean;
}

/** Wraps a protocol to record every send with the node's clock; observation only (test code). */
function recording(protocol: AnyProtocol, sent: Sent[]): AnyProtocol {
  let incarnation = 0;
  const log = (node: string, now: number, effects: readonly Effect<unknown, unknown, unknown>[], answer: boolean) => {
    for (const e of effects) if (e.type === "send") sent.push({ at: now, node, incarnation, to: e.to, msg: e.msg as TwoPhaseMessage, answer });
  };
  return {
    ...protocol,
    init: (ctx, records) => {
      incarnation++;
      const out = protocol.init(ctx, records);
      log(ctx.self, ctx.now(), out.effects, false);
      return out;
    },
    step: (state, input, ctx) => {
      const out = protocol.step(state, input, ctx);
      log(ctx.self, ctx.now(), out.effects, input.type === "message" && (input.msg as TwoPhaseMessage).type === "status");
      return out;
    },
  };
}

describe("retry spacing under loss, reordering and crashes", () => {
  it("resends of one transaction to one participant are at least resendIntervalMs apart; STATUS queries at least statusIntervalMs", () => {
    let resends = 0;
    let queries = 0;
    for (let seed = 0; seed < 10; seed++) {
      const sent: Sent[] = [];
      const cluster = twoPhaseCommitCluster({ participants: 3, resendIntervalMs: 30, statusIntervalMs: 70 });
      // Each node its own recorder: the incarnation counter is per node.
      const nodes: NodeSpec[] = cluster.nodes.map((n) => ({ id: n.id, protocol: recording(n.protocol, sent) }));
      const result = simulate({
        seed: `spacing-${seed}`,
        nodes,
        invariants: cluster.invariants,
        network: { minLatencyMs: 1, maxLatencyMs: 40, dropRate: 0.3, reorderRate: 0.2 },
        plan: [
          { at: 100 + seed * 13, type: "crash", node: "coordinator" },
          { at: 400 + seed * 13, type: "restart", node: "coordinator" },
          { at: 600, type: "network", dropRate: 0 },
        ],
        workload: transactionWorkload({ count: 10, spacingMs: 7 }),
        maxTimeMs: 5_000,
      });
      expect(result.ok).toBe(true);
      const last = new Map<string, number>();
      for (const s of sent) {
        if (s.answer) continue;
        const key = `${s.node}#${s.incarnation}>${s.to}:${s.msg.type}:${s.msg.tx}`;
        const before = last.get(key);
        last.set(key, s.at);
        if (before === undefined) continue;
        const gap = s.at - before;
        if (s.msg.type === "status") {
          queries++;
          expect(gap, key).toBeGreaterThanOrEqual(70);
        } else if (s.node === "coordinator") {
          resends++;
          expect(gap, key).toBeGreaterThanOrEqual(30);
        }
      }
    }
    // The network lost enough for many retries of both kinds to happen.
    expect(resends).toBeGreaterThan(100);
    expect(queries).toBeGreaterThan(10);
  });
});
