import { describe, expect, it } from "vitest";
import {
  CRASHED_AFTER_WRITE,
  ProtocolError,
  interpretEffects,
  runInit,
  runStep,
  simulate,
  type AnyProtocol,
  type Ctx,
  type DurableWrite,
  type Effect,
  type EffectWorld,
} from "@faultline/kernel";

/** A world that records every call, in order. */
function recorder(options: { crashAfterWrite?: boolean } = {}) {
  const calls: unknown[] = [];
  const world: EffectWorld = {
    isNode: (id) => id === "a" || id === "b",
    write: (batch: DurableWrite) => {
      calls.push(["write", batch.compacted, batch.snapshot, [...batch.records]]);
      return options.crashAfterWrite ? CRASHED_AFTER_WRITE : undefined;
    },
    send: (to, msg) => void calls.push(["send", to, msg]),
    setTimer: (timer, key, afterMs) => void calls.push(["set-timer", key, afterMs]),
    cancelTimer: (_timer, key) => void calls.push(["cancel-timer", key]),
    reply: (client, id, res) => void calls.push(["reply", client, id, res]),
  };
  return { world, calls };
}

const ctx: Ctx = { self: "a", nodes: ["a", "b"], now: () => 0, random: () => 0.5 };

describe("the effect interpreter", () => {
  it("writes every persist and compaction of a step as one batch before any send or reply", () => {
    const { world, calls } = recorder();
    const effects: Effect<unknown, unknown, unknown>[] = [
      { type: "send", to: "b", msg: { n: 1 } },
      { type: "persist", record: "x" },
      { type: "set-timer", timer: { kind: "t", tx: "1" }, afterMs: 5 },
      { type: "compact", snapshot: "s" },
      { type: "persist", record: "y" },
      { type: "reply", client: "c", id: 3, res: "ok" },
      { type: "cancel-timer", timer: { kind: "t", tx: "1" } },
    ];
    interpretEffects(effects, world, "a");
    expect(calls).toEqual([
      ["write", true, "s", ["y"]],
      ["send", "b", { n: 1 }],
      ["set-timer", 't|tx="1"', 5],
      ["reply", "c", 3, "ok"],
      ["cancel-timer", 't|tx="1"'],
    ]);
  });

  it("appends in order without a compaction, and skips the write when nothing is durable", () => {
    const a = recorder();
    interpretEffects([{ type: "persist", record: 1 }, { type: "persist", record: 2 }], a.world, "a");
    expect(a.calls).toEqual([["write", false, undefined, [1, 2]]]);
    const b = recorder();
    interpretEffects([{ type: "send", to: "a", msg: 0 }], b.world, "a");
    expect(b.calls).toEqual([["send", "a", 0]]);
  });

  it("drops the rest of the step when the world crashes right after the write", () => {
    const { world, calls } = recorder({ crashAfterWrite: true });
    interpretEffects([{ type: "persist", record: "r" }, { type: "send", to: "b", msg: 1 }, { type: "reply", client: "c", id: 1, res: 0 }], world, "a");
    expect(calls).toEqual([["write", false, undefined, ["r"]]]);
  });

  it.each([
    ["a NaN timer duration", { type: "set-timer", timer: { kind: "t" }, afterMs: Number.NaN }, "effects[1].afterMs", /node a emitted a bad effect: effects\[1\]\.afterMs \("set-timer"\): expected a finite number of ms ≥ 0, got NaN/],
    ["a negative timer duration", { type: "set-timer", timer: { kind: "t" }, afterMs: -1 }, "effects[1].afterMs", /got -1/],
    ["an infinite timer duration", { type: "set-timer", timer: { kind: "t" }, afterMs: Infinity }, "effects[1].afterMs", /got Infinity/],
    ["a timer without a kind", { type: "set-timer", timer: { tx: "1" }, afterMs: 1 }, "effects[1].timer.kind", /expected a string, got undefined/],
    ["a timer as a string", { type: "cancel-timer", timer: "vote/t1" }, "effects[1].timer", /expected a timer object/],
    ["a timer with an object field", { type: "set-timer", timer: { kind: "t", at: { x: 1 } }, afterMs: 1 }, "effects[1].timer.at", /timer fields must be strings/],
    ["a send to an unknown node", { type: "send", to: "zz", msg: 1 }, "effects[1].to", /unknown node "zz"/],
    ["an undefined message", { type: "send", to: "b", msg: undefined }, "effects[1].msg", /expected plain JSON data, got undefined/],
    ["an undefined record", { type: "persist", record: undefined }, "effects[1].record", /expected plain JSON data, got undefined/],
    ["a Map as a record", { type: "persist", record: new Map() }, "effects[1].record", /expected plain JSON data/],
    ["a function as a snapshot", { type: "compact", snapshot: () => 1 }, "effects[1].snapshot", /got a function/],
    ["a reply without a client", { type: "reply", client: "", id: 1, res: 1 }, "effects[1].client", /expected a non-empty client id/],
    ["a reply with a fractional id", { type: "reply", client: "c", id: 1.5, res: 1 }, "effects[1].id", /expected a whole request id, got 1.5/],
    ["an unknown effect", { type: "launch", to: "b" }, "effects[1].type", /unknown effect type "launch"/],
    ["null", null, "effects[1]", /expected an effect object, got null/],
  ])("rejects %s, naming the node, the effect and the field, and applies nothing", (_name, bad, field, message) => {
    const { world, calls } = recorder();
    const effects = [{ type: "persist", record: "first" }, bad] as unknown as Effect<unknown, unknown, unknown>[];
    let error: unknown;
    try {
      interpretEffects(effects, world, "a");
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).message).toMatch(message);
    expect((error as ProtocolError).node).toBe("a");
    expect((error as ProtocolError).field).toBe(field);
    expect(calls).toEqual([]);
  });

  it("turns a throw in step or init, or a result that is not a step, into a ProtocolError", () => {
    const protocol: AnyProtocol = {
      name: "thrower",
      init: () => {
        throw new Error("no disk");
      },
      step: (_s, input) => (input.type === "timer" ? ({ state: 1 } as never) : (() => { throw new Error("boom"); })()),
    };
    expect(() => runInit(protocol, ctx, [])).toThrow(new ProtocolError("a", "node a threw in init: no disk"));
    expect(() => runStep(protocol, null, { type: "request", client: "c", id: 1, req: 0 }, ctx)).toThrow("node a threw on request: boom");
    expect(() => runStep(protocol, null, { type: "timer", timer: { kind: "t" } }, ctx)).toThrow(/node a step on timer returned \{"state":1\}, expected \{ state, effects \}/);
  });
});

describe("the simulator through the interpreter", () => {
  const badTimer: AnyProtocol = {
    name: "bad-timer",
    init: () => ({ state: 0, effects: [] }),
    step: (s: number) => ({ state: s + 1, effects: [{ type: "set-timer", timer: { kind: "t" }, afterMs: Number.NaN }] }),
  };

  it("stops with a protocol-error report naming the effect and its field", () => {
    const result = simulate({ seed: 1, nodes: [{ id: "x", protocol: badTimer }], workload: [{ at: 5, client: "c", node: "x", req: 1 }] });
    expect(result.ok).toBe(false);
    expect(result.violation).toMatchObject({ invariant: "protocol-error", time: 5 });
    expect(result.violation?.message).toMatch(/node x emitted a bad effect: effects\[0\]\.afterMs \("set-timer"\): expected a finite number of ms ≥ 0, got NaN/);
  });

  it("keeps what a step persisted before its sends, even those persisted after a send", () => {
    // With loseUnsyncedOnCrash a crash loses records written after the last sync; the interpreter
    // writes a step's records before its first send, so a send syncs all of them.
    const writer: AnyProtocol = {
      name: "writer",
      init: (_ctx, records) => ({ state: records.length, effects: [] }),
      step: (s: number, input) =>
        input.type === "request" ? { state: s, effects: [{ type: "send", to: "y", msg: 1 }, { type: "persist", record: "late" }] } : { state: s, effects: [] },
    };
    const result = simulate({
      seed: 1,
      nodes: [{ id: "x", protocol: writer }, { id: "y", protocol: writer }],
      storage: { loseUnsyncedOnCrash: true },
      workload: [{ at: 1, client: "c", node: "x", req: 0 }],
      plan: [{ at: 2, type: "crash", node: "x" }, { at: 3, type: "restart", node: "x" }],
    });
    expect(result.view.node("x").records).toEqual(["late"]);
    expect(result.view.node("x").state).toBe(1);
  });
});
