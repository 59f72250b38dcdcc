import { describe, expect, it } from "vitest";
import { checkLinearizable, kvModel, LinearizabilityInputError, registerModel, type KvInput, type KvOutput, type Operation, type RegisterInput, type RegisterOutput } from "@faultline/check";

type RegOp = Operation<RegisterInput<string | number>, RegisterOutput<string | number>>;
const w = (client: string, value: string | number, call: number, ret: number): RegOp => ({ client, input: { op: "write", value }, output: undefined, call, ret });
const r = (client: string, value: string | number | undefined, call: number, ret: number): RegOp => ({ client, input: { op: "read" }, output: value, call, ret });
const cas = (client: string, expect: number, value: number, swapped: boolean, call: number, ret: number): RegOp => ({ client, input: { op: "cas", expect, value }, output: swapped, call, ret });
const lost = (client: string, value: string | number, call: number): RegOp => ({ client, input: { op: "write", value }, call, outcome: "unknown" });
const verdict = (ops: RegOp[], initial?: string | number) => checkLinearizable(ops, registerModel<string | number>({ initial })).verdict;
const ok = (ops: RegOp[], initial?: string | number) => checkLinearizable(ops, registerModel<string | number>({ initial })).ok;

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
    expect(verdict([w("a", "1", 0, 10), w("a", "2", 20, 30), r("b", "1", 40, 50)])).toBe("illegal");
    expect(verdict([w("a", "1", 0, 10), w("b", "2", 15, 100), r("c", "2", 20, 30), r("d", "1", 40, 50)])).toBe("illegal");
  });

  it("accepts zero-length operations (a read served in the same instant it was asked)", () => {
    expect(verdict([r("a", 0, 5, 5)], 0)).toBe("ok");
    expect(verdict([w("a", 1, 0, 10), r("b", 1, 20, 20), r("b", 1, 20, 20)])).toBe("ok");
    expect(verdict([w("a", 1, 0, 10), w("a", 2, 15, 15), r("b", 1, 20, 20)])).toBe("illegal");
  });

  it("treats operations that touch at an instant as concurrent (calls before returns, as porcupine)", () => {
    // The read is called at 10, the instant the write returns: it may take effect first.
    expect(verdict([w("a", 1, 0, 10), r("b", 0, 10, 20)], 0)).toBe("ok");
    expect(verdict([w("a", 1, 0, 10), r("b", 0, 11, 20)], 0)).toBe("illegal");
  });

  it("checks the initial value: a stale read of it is caught, and 'nothing' is a value, not a wildcard", () => {
    expect(verdict([r("b", 0, 0, 5), w("a", 1, 10, 20), r("b", 0, 30, 40)], 0)).toBe("illegal");
    expect(verdict([w("a", 1, 10, 20), r("b", 1, 30, 40)], 0)).toBe("ok");
    expect(verdict([r("b", undefined, 0, 5)], 0)).toBe("illegal"); // the register held 0, not nothing
    // Without an initial value the register starts empty: a read of nothing after a write is stale.
    expect(verdict([r("b", undefined, 0, 5)])).toBe("ok");
    expect(verdict([w("a", "1", 0, 10), r("b", undefined, 20, 30)])).toBe("illegal");
  });

  it("treats an operation of unknown outcome as applied at any time after its call, or never", () => {
    expect(ok([w("a", "1", 0, 10), lost("b", "2", 20), r("c", "2", 100, 110)])).toBe(true); // applied
    expect(ok([w("a", "1", 0, 10), lost("b", "2", 20), r("c", "1", 100, 110)])).toBe(true); // never applied
    expect(ok([w("a", "1", 0, 10), lost("b", "2", 20), r("c", "2", 100, 110), r("c", "1", 120, 130)])).toBe(false); // applied, then undone
    expect(ok([lost("b", "2", 50), r("c", "2", 10, 20)])).toBe(false); // seen before it was sent
    // A pending read is unconstrained, while a reply that carried nothing is a real value.
    const pendingRead: RegOp = { client: "c", input: { op: "read" }, call: 20, outcome: "unknown" };
    expect(ok([w("a", "1", 0, 10), pendingRead])).toBe(true);
    expect(ok([w("a", "1", 0, 10), r("c", undefined, 20, 30)])).toBe(false);
  });

  it("supports compare-and-set", () => {
    expect(verdict([cas("a", 0, 1, true, 0, 10), r("b", 1, 20, 30), cas("c", 0, 2, false, 40, 50), r("b", 1, 60, 70)], 0)).toBe("ok");
    expect(verdict([cas("a", 0, 1, true, 0, 10), cas("c", 0, 2, true, 20, 30)], 0)).toBe("illegal"); // swapped from a value that was gone
    expect(verdict([cas("a", 0, 1, false, 0, 10)], 0)).toBe("illegal"); // should have swapped
    // Two concurrent CASes from 0: only one may win.
    expect(verdict([cas("a", 0, 1, true, 0, 10), cas("b", 0, 2, true, 0, 10)], 0)).toBe("illegal");
    expect(verdict([cas("a", 0, 1, true, 0, 10), cas("b", 0, 2, false, 0, 10), r("c", 1, 20, 30)], 0)).toBe("ok");
    // A CAS with no reply may have swapped.
    const pendingCas: RegOp = { client: "a", input: { op: "cas", expect: 0, value: 5 }, call: 0, outcome: "unknown" };
    expect(verdict([pendingCas, r("b", 5, 20, 30)], 0)).toBe("ok");
    expect(verdict([pendingCas, r("b", 6, 20, 30)], 0)).toBe("illegal");
  });

  it("reports the longest linearizable prefix, the operation that cannot follow it, and partial linearizations", () => {
    const ops = [w("a", "1", 0, 10), w("a", "2", 20, 30), r("b", "1", 40, 50)];
    const res = checkLinearizable(ops, registerModel());
    expect(res.verdict).toBe("illegal");
    expect(res.failures).toHaveLength(1);
    const f = res.failures[0]!;
    expect(f.longest).toEqual([0, 1]);
    expect(f.failing).toBe(2);
    expect(f.prefixes).toEqual([[0, 1]]);
    expect(f.prefixOf).toEqual([0, 0, -1]);
    expect(res.message).toContain("#2 (client b, read() -> \"1\")");
  });
});

describe("linearizability of key-value histories", () => {
  const op = (client: string, input: KvInput, output: KvOutput | undefined, call: number, ret: number): Operation<KvInput, KvOutput | undefined> => ({ client, input, output, call, ret });
  const history = [
    op("a", { op: "put", key: "x", value: "1" }, { ok: true }, 0, 10),
    op("b", { op: "put", key: "y", value: "9" }, { ok: true }, 0, 10),
    op("c", { op: "get", key: "x" }, { ok: true, value: "1" }, 20, 30),
    op("c", { op: "get", key: "y" }, { ok: true, value: "9" }, 20, 30),
    op("d", { op: "delete", key: "x" }, { ok: true }, 40, 50),
    op("d", { op: "get", key: "x" }, { ok: true }, 60, 70),
  ];

  it("checks keys independently", () => {
    const res = checkLinearizable(history, kvModel);
    expect(res.verdict).toBe("ok");
    expect(res.partitions.map((p) => [p.key, p.verdict, p.operations])).toEqual([
      ["x", "ok", [0, 2, 4, 5]],
      ["y", "ok", [1, 3]],
    ]);
    const bad = [...history, op("e", { op: "get", key: "x" }, { value: "1" }, 80, 90)];
    expect(checkLinearizable(bad, kvModel).ok).toBe(false);
  });

  it("supports append", () => {
    const appends = [op("a", { op: "append", key: "k", value: "a" }, {}, 0, 10), op("b", { op: "append", key: "k", value: "b" }, {}, 20, 30)];
    expect(checkLinearizable([...appends, op("c", { op: "get", key: "k" }, { value: "ab" }, 40, 50)], kvModel).ok).toBe(true);
    expect(checkLinearizable([...appends, op("c", { op: "get", key: "k" }, { value: "ba" }, 40, 50)], kvModel).ok).toBe(false);
    // Concurrent appends may land in either order, but every reader sees the same one.
    const concurrent = [op("a", { op: "append", key: "k", value: "a" }, {}, 0, 30), op("b", { op: "append", key: "k", value: "b" }, {}, 0, 30)];
    expect(checkLinearizable([...concurrent, op("c", { op: "get", key: "k" }, { value: "ba" }, 40, 50)], kvModel).ok).toBe(true);
    expect(checkLinearizable([...concurrent, op("c", { op: "get", key: "k" }, { value: "ba" }, 40, 50), op("d", { op: "get", key: "k" }, { value: "ab" }, 60, 70)], kvModel).ok).toBe(false);
  });

  it("with allFailures, checks every partition and reports every failing one", () => {
    const bad = [
      ...history,
      op("e", { op: "get", key: "x" }, { value: "1" }, 80, 90), // x was deleted
      op("e", { op: "get", key: "y" }, { value: "8" }, 80, 90), // y was never 8
      op("f", { op: "put", key: "z", value: "3" }, {}, 80, 90),
    ];
    const res = checkLinearizable(bad, kvModel, { allFailures: true });
    expect(res.verdict).toBe("illegal");
    expect(res.partitions.map((p) => [p.key, p.verdict])).toEqual([
      ["x", "illegal"],
      ["y", "illegal"],
      ["z", "ok"],
    ]);
    expect(res.failures.map((f) => [f.key, f.failing])).toEqual([
      ["x", 6],
      ["y", 7],
    ]);
  });

  it("by default stops at the first illegal partition (smallest first): a hard one after it is not searched", () => {
    // Key "a": a get of a value never put, found at once. Key "h": 11 concurrent puts and a get
    // of a value none of them wrote, illegal only after every order of the puts was tried.
    const easy = [op("p", { op: "put", key: "a", value: "1" }, {}, 0, 10), op("q", { op: "get", key: "a" }, { value: "9" }, 20, 30)];
    const hard = [...Array.from({ length: 11 }, (_, i) => op(`w${i}`, { op: "put", key: "h", value: `${i}` }, {}, 0, 100)), op("g", { op: "get", key: "h" }, { value: "none" }, 200, 210)];
    const first = checkLinearizable([...hard, ...easy], kvModel);
    expect(first.verdict).toBe("illegal");
    expect(first.failures.map((f) => f.key)).toEqual(["a"]);
    expect(first.partitions.map((p) => [p.key, p.verdict, p.skipped === true])).toEqual([
      ["h", "unknown", true],
      ["a", "illegal", false],
    ]);
    expect(first.message).toContain("1 partition(s) not searched after it (allFailures: true searches them)");
    const all = checkLinearizable([...hard, ...easy], kvModel, { allFailures: true });
    expect(all.failures.map((f) => f.key)).toEqual(["h", "a"]);
    // The skipped partition is where the work was.
    expect(all.steps).toBeGreaterThan(100 * first.steps);
  });
});

describe("budget", () => {
  // Many concurrent writes and a final read no write explains: the search must try every order.
  const hard = (n: number) => [...Array.from({ length: n }, (_, i) => w(`c${i}`, i, 0, 100)), r("z", 99, 200, 210)];

  it("answers unknown when the step budget runs out, deterministically", () => {
    const a = checkLinearizable(hard(12), registerModel<string | number>(), { maxSteps: 500 });
    expect(a.verdict).toBe("unknown");
    expect(a.ok).toBe(false);
    expect(a.steps).toBe(500);
    expect(a.message).toMatch(/^unknown: the budget \(500 steps\)/);
    expect(checkLinearizable(hard(12), registerModel<string | number>(), { maxSteps: 500 })).toMatchObject({ verdict: "unknown", steps: 500 });
    expect(checkLinearizable(hard(12), registerModel<string | number>()).verdict).toBe("illegal");
  });

  it("answers unknown when the time budget runs out", () => {
    expect(checkLinearizable(hard(16), registerModel<string | number>(), { timeoutMs: 0 }).verdict).toBe("unknown");
  });

  it("still judges small partitions when a big one exhausts the budget, and an illegal one wins over unknown", () => {
    const kvw = (key: string, value: string, client: string, call: number, ret: number): Operation<KvInput, KvOutput | undefined> => ({ client, input: { op: "put", key, value }, output: {}, call, ret });
    const kvr = (key: string, value: string, call: number, ret: number): Operation<KvInput, KvOutput | undefined> => ({ client: "r", input: { op: "get", key }, output: { value }, call, ret });
    const big = [...Array.from({ length: 12 }, (_, i) => kvw("big", String(i), `c${i}`, 0, 100)), kvr("big", "none", 200, 210)];
    const small = [kvw("small", "1", "a", 0, 10), kvr("small", "2", 20, 30)];
    const res = checkLinearizable([...big, ...small], kvModel, { maxSteps: 100 });
    expect(res.partitions.map((p) => [p.key, p.verdict])).toEqual([
      ["big", "unknown"],
      ["small", "illegal"],
    ]);
    expect(res.verdict).toBe("illegal");
  });
});

describe("bad input gets a clear error naming the operation", () => {
  const model = registerModel<number>({ initial: 0 });
  const attempt = (ops: unknown[], m: unknown = model) => () => checkLinearizable(ops as RegOp[], m as typeof model);
  it("rejects impossible times", () => {
    expect(attempt([w("a", 1, 0, 10), w("b", 2, 30, 20)])).toThrow(/operation #1 \(client b, write\(2\)\) returns at 20, before its call at 30/);
    expect(attempt([{ ...r("a", 0, 0, 5), call: NaN }])).toThrow(/operation #0 \(client a, read\(\) -> 0\) has call time NaN/);
    expect(attempt([{ client: "a", input: { op: "read" }, output: 0, call: 0 }])).toThrow(/#0 \(client a, .*has ret undefined.*outcome: "unknown"/);
    expect(attempt([{ client: "a", input: { op: "read" }, call: 0, ret: 5, outcome: "unknown" }])).toThrow(LinearizabilityInputError);
  });
  it("rejects an operation the model does not know, even if the search would never reach it", () => {
    expect(attempt([r("a", 7, 0, 5), { client: "q", input: { op: "increment" }, output: 1, call: 10, ret: 20 }])).toThrow(/operation #1 \(client q, .*increment.*\) does not fit model "register \(initially 0\)": unknown register operation "increment"/);
  });
  it("names the operation on which a model's step throws", () => {
    const throwing = { ...model, step: (s: number | undefined, input: RegisterInput<number>, output: unknown) => {
      if (input.op === "write" && input.value === 3) throw new Error("boom");
      return model.step(s, input, output as RegisterOutput<number>);
    } };
    const e = (() => {
      try {
        checkLinearizable([w("a", 1, 0, 10), w("b", 3, 20, 30)], throwing);
      } catch (err) {
        return err as LinearizabilityInputError;
      }
      return undefined;
    })();
    expect(e).toBeInstanceOf(LinearizabilityInputError);
    expect(e?.message).toBe('model "register (initially 0)" threw on operation #1 (client b, write(3)): boom');
    expect(e?.index).toBe(1);
  });
  it("rejects a bad budget", () => {
    expect(() => checkLinearizable([], model, { maxSteps: NaN })).toThrow(/maxSteps must be a number >= 0/);
  });
});
