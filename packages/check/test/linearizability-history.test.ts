import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkLinearizable, checkProperty, workloadArbitrary, isPending, kvModel, linearizableHistory, operationsFromHistory, UNKNOWN, type KvInput, type KvOutput, type SequentialModel, type ToOperation } from "@faultline/check";
import { kvClient, raftCluster, type KvRequest, type KvResponse } from "@faultline/raft";
import { generatePlan, simulate, type HistoryEntry } from "@faultline/kernel";
import { counter } from "../../../examples/replicated-counter/counter.js";

/** Raft replies with ok: false were not applied; an unanswered get showed nothing. */
const raftOperation: ToOperation<KvInput, KvOutput> = (req, res) => {
  const q = req as KvRequest;
  const s = res as KvResponse | undefined;
  if (s !== undefined && !s.ok) return undefined;
  if (s === undefined && q.op === "get") return undefined;
  return { input: q, output: s };
};

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
  const result = run();
  const history = operationsFromHistory(result.history, { toOperation: raftOperation });

  it("has 1,000+ operations, some of unknown outcome, and is linearizable", () => {
    expect(result.ok).toBe(true);
    expect(history.length).toBeGreaterThanOrEqual(1_000);
    expect(history.some(isPending)).toBe(true);
    expect(checkLinearizable(history, kvModel).verdict).toBe("ok");
    expect(linearizableHistory(kvModel, { toOperation: raftOperation }).after(result)).toBeUndefined();
  });

  it("is caught if one read in it is tampered with, by the checker and by the ready `after` check", () => {
    const i = history.findIndex((o, k) => k > 500 && o.input.op === "get" && !isPending(o) && o.output?.value !== undefined);
    const tampered = history.map((o, k) => (k === i ? { ...o, output: { ok: true, value: "never written" } } : o));
    const res = checkLinearizable(tampered, kvModel);
    expect(res.verdict).toBe("illegal");
    expect(res.failures.map((f) => f.failing)).toEqual([i]);
    // The same tampering, in the kernel history the `after` check reads.
    const entry = result.history.find((h) => h.completedAt === (history[i] as { ret: number }).ret && h.client === history[i]?.client) as HistoryEntry;
    const forged = result.history.map((h) => (h === entry ? { ...h, res: { ok: true, value: "never written" } } : h));
    const message = linearizableHistory(kvModel, { toOperation: raftOperation }).after({ ...result, history: forged });
    expect(message).toMatch(/^not linearizable: 1 of 3 partitions .*never written/);
  });
});

/** A counter's sequential specification: the custom-model example of packages/check/README.md. */
type CounterInput = { readonly type: "increment" } | { readonly type: "read" };
const counterModel: SequentialModel<number, CounterInput, number> = {
  name: "counter",
  init: () => 0,
  // Both operations reply with the value after them; an unanswered one may have happened.
  step: (n, input, output) => {
    const next = input.type === "increment" ? n + 1 : n;
    return { ok: output === UNKNOWN || output === next, state: next };
  },
  hash: (n) => n,
  describeOperation: (input, output) => `${input.type}() -> ${output === UNKNOWN ? "?" : output}`,
};

describe("a custom model", () => {
  it("checks a counter history", () => {
    const op = (client: string, type: "increment" | "read", output: number, call: number, ret: number) => ({ client, input: { type }, output, call, ret });
    expect(checkLinearizable([op("a", "increment", 1, 0, 10), op("b", "increment", 2, 5, 15), op("c", "read", 2, 20, 25)], counterModel).verdict).toBe("ok");
    expect(checkLinearizable([op("a", "increment", 1, 0, 10), op("b", "increment", 1, 5, 15)], counterModel).verdict).toBe("illegal");
  });

  // The G-counter serves every request from the local replica: reads through different nodes go
  // back in time, which a counter that is linearizable never does. The ready check finds it.
  const gCounterRun = (invariant?: ReturnType<typeof linearizableHistory>) => {
    const ids = ["n1", "n2", "n3"];
    const workload = Array.from({ length: 60 }, (_, i) => ({ at: i * 7, client: `c${i % 4}`, node: ids[i % 3] as string, req: { type: i % 3 === 0 ? ("increment" as const) : ("read" as const) } }));
    return simulate({
      seed: "g-counter",
      nodes: ids.map((id) => ({ id, protocol: counter })),
      network: { minLatencyMs: 5, maxLatencyMs: 40 },
      workload,
      invariants: invariant ? [invariant] : [],
      maxTimeMs: 2_000,
    });
  };

  it("as a simulator invariant, stops a run of an eventually consistent counter", () => {
    const linear = linearizableHistory(counterModel);
    const res = gCounterRun(linear);
    expect(res.ok).toBe(false);
    expect(res.violation?.invariant).toBe("linearizable");
    expect(res.violation?.message).toMatch(/^not linearizable: 1 of 1 partition have no order .* fits counter/);
    // The same history, checked after the run, agrees.
    expect(linear.after(gCounterRun())).toMatch(/^not linearizable/);
  });

  it("as the property runner's after check, finds and shrinks a non-linearizable run", () => {
    const r = checkProperty({
      system: () => ({ nodes: ["n1", "n2", "n3"].map((id) => ({ id, protocol: counter })) }),
      runs: 50,
      faults: { maxActions: 0 },
      workload: workloadArbitrary({ nodes: ["n1", "n2", "n3"], durationMs: 200, clients: ["c1", "c2", "c3"], request: fc.constantFrom({ type: "increment" as const }, { type: "read" as const }), maxOps: 12 }),
      after: linearizableHistory(counterModel).after,
      run: { maxTimeMs: 2_000, network: { minLatencyMs: 5, maxLatencyMs: 40 } },
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.failure.invariant).toBe("after");
    expect(r.failure.message).toMatch(/^not linearizable/);
    // Shrunk to a handful of operations: two increments through different nodes and a read, at most.
    expect(r.failure.case.workload.length).toBeLessThanOrEqual(4);
  });
});
