/**
 * Jepsen-style tests over real sockets, bounded for the default suite: real node processes on
 * 127.0.0.1, every peer link through a proxy the test controls, kill -9, SIGSTOP/SIGCONT,
 * partitions, delays and stalls at random while clients record a history. Raft's history must be
 * linearizable (acknowledged writes included, read back at the end); 2PC's replies must match
 * the coordinator's logged decisions and every participant's outcome. The long version:
 * `JEPSEN_FAULTS=1000 node --import tsx packages/cli/test/jepsen/long.ts` (see that file).
 * A failing run prints its seed; `JEPSEN_SEED=<seed>` replays the same fault schedule.
 */
import { describe, expect, it } from "vitest";
import { checkLinearizable, kvModel } from "@faultline/check";
import { checkOutcomes, raftRun, twoPhaseRun } from "./jepsen/workloads.js";

const seed = Number(process.env.JEPSEN_SEED ?? Math.floor(Math.random() * 2 ** 31));

describe("Jepsen-style, bounded", () => {
  it(`Raft KV stays linearizable under kill -9, pauses and partitions (seed ${seed})`, async () => {
    const r = await raftRun({ faultMs: 10_000, seed });
    console.log(`jepsen raft: ${JSON.stringify({ ...r, history: r.history.length })}`);
    expect(r.detail).toBe("");
    expect(r.linearizable).toBe(true);
    expect(r.acknowledgedWrites).toBeGreaterThan(0);
    expect(Object.values(r.faults).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(2); // restarts take long on a loaded machine: few faults fit
    // Planted: the final read of a written key answers a value never written (a lost or corrupted write): caught.
    const written = r.history.filter((op) => op.input.op === "put" && !("outcome" in op)).map((op) => op.input.key);
    const last = [...r.history].reverse().find((op) => op.input.op === "get" && written.includes(op.input.key));
    expect(last).toBeDefined();
    const planted = r.history.map((op) => (op === last ? { ...op, output: { ok: true, value: "never-written" } } : op));
    expect(checkLinearizable(planted, kvModel).ok).toBe(false);
  }, 90_000);

  it(`2PC outcomes equal the replies under kill -9, pauses and partitions (seed ${seed})`, async () => {
    const r = await twoPhaseRun({ faultMs: 8_000, seed });
    console.log(`jepsen 2pc: ${JSON.stringify({ ...r, replies: r.replies.size })}`);
    expect(r.violations).toEqual([]);
    expect(r.committed + r.aborted).toBeGreaterThan(0);
    // Planted: a reply contradicting the coordinator's decision, and a participant committing an aborted transaction: both caught.
    const decisions = new Map([["t1", { log: "abort" }]]);
    expect(checkOutcomes(new Map([["t1", "commit"]]), decisions, []).violations).toEqual(["t1: the client was told commit, the coordinator logged abort"]);
    expect(checkOutcomes(new Map([["t1", undefined]]), decisions, [["p1", new Map([["t1", { state: "committed" }]])]]).violations).toEqual(["t1: p1 committed, the coordinator logged abort"]);
  }, 90_000);
});
