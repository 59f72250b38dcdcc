/**
 * A crash in the middle of a broadcast: a sweep learns from one calm run which message types a
 * node sends to several peers in one step, and the trigger generator crashes the sender right
 * after one of them left (`crash-after-send`, mostly with a quick restart), so the rest of the
 * broadcast is lost. Planted bugs that need it: examples/quorum-register/bugs.test.ts.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { transition, type AnyProtocol, type NodeId } from "@faultline/kernel";
import { PLAIN_SWARM, caseArbitrary, defineSystem, runCase, triggerArbitrary, validateTrigger, type Trigger } from "@faultline/check";
import { broadcastTypes } from "../src/search/broadcasts.js";
import { twoPhaseSearchSpace, twoPhaseSpace } from "../../two-phase-commit/test/space.js";

type Fired = Extract<Trigger, { type: "trigger" }>;

/** Node 1 sends `msg` to every other node 10 ms after its first boot only (it logs that it did, first); the others answer "ack". */
function gossip(msg: unknown): AnyProtocol {
  return {
    name: "gossip",
    init: (ctx, records) => ({ state: 0, effects: ctx.self === ctx.nodes[0] && records.length === 0 ? [{ type: "set-timer" as const, timer: { kind: "go" }, afterMs: 10 }] : [] }),
    step: (s, input, ctx) =>
      transition(s, (_d, fx) => {
        if (input.type === "timer") {
          fx.persist("sent");
          for (const to of ctx.nodes) if (to !== ctx.self) fx.send(to, msg);
        } else if (input.type === "message" && input.msg !== "ack") fx.send(input.from, "ack");
      }),
  };
}

const space = (nodes: number, msg: unknown, name = "gossip") =>
  defineSystem({
    name,
    config: fc.constant({}),
    defaultConfig: {},
    build: () => ({ nodes: Array.from({ length: nodes }, (_, i): { id: NodeId; protocol: AnyProtocol } => ({ id: `n${i + 1}`, protocol: gossip(msg) })) }),
    faultWindowMs: 100,
  });

describe("broadcasts learned from a calm run", () => {
  it("names the message types a node sent to two or more peers in one step, sorted", () => {
    expect(broadcastTypes(space(3, { type: "hello" }))).toEqual(["hello"]);
    // 2PC: the coordinator's prepare and decision go to every participant; votes and acks are one-to-one.
    expect(broadcastTypes(twoPhaseSpace)).toEqual(["abort", "commit", "prepare"]);
  });

  it("is [] for broadcasts of untyped messages, undefined when no step sent to two peers", () => {
    expect(broadcastTypes(space(3, "hello"))).toEqual([]);
    expect(broadcastTypes(space(2, { type: "hello" }))).toBeUndefined();
  });

  it("is the same for the same space in another instance (deterministic), and computed once per space", () => {
    expect(broadcastTypes(twoPhaseSearchSpace({}, "another"))).toEqual(broadcastTypes(twoPhaseSpace));
    const s = space(3, { type: "hello" });
    expect(broadcastTypes(s)).toBe(broadcastTypes(s));
  });
});

describe("the broadcast-cut trigger", () => {
  const vocabulary = { messageTypes: ["query", "store", "query-ack", "store-ack"], recordTypes: [], states: [] };
  const draw = (broadcastTypes?: readonly string[]) => fc.sample(triggerArbitrary({ ...vocabulary, ...(broadcastTypes ? { broadcastTypes } : {}) }, 1_000), { seed: 5, numRuns: 4_000 });
  const cuts = (ts: readonly Trigger[], types: readonly string[]) => ts.filter((t): t is Fired => t.type === "trigger" && t.when.on === "send" && t.then.do === "crash-after-send" && types.includes(t.when.msgType ?? ""));

  it("is drawn for a sixth of the triggers, on the broadcast types, most often on the first message and with a quick restart", () => {
    const drawn = draw(["query", "store"]);
    for (const [i, t] of drawn.entries()) validateTrigger(t, `drawn[${i}]`);
    const cut = cuts(drawn, ["query", "store"]);
    expect(cut.length / drawn.length).toBeGreaterThan(0.12);
    // It takes half the plain send arm's share: persist triggers keep theirs (half of all, as without broadcasts).
    const persists = (ts: readonly Trigger[]) => ts.filter((t) => t.type === "trigger" && t.when.on === "persist").length / ts.length;
    expect(Math.abs(persists(drawn) - persists(draw()))).toBeLessThan(0.04);
    // Without the learned types only the plain send arm draws it (a third of its responses, over four types).
    expect(cuts(draw(), ["query", "store"]).length / drawn.length).toBeLessThan(0.06);
    expect(cut.filter((t) => t.when.on === "send" && t.when.to === undefined).length / cut.length).toBeGreaterThan(0.6);
    expect(cut.filter((t) => (t.then as { restartAfterSteps?: number }).restartAfterSteps! <= 5).length / cut.length).toBeGreaterThan(0.6);
  });

  it("watches any message when the broadcasts carry no type", () => {
    const drawn = draw([]);
    const anyType = drawn.filter((t): t is Fired => t.type === "trigger" && t.when.on === "send" && t.then.do === "crash-after-send" && t.when.msgType === undefined);
    expect(anyType.length / drawn.length).toBeGreaterThan(0.12);
  });

  it("is in a sweep's cases of a system that broadcasts, and its crash leaves the rest of the broadcast unsent", () => {
    const s = space(3, { type: "hello" }, "gossip3");
    const cases = fc.sample(caseArbitrary(s, "triggers"), { seed: 1, numRuns: 300 });
    expect(cases.some((c) => cuts(c.triggers, ["hello"]).length > 0)).toBe(true);
    // None for a system with no broadcast: only the plain send arm names a type, and this one has none declared.
    const pairs = fc.sample(caseArbitrary(space(2, { type: "hello" }, "gossip2"), "triggers"), { seed: 1, numRuns: 300 });
    expect(pairs.some((c) => cuts(c.triggers, ["hello"]).length > 0)).toBe(false);
    const cut: Trigger = { type: "trigger", at: 0, when: { on: "send", msgType: "hello" }, then: { do: "crash-after-send", restartAfterSteps: 1 } };
    const quiet = { config: {}, seed: 1, swarm: { ...PLAIN_SWARM, drop: 0, dup: 0, reorder: 0 }, faults: [] };
    const delivered = (triggers: Trigger[]) => (runCase(s, { ...quiet, triggers }, { trace: { full: true } }).result.trace ?? []).filter((e) => e.kind === "deliver" && e.from === "n1").map((e) => e.node).sort();
    expect(delivered([])).toEqual(["n2", "n3"]);
    expect(delivered([cut])).toEqual(["n2"]);
  });
});
