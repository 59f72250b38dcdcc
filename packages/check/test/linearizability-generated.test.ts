import { describe, expect, it } from "vitest";
import { checkLinearizable, kvModel, registerModel, type Operation } from "@faultline/check";
import { casRegisterHistory, kvHistory, type HistoryFile } from "../../../bench/linearizability/generate.js";

const check = (file: HistoryFile) => {
  const ops = file.ops as unknown as Operation<never, never>[];
  return file.model === "kv" ? checkLinearizable(ops, kvModel as never, { maxSteps: 5_000_000, partials: false }) : checkLinearizable(ops, registerModel<number | null>({ initial: null }) as never, { maxSteps: 5_000_000, partials: false });
};

describe("generated porcupine-shaped histories", () => {
  it("are deterministic from their seed", () => {
    expect(casRegisterHistory("s1", { clients: 5, perClient: 20, bad: false })).toEqual(casRegisterHistory("s1", { clients: 5, perClient: 20, bad: false }));
    expect(casRegisterHistory("s1", { clients: 5, perClient: 20, bad: false })).not.toEqual(casRegisterHistory("s2", { clients: 5, perClient: 20, bad: false }));
  });

  it("come from linearizable executions, so the ok variants are linearizable (with crashed operations left open)", () => {
    for (let i = 0; i < 6; i++) {
      const file = casRegisterHistory(`t-${i}`, { clients: 5 + i, perClient: 25, bad: false });
      expect(file.ops.some((o) => "outcome" in o)).toBe(true);
      expect(check(file).verdict).toBe("ok");
    }
    expect(check(kvHistory("t-kv", { clients: 10, ops: 1_000, bad: false })).verdict).toBe("ok");
  });

  it("the corrupted variants are caught, except where concurrency excuses the corruption", () => {
    const verdicts = Array.from({ length: 6 }, (_, i) => check(casRegisterHistory(`t-${i}`, { clients: 5 + i, perClient: 25, bad: true })).verdict);
    expect(verdicts.filter((v) => v === "illegal").length).toBeGreaterThanOrEqual(2);
    const kv = check(kvHistory("t-kv", { clients: 10, ops: 1_000, bad: true }));
    expect(kv.verdict).toBe("illegal");
    expect(kv.failures).toHaveLength(1);
  });
});
