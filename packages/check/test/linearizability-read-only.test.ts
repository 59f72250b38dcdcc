/**
 * Unanswered read-only operations are left out before the search (`SequentialModel.readOnly`):
 * the verdict is the same with or without them, and a history with many of them no longer makes
 * the search grow with them. Timing is not asserted here (bench/ holds timing goals): the
 * search's own step count shows the difference.
 */
import { describe, expect, it } from "vitest";
import { checkLinearizable, kvModel, registerModel, type Operation, type RegisterInput, type SequentialModel } from "@faultline/check";

type Op = Operation<RegisterInput<number>, number | boolean | undefined>;
const register = registerModel<number>({ initial: 0 });
/** The same register, unaware that a read changes nothing. */
const { readOnly: _readOnly, ...unaware } = register;
const plain: SequentialModel<number | undefined, RegisterInput<number>, number | boolean | undefined> = { ...unaware, name: "register (initially 0)" };

/** Writes 1..writes, each answered, with `pending` reads that never got an answer around them, and a last read answering `last`. */
function history(pending: number, writes: number, last: number): Op[] {
  const ops: Op[] = [];
  for (let i = 0; i < pending; i++) ops.push({ client: `r${i}`, input: { op: "read" }, call: i, outcome: "unknown" });
  for (let w = 1; w <= writes; w++) ops.push({ client: "w", input: { op: "write", value: w }, call: 100 * w, ret: 100 * w + 50, output: undefined });
  ops.push({ client: "r", input: { op: "read" }, call: 100 * writes + 60, ret: 100 * writes + 70, output: last });
  return ops;
}

describe("unanswered read-only operations", () => {
  it("are left out: the same verdicts, in a fraction of the search", () => {
    for (const [last, verdict] of [
      [6, "ok"],
      [99, "illegal"],
    ] as const) {
      const ops = history(14, 6, last);
      const fast = checkLinearizable(ops, register);
      const slow = checkLinearizable(ops, plain);
      expect(fast.verdict).toBe(verdict);
      expect(slow.verdict).toBe(verdict);
      // 14 reads of unknown outcome, each free to take effect anywhere or never (measured: 7
      // steps against 231 and 203).
      expect(fast.steps * 10).toBeLessThan(slow.steps);
      expect(fast.partitions[0]?.operations).toHaveLength(7);
    }
  });

  it("are only the pending ones: an answered read still counts, and an unanswered write still may have taken effect", () => {
    const ops: Op[] = [
      { client: "a", input: { op: "write", value: 5 }, call: 0, outcome: "unknown" },
      { client: "b", input: { op: "read" }, call: 10, ret: 20, output: 5 },
      { client: "c", input: { op: "read" }, call: 30, ret: 40, output: 0 },
    ];
    expect(checkLinearizable(ops, register).verdict).toBe("illegal");
    expect(checkLinearizable(ops.slice(0, 2), register).verdict).toBe("ok");
  });

  it("are left out per key for the key-value store (a pending get)", () => {
    const ops: Operation<{ op: "get" | "put"; key: string; value?: string }, { value?: string } | undefined>[] = [
      { client: "a", input: { op: "put", key: "k", value: "x" }, call: 0, ret: 5, output: undefined },
      ...Array.from({ length: 12 }, (_, i) => ({ client: `g${i}`, input: { op: "get" as const, key: "k" }, call: i, outcome: "unknown" as const })),
      { client: "b", input: { op: "get", key: "k" }, call: 10, ret: 20, output: { value: "x" } },
    ];
    const r = checkLinearizable(ops as never, kvModel);
    expect(r.verdict).toBe("ok");
    expect(r.partitions[0]?.operations).toEqual([0, 13]);
  });

  it("a model whose readOnly throws is named in the error", () => {
    const broken = { ...register, readOnly: () => { throw new Error("no idea"); } };
    expect(() => checkLinearizable(history(1, 1, 1), broken)).toThrow(/model "register \(initially 0\)" could not tell whether operation #0 \(client r0, read\(\) -> unknown\) is read-only: no idea/);
  });
});
