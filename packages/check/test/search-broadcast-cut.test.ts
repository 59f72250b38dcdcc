/**
 * A crash in the middle of a broadcast: a sweep learns from one calm run which message types a
 * node sends to several peers in one step, and the trigger generator crashes the sender right
 * after one of them left (`crash-after-send`, mostly with a quick restart), so the rest of the
 * broadcast is lost. Planted bugs that need it: examples/quorum-register/bugs.test.ts.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { transition, type AnyProtocol, type NodeId } from "@faultline/kernel";
import { PLAIN_SWARM, caseArbitrary, defineSystem, runCase, sweep, triggerArbitrary, validateTrigger, type Trigger } from "@faultline/check";
import { broadcastTypes, replyTypes } from "../src/search/broadcasts.js";
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

/**
 * A lock: n2 asks n1 for it 10 ms after boot, n3 at 60 ms; n1 grants the first asker and denies
 * the rest, remembering its grant on disk. Planted bug (`persistFirst: false`): n1 answers
 * `grant` before it writes the grant, so a crash right after the answer forgets it and, back up,
 * n1 grants n3 as well. Invariant: at most one node holds the lock.
 */
function lock(persistFirst: boolean): AnyProtocol {
  return {
    name: "lock",
    init: (ctx, records) => ({
      state: { granted: (records.at(-1) as string | undefined) ?? null, holds: false },
      effects: ctx.self === "n1" ? [] : [{ type: "set-timer" as const, timer: { kind: "ask" }, afterMs: ctx.self === "n2" ? 10 : 60 }],
    }),
    step: (s, input) =>
      transition(s as { granted: string | null; holds: boolean }, (d, fx) => {
        if (input.type === "timer") return void fx.send("n1" as NodeId, { type: "ask" });
        if (input.type !== "message") return;
        const type = (input.msg as { type: string }).type;
        if (type === "grant") d.holds = true;
        if (type !== "ask") return;
        if (d.granted !== null) return void fx.send(input.from, { type: "deny" });
        d.granted = input.from;
        if (persistFirst) fx.persist(input.from);
        fx.send(input.from, { type: "grant" });
        if (!persistFirst) fx.persist(input.from);
      }),
  };
}

const lockSpace = (persistFirst: boolean, name: string) =>
  defineSystem({
    name,
    config: fc.constant({}),
    defaultConfig: {},
    build: () => ({
      nodes: (["n1", "n2", "n3"] as NodeId[]).map((id) => ({ id, protocol: lock(persistFirst) })),
      invariants: [{ name: "OneHolder", check: (view) => (view.nodes.filter((n) => n.up && (n.state as { holds: boolean }).holds).length <= 1 ? undefined : "two nodes hold the lock") }],
    }),
    faultWindowMs: 200,
  });

describe("answers learned from a calm run, and the crash right after one", () => {
  it("names the types only ever sent to the peer whose message the step handled, sorted", () => {
    expect(replyTypes(lockSpace(true, "lockTypes"))).toEqual(["deny", "grant"]);
    // 2PC: a participant's vote answers a prepare, its ack a decision; the coordinator's messages are not answers.
    expect(replyTypes(twoPhaseSpace)).toEqual(["ack", "vote"]);
    // Untyped answers name nothing.
    expect(replyTypes(space(3, { type: "hello" }, "gossipReplies"))).toEqual([]);
  });

  it("excludes a type also sent otherwise (here from a timer)", () => {
    // n1 sends { type: "ack" } from a timer; the peers' answers are the untyped "ack".
    expect(replyTypes(space(3, { type: "ack" }, "gossipAck"))).toEqual([]);
  });

  it("is drawn on the answer types only, mostly on the first answer anywhere and restarted within 3 steps", () => {
    const vocabulary = { messageTypes: [], recordTypes: [], states: [], replyTypes: ["grant", "deny"] };
    const drawn = fc.sample(triggerArbitrary(vocabulary, 1_000), { seed: 5, numRuns: 4_000 });
    const crashes = drawn.filter((t): t is Fired => t.type === "trigger" && t.when.on === "send" && t.then.do === "crash-after-send" && t.when.msgType !== undefined);
    expect(new Set(crashes.map((t) => (t.when.on === "send" ? t.when.msgType : "")))).toEqual(new Set(["grant", "deny"]));
    expect(crashes.length / drawn.length).toBeGreaterThan(0.12);
    expect(crashes.filter((t) => (t.then as { restartAfterSteps: number }).restartAfterSteps <= 3).length / crashes.length).toBeGreaterThan(0.6);
    // Without answer types (and no declared message types) no crash after a send names a type.
    const plain = fc.sample(triggerArbitrary({ ...vocabulary, replyTypes: [] }, 1_000), { seed: 5, numRuns: 4_000 });
    expect(plain.filter((t) => t.type === "trigger" && t.when.on === "send" && t.when.msgType !== undefined)).toEqual([]);
  });

  it("catches an answer sent before its write: the buggy lock fails under it, the correct one does not, and a sweep finds it", () => {
    const crash: Trigger = { type: "trigger", at: 0, when: { on: "send", msgType: "grant" }, then: { do: "crash-after-send", restartAfterSteps: 1 } };
    const quiet = { config: {}, seed: 1, swarm: { ...PLAIN_SWARM, drop: 0, dup: 0, reorder: 0 }, faults: [] };
    const buggy = lockSpace(false, "lockBuggy");
    const correct = lockSpace(true, "lockCorrect");
    expect(runCase(buggy, { ...quiet, triggers: [] }).failure).toBeUndefined();
    expect(runCase(buggy, { ...quiet, triggers: [crash] }).failure?.message).toContain("two nodes hold the lock");
    expect(runCase(correct, { ...quiet, triggers: [crash] }).failure).toBeUndefined();
    const found = sweep(buggy, { mode: "triggers", runs: 300, seed: 1 });
    expect(found.ok).toBe(false);
    expect(found.failure?.case.triggers).toContainEqual(expect.objectContaining({ when: expect.objectContaining({ on: "send", msgType: "grant" }), then: expect.objectContaining({ do: "crash-after-send" }) }));
    expect(sweep(correct, { mode: "triggers", runs: 300, seed: 1 }).ok).toBe(true);
  });
});
