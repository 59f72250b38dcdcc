/**
 * A linearizability violation found in a simulation's client history names the request as the
 * trace does (`c#1`), not only its index in the checker's list; hand-written operations without a
 * label keep `#index (client …)`.
 */
import { describe, expect, it } from "vitest";
import { checkLinearizable, linearizableHistory, operationsFromHistory, registerModel } from "@faultline/check";
import type { HistoryEntry, SimulationResult } from "@faultline/kernel";

const history: HistoryEntry[] = [
  { client: "a", id: 1, node: "n1", req: { op: "write", value: 1 }, invokedAt: 0, completedAt: 10, res: "ok" },
  { client: "a", id: 2, node: "n1", req: { op: "write", value: 2 }, invokedAt: 12 },
  { client: "c", id: 7, node: "n2", req: { op: "read" }, invokedAt: 20, completedAt: 30, res: 0 },
];

describe("operation labels", () => {
  it("operationsFromHistory labels each operation client#id", () => {
    expect(operationsFromHistory(history).map((o) => o.label)).toEqual(["a#1", "a#2", "c#7"]);
  });

  it("the violation names the request, as in the trace", () => {
    const message = linearizableHistory(registerModel({ initial: 0 })).after({ history } as unknown as SimulationResult);
    expect(message).toContain("operation #2 (request c#7, read() -> 0) cannot take effect");
  });

  it("operations without a label are named by index and client", () => {
    const r = checkLinearizable([{ client: "c", input: { op: "read" as const }, output: 5, call: 0, ret: 1 }], registerModel({ initial: 0 }));
    expect(r.verdict === "illegal" && r.message).toContain("#0 (client c, ");
  });
});
