import { describe, expect, it } from "vitest";
import { checkLinearizable, registerModel, type Operation, type RegisterInput, type RegisterOutput } from "@faultline/check";

type RegOp = Operation<RegisterInput<number>, RegisterOutput<number>>;

/**
 * `unknowns` writes that never answered (concurrent with everything after their call), then
 * `rounds` of write k / read k, then a read of a value nobody wrote: not linearizable, so the
 * search must exhaust the placements of the unknown writes. Configurations that differ only in
 * which unknown writes took effect share a memo hash, so the memo's chains grow long: that probe
 * work used to escape the step budget (5M steps took minutes; a 6,000-operation Raft history
 * with 18 timed-out puts did not finish in 600 s).
 */
function unknownWrites(unknowns: number, rounds: number): RegOp[] {
  const ops: RegOp[] = [];
  for (let j = 0; j < unknowns; j++) ops.push({ client: `p${j}`, input: { op: "write", value: 1000 + j }, call: j, outcome: "unknown" });
  for (let k = 0; k < rounds; k++) {
    ops.push({ client: "w", input: { op: "write", value: k }, output: undefined, call: 100 + 10 * k, ret: 104 + 10 * k });
    ops.push({ client: "r", input: { op: "read" }, output: k, call: 105 + 10 * k, ret: 108 + 10 * k });
  }
  ops.push({ client: "z", input: { op: "read" }, output: -1, call: 200 + 10 * rounds, ret: 205 + 10 * rounds });
  return ops;
}

describe("the step budget bounds all search work", () => {
  it("answers unknown within the budget on many unknown writes, and the same way twice", { timeout: 20_000 }, () => {
    const budget = { maxSteps: 3_000_000 };
    const a = checkLinearizable(unknownWrites(12, 200), registerModel<number>(), budget);
    expect(a.verdict).toBe("unknown");
    expect(a.steps).toBe(3_000_000);
    expect(a.partitions.map((p) => p.verdict)).toEqual(["unknown"]);
    const b = checkLinearizable(unknownWrites(12, 200), registerModel<number>(), budget);
    expect(b.steps).toBe(a.steps);
  });

  it("the steps a finished search reports are exactly the budget it needs", () => {
    // 4 unknown writes: the full search ends (illegal); one step less must leave it undecided.
    const res = checkLinearizable(unknownWrites(4, 200), registerModel<number>());
    expect(res.verdict).toBe("illegal");
    const bounded = checkLinearizable(unknownWrites(4, 200), registerModel<number>(), { maxSteps: res.steps });
    expect(bounded.verdict).toBe("illegal");
    expect(checkLinearizable(unknownWrites(4, 200), registerModel<number>(), { maxSteps: res.steps - 1 }).verdict).toBe("unknown");
  });

  it("a smaller history still gets a definite verdict under the same budget", () => {
    expect(checkLinearizable(unknownWrites(3, 50), registerModel<number>(), { maxSteps: 3_000_000 }).verdict).toBe("illegal");
    const fine = unknownWrites(12, 200).slice(0, -1); // without the impossible read
    expect(checkLinearizable(fine, registerModel<number>(), { maxSteps: 3_000_000 }).verdict).toBe("ok");
  });
});
