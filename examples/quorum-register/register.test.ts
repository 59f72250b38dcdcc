/**
 * The correct register: a bounded sweep with faults finds nothing and reaches every `sometimes`
 * assertion, and a run's client history passes the linearizability checker directly.
 */
import { describe, expect, it } from "vitest";
import { simulate } from "faultline";
import { checkLinearizable, operationsFromHistory, registerModel, sweep } from "faultline/check";
import { registerClients } from "./src/clients.js";
import { quorumRegister } from "./src/register.js";
import { linearizable, quorumRegisterSpace } from "./src/system.js";

describe("the quorum register", () => {
  it("passes a triggers sweep of 300 cases and reaches every sometimes-assertion", () => {
    const r = sweep(quorumRegisterSpace, { mode: "triggers", runs: 300, seed: 7 });
    expect(r.failure?.message).toBeUndefined();
    expect(r.ok).toBe(true);
    expect(r.coverage.sometimes.filter((s) => s.firstRun === undefined).map((s) => s.name)).toEqual([]);
    // The faults bit: crashes mid-write and messages crashed after sending happened.
    expect(r.coverage.fired["persist→crash-during-write"] ?? 0).toBeGreaterThan(0);
    expect(r.coverage.fired["send→crash-after-send"] ?? 0).toBeGreaterThan(0);
  });

  it("gives a history the checker finds linearizable, with reads that saw writes", () => {
    const ids = ["n1", "n2", "n3"];
    const result = simulate({
      seed: 3,
      nodes: ids.map((id) => ({ id, protocol: quorumRegister({ retryMs: 20 }) })),
      clients: registerClients(3, ids, { ops: 10, readPercent: 50, thinkMs: 5, timeoutMs: 1_000 }),
      network: { minLatencyMs: 1, maxLatencyMs: 15, dropRate: 0.1, duplicateRate: 0.05, reorderRate: 0.1 },
      maxTimeMs: 3_000,
    });
    expect(result.ok).toBe(true);
    const ops = operationsFromHistory(result.history);
    expect(ops).toHaveLength(30);
    const seen = ops.filter((o) => (o.input as { op: string }).op === "read" && "ret" in o && typeof o.output === "string");
    expect(seen.length).toBeGreaterThan(3);
    const verdict = checkLinearizable(ops, registerModel<string | null>({ initial: null }));
    expect(verdict.verdict).toBe("ok");
    expect(linearizable.after(result)).toBeUndefined();
  });

  it("the checker rejects a stale read in the same shape of history", () => {
    const model = registerModel<string | null>({ initial: null });
    const ops = [
      { client: "c1", input: { op: "write" as const, value: "c1:1" }, output: "ok", call: 0, ret: 10 },
      { client: "c2", input: { op: "read" as const }, output: null, call: 20, ret: 30 },
    ];
    expect(checkLinearizable(ops, model).verdict).toBe("illegal");
  });

  it("names a bad retry interval", () => {
    expect(() => quorumRegister({ retryMs: 0 })).toThrow("retryMs: expected a positive whole number of ms, got 0");
  });
});
