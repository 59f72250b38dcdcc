import { describe, expect, it } from "vitest";
import { checkLinearizable, kvModel, operationsFromHistory, registerModel, type KvInput, type KvOutput, type Operation, type RegisterInput } from "@faultline/check";
import { kvClient, raftCluster, type KvRequest, type KvResponse } from "@faultline/raft";
import { generatePlan, simulate } from "@faultline/kernel";

type RegOp = Operation<RegisterInput, string | undefined>;
const w = (client: string, value: string, call: number, ret: number): RegOp => ({ client, input: { op: "write", value }, output: undefined, call, ret });
const r = (client: string, value: string | undefined, call: number, ret: number): RegOp => ({ client, input: { op: "read" }, output: value, call, ret });
const lost = (client: string, value: string, call: number): RegOp => ({ client, input: { op: "write", value }, output: undefined, call, ret: Infinity });
const ok = (ops: RegOp[]) => checkLinearizable(ops, registerModel).ok;

describe("linearizability of register histories", () => {
  it("accepts sequential and concurrent histories that have a valid order", () => {
    expect(ok([w("a", "1", 0, 10), r("b", "1", 20, 30)])).toBe(true);
    // Concurrent write and read: the read may see the old or the new value.
    expect(ok([w("a", "1", 0, 10), w("a", "2", 20, 40), r("b", "1", 25, 30)])).toBe(true);
    expect(ok([w("a", "1", 0, 10), w("a", "2", 20, 40), r("b", "2", 25, 30)])).toBe(true);
    // Two overlapping writes, then reads that agree on the last one.
    expect(ok([w("a", "1", 0, 50), w("b", "2", 10, 40), r("c", "1", 60, 70), r("d", "1", 80, 90)])).toBe(true);
  });

  it("rejects a stale read and a read that goes back in time", () => {
    expect(ok([w("a", "1", 0, 10), w("a", "2", 20, 30), r("b", "1", 40, 50)])).toBe(false);
    expect(ok([w("a", "1", 0, 10), w("b", "2", 15, 100), r("c", "2", 20, 30), r("d", "1", 40, 50)])).toBe(false);
  });

  it("treats a timed-out write as possibly applied, at any time after its call, or never", () => {
    expect(ok([w("a", "1", 0, 10), lost("b", "2", 20), r("c", "2", 100, 110)])).toBe(true); // applied
    expect(ok([w("a", "1", 0, 10), lost("b", "2", 20), r("c", "1", 100, 110)])).toBe(true); // never applied
    expect(ok([w("a", "1", 0, 10), lost("b", "2", 20), r("c", "2", 100, 110), r("c", "1", 120, 130)])).toBe(false); // applied, then undone
    expect(ok([lost("b", "2", 50), r("c", "2", 10, 20)])).toBe(false); // seen before it was sent
  });

  it("reports the partition that fails and how far the search got", () => {
    const res = checkLinearizable([w("a", "1", 0, 10), w("a", "2", 20, 30), r("b", "1", 40, 50)], registerModel);
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.partition).toHaveLength(3);
    expect(res.longest.map((o) => o.input)).toEqual([{ op: "write", value: "1" }, { op: "write", value: "2" }]);
  });
});

describe("linearizability of key-value histories", () => {
  const op = (client: string, input: KvInput, output: KvOutput | undefined, call: number, ret: number): Operation<KvInput, KvOutput> => ({ client, input, output, call, ret });
  it("checks keys independently", () => {
    const history = [
      op("a", { op: "put", key: "x", value: "1" }, { ok: true }, 0, 10),
      op("b", { op: "put", key: "y", value: "9" }, { ok: true }, 0, 10),
      op("c", { op: "get", key: "x" }, { ok: true, value: "1" }, 20, 30),
      op("c", { op: "get", key: "y" }, { ok: true, value: "9" }, 20, 30),
      op("d", { op: "delete", key: "x" }, { ok: true }, 40, 50),
      op("d", { op: "get", key: "x" }, { ok: true }, 60, 70),
    ];
    const res = checkLinearizable(history, kvModel);
    expect(res).toEqual({ ok: true, operations: 6, partitions: 2 });
    const bad = [...history, op("e", { op: "get", key: "x" }, { ok: true, value: "1" }, 80, 90)];
    expect(checkLinearizable(bad, kvModel).ok).toBe(false);
  });
});

describe("a Raft key-value history under faults", () => {
  const run = () => {
    const cluster = raftCluster({ nodes: 5 });
    const ids = cluster.ids;
    return simulate({
      seed: "linearizable",
      nodes: cluster.nodes,
      invariants: cluster.invariants,
      network: { minLatencyMs: 1, maxLatencyMs: 20, dropRate: 0.05, duplicateRate: 0.05, reorderRate: 0.1 },
      plan: generatePlan("linearizable", { nodes: ids, durationMs: 20_000, maxActions: 30 }),
      clients: Array.from({ length: 6 }, (_, i) => ({ id: `c${i}`, actor: kvClient({ nodes: ids, name: `c${i}`, ops: 400, keys: ["x", "y", "z"], readShare: 0.5, thinkMs: 2, timeoutMs: 300 }) })),
      maxTimeMs: 30_000,
    });
  };
  const ops = (history: Parameters<typeof operationsFromHistory>[0]) =>
    operationsFromHistory<KvRequest, KvResponse>(history, { notApplied: (res) => !res.ok, isRead: (req) => req.op === "get" }) as unknown as Operation<KvInput, KvOutput>[];

  it("has 1,000+ operations, some timed out, and is linearizable", () => {
    const result = run();
    expect(result.ok).toBe(true);
    const history = ops(result.history);
    expect(history.length).toBeGreaterThanOrEqual(1_000);
    expect(history.some((o) => o.ret === Infinity)).toBe(true);
    expect(checkLinearizable(history, kvModel).ok).toBe(true);
  });

  it("is caught if one read in it is tampered with", () => {
    const history = ops(run().history);
    const i = history.findIndex((o, k) => k > 500 && o.input.op === "get" && o.output?.value !== undefined);
    const tampered = history.map((o, k) => (k === i ? { ...o, output: { ok: true, value: "never written" } } : o));
    expect(checkLinearizable(tampered, kvModel).ok).toBe(false);
  });
});
