/**
 * A message in flight is the very input its receiver's step gets (no second object per
 * delivery). The reducer must see exactly `{ type: "message", from, msg }` and nothing of the
 * kernel's bookkeeping, and an input it keeps must never change afterwards, also when the
 * message was duplicated or held by a paused node and released later.
 */
import { describe, expect, it } from "vitest";
import { Simulation, type AnyProtocol, type Input } from "../src/index.js";

/** Keeps every message input it is given (the objects themselves) and a snapshot taken at step time; pings its peer. */
function keeper(kept: { input: Input<unknown, unknown>; snapshot: string }[]): AnyProtocol {
  return {
    name: "keeper",
    init: (ctx) => ({ state: null, effects: ctx.self === "a" ? Array.from({ length: 20 }, (_, i) => ({ type: "send" as const, to: "b", msg: { n: i, body: [i, "x"] } })) : [] }),
    step: (state, input) => {
      if (input.type === "message") kept.push({ input, snapshot: JSON.stringify(input) });
      return { state, effects: [] };
    },
  };
}

describe("a delivered message is the step's input", () => {
  it("shows only type, from and msg, and never changes after the step, through duplicates and a pause", () => {
    const kept: { input: Input<unknown, unknown>; snapshot: string }[] = [];
    const sim = new Simulation({
      seed: 3,
      nodes: [
        { id: "a", protocol: keeper(kept) },
        { id: "b", protocol: keeper(kept) },
      ],
      network: { minLatencyMs: 1, maxLatencyMs: 5, duplicateRate: 0.5 },
      plan: [
        { at: 2, type: "pause", node: "b" },
        { at: 30, type: "resume", node: "b" },
      ],
      trace: { full: true },
    });
    const result = sim.run();
    const delivered = (result.trace ?? []).filter((e) => e.kind === "deliver");
    expect(delivered.some((e) => e.duplicate)).toBe(true); // the run did duplicate some messages
    expect(delivered.some((e) => e.t === 30)).toBe(true); // and held some until the resume
    expect(kept).toHaveLength(delivered.length);
    for (const [i, { input, snapshot }] of kept.entries()) {
      expect(Object.keys(input)).toEqual(["type", "from", "msg"]);
      expect(input).toEqual({ type: "message", from: "a", msg: delivered[i]?.msg });
      expect({ ...input }).toEqual({ type: "message", from: "a", msg: delivered[i]?.msg });
      expect(JSON.stringify(input)).toBe(snapshot); // unchanged since its step
    }
  });

  it("can be forwarded whole as a message, like any plain object", () => {
    const got: unknown[] = [];
    const relay: AnyProtocol = {
      name: "relay",
      init: (ctx) => ({ state: null, effects: ctx.self === "a" ? [{ type: "send" as const, to: "b", msg: { n: 1 } }] : [] }),
      step: (state, input, ctx) => {
        if (input.type !== "message") return { state, effects: [] };
        if (ctx.self === "b") return { state, effects: [{ type: "send" as const, to: "c", msg: input }] };
        got.push(input.msg);
        return { state, effects: [] };
      },
    };
    const result = new Simulation({ seed: 1, nodes: ["a", "b", "c"].map((id) => ({ id, protocol: relay })) }).run();
    expect(result.violation).toBeUndefined();
    expect(got).toEqual([{ type: "message", from: "a", msg: { n: 1 } }]);
  });
});
