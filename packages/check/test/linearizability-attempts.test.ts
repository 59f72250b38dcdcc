/** `attemptOf`: a retried write is one operation, as a store that deduplicates it applies it once. */
import { describe, expect, it } from "vitest";
import { checkLinearizable, isPending, kvModel, linearizableHistory, operationsFromHistory, type KvInput, type KvOutput, type ToOperation } from "@faultline/check";
import type { HistoryEntry, SimulationResult } from "@faultline/kernel";

type Req = { op: "put"; key: string; value: string; seq: number } | { op: "get"; key: string };
type Res = { ok: boolean; value?: string; redirect?: string };

const entry = (client: string, id: number, req: Req, invokedAt: number, completedAt?: number, res?: Res): HistoryEntry =>
  completedAt === undefined ? { client, id, node: "n1", req, invokedAt } : { client, id, node: "n1", req, invokedAt, completedAt, res };

/** `ok: false` was not applied; otherwise the request is the input and the value the output. */
const toOperation: ToOperation<KvInput, KvOutput> = (req, res) => {
  const r = res as Res | undefined;
  if (r !== undefined && !r.ok) return undefined;
  const q = req as Req;
  const input: KvInput = q.op === "put" ? { op: "put", key: q.key, value: q.value } : { op: "get", key: q.key };
  return r === undefined ? { input } : { input, output: r.value === undefined ? {} : { value: r.value } };
};
const attemptOf = (h: HistoryEntry) => {
  const q = h.req as Req;
  return q.op === "put" ? String(q.seq) : undefined;
};

/**
 * a's put of "a1" times out (it was applied at once), b then puts "b1", a's retry of the same
 * write is answered from the store's deduplication table, and a read sees "b1".
 */
const retried: HistoryEntry[] = [
  entry("a", 1, { op: "put", key: "k", value: "a1", seq: 1 }, 0),
  entry("b", 1, { op: "put", key: "k", value: "b1", seq: 1 }, 20, 30, { ok: true }),
  entry("a", 2, { op: "put", key: "k", value: "a1", seq: 1 }, 40, 41, { ok: false, redirect: "n2" }),
  entry("a", 3, { op: "put", key: "k", value: "a1", seq: 1 }, 42, 50, { ok: true }),
  entry("c", 1, { op: "get", key: "k" }, 60, 70, { ok: true, value: "b1" }),
];

describe("operationsFromHistory with attemptOf", () => {
  it("merges a write's attempts into one operation, called at the first and returned by the first answered one it keeps", () => {
    const ops = operationsFromHistory(retried, { toOperation, attemptOf });
    expect(ops).toEqual([
      { client: "a", label: "a#3", input: { op: "put", key: "k", value: "a1" }, output: {}, call: 0, ret: 50 },
      { client: "b", label: "b#1", input: { op: "put", key: "k", value: "b1" }, output: {}, call: 20, ret: 30 },
      { client: "c", label: "c#1", input: { op: "get", key: "k" }, output: { value: "b1" }, call: 60, ret: 70 },
    ]);
    expect(checkLinearizable(ops, kvModel).verdict).toBe("ok");
  });

  it("without it, the retry answered from the table counts as a second write and the history looks stale", () => {
    const ops = operationsFromHistory(retried, { toOperation });
    expect(ops.filter((o) => o.client === "a")).toHaveLength(2);
    expect(checkLinearizable(ops, kvModel).verdict).toBe("illegal");
  });

  it("still catches a stale read: the merged write took effect by its answer, so it cannot come after a later write", () => {
    // a's write was answered at 50 and d's put "d1" ran at 52–55: a read from 60 on that sees "a1" is stale.
    const stale = [...retried.slice(0, 4), entry("d", 1, { op: "put", key: "k", value: "d1", seq: 1 }, 52, 55, { ok: true }), entry("c", 1, { op: "get", key: "k" }, 60, 70, { ok: true, value: "a1" })];
    const check = linearizableHistory(kvModel, { toOperation, attemptOf });
    expect(check.after({ history: stale } as unknown as SimulationResult)).toMatch(/^not linearizable/);
    // The same history with the read seeing "d1" passes.
    const fine = stale.map((h, i) => (i === stale.length - 1 ? { ...h, res: { ok: true, value: "d1" } } : h));
    expect(check.after({ history: fine } as unknown as SimulationResult)).toBeUndefined();
  });

  it("keeps a write no attempt of which was answered as of unknown outcome, and drops one every attempt of which was refused", () => {
    const history = [
      entry("a", 1, { op: "put", key: "k", value: "a1", seq: 1 }, 0, 1, { ok: false }),
      entry("a", 2, { op: "put", key: "k", value: "a1", seq: 1 }, 5),
      entry("b", 1, { op: "put", key: "k", value: "b1", seq: 1 }, 10, 11, { ok: false }),
      entry("b", 2, { op: "put", key: "k", value: "b1", seq: 1 }, 12, 13, { ok: false, redirect: "n2" }),
    ];
    const ops = operationsFromHistory(history, { toOperation, attemptOf });
    expect(ops).toEqual([{ client: "a", label: "a#2", input: { op: "put", key: "k", value: "a1" }, call: 5, outcome: "unknown" }]);
    expect(isPending(ops[0] as never)).toBe(true);
  });

  it("starts a write at its first attempt that may have been applied: a refused attempt took no effect", () => {
    // a's first attempt is refused ("not applied"), yet a read during the gap already sees "a1":
    // the refusal was false (a deposed leader's answer for an entry that later committed).
    const history = [
      entry("a", 1, { op: "put", key: "k", value: "a1", seq: 1 }, 0, 1, { ok: false, redirect: "n2" }),
      entry("c", 1, { op: "get", key: "k" }, 20, 25, { ok: true, value: "a1" }),
      entry("a", 2, { op: "put", key: "k", value: "a1", seq: 1 }, 40, 50, { ok: true }),
    ];
    const ops = operationsFromHistory(history, { toOperation, attemptOf });
    expect(ops[0]).toEqual({ client: "a", label: "a#2", input: { op: "put", key: "k", value: "a1" }, output: {}, call: 40, ret: 50 });
    expect(checkLinearizable(ops, kvModel).verdict).toBe("illegal");
  });
});
