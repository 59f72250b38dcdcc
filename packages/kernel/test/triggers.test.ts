import { describe, expect, it } from "vitest";
import { ConfigError, Simulation, generatePlan, simulate, type FaultAction, type Protocol, type SimulationOptions, type TraceEvent, type TriggerResponse } from "@faultline/kernel";

type Rec = { readonly type: string; readonly n: number };
type Req = { readonly record?: Rec; readonly to?: string; readonly msgType?: string; readonly become?: string; readonly sendFirst?: boolean };
type Msg = { readonly type: string; readonly n: number };
interface WriterState {
  readonly restored: readonly Rec[];
  readonly received: readonly Msg[];
  readonly role: string;
}

/** Each request persists its record (if any), then sends one message (if `to`; before the record if `sendFirst`), then replies — all in one step. */
const writer: Protocol<WriterState, Msg, Req, string, Rec> = {
  name: "writer",
  init: (_ctx, records) => ({ state: { restored: records, received: [], role: "follower" }, effects: [] }),
  step: (s, input) => {
    if (input.type === "message") return { state: { ...s, received: [...s.received, input.msg] }, effects: [] };
    if (input.type !== "request") return { state: s, effects: [] };
    const r = input.req;
    const persist = r.record ? [{ type: "persist" as const, record: r.record }] : [];
    const send = r.to ? [{ type: "send" as const, to: r.to, msg: { type: r.msgType ?? "copy", n: r.record?.n ?? 0 } }] : [];
    const effects = [...(r.sendFirst ? [...send, ...persist] : [...persist, ...send]), { type: "reply" as const, client: input.client, id: input.id, res: "ok" }];
    return { state: r.become ? { ...s, role: r.become } : s, effects };
  },
};

const nodes = ["a", "b", "c"].map((id) => ({ id, protocol: writer }));
const base = { seed: 1, nodes, network: { minLatencyMs: 5, maxLatencyMs: 5 }, maxTimeMs: 5_000, trace: { full: true } } satisfies SimulationOptions;
const ask = (at: number, node: string, req: Req) => ({ at, client: `c${at}`, node, req });
const state = (sim: { node(id: string): { state: unknown } }, id: string) => sim.node(id).state as WriterState | undefined;
const drops = (trace: readonly TraceEvent[] | undefined) => (trace ?? []).filter((e) => e.kind === "drop").map((e) => [e.from, e.node, e.reason]);

describe("triggered faults", () => {
  it("crash a node right after its next persist of a record type: the step's sends and reply went out", () => {
    const sim = new Simulation({
      ...base,
      plan: [{ at: 0, type: "trigger", when: { on: "persist", node: "a", recordType: "vote" }, then: { do: "crash" } }],
      workload: [ask(10, "a", { record: { type: "note", n: 1 }, to: "b" }), ask(20, "a", { record: { type: "vote", n: 2 }, to: "b" }), ask(30, "a", { record: { type: "vote", n: 3 } })],
    });
    const result = sim.run();
    expect(sim.node("a").up).toBe(false);
    expect(sim.node("a").records).toEqual([{ type: "note", n: 1 }, { type: "vote", n: 2 }]);
    expect(state(sim, "b")?.received.map((m) => m.n)).toEqual([1, 2]);
    expect(result.history.map((h) => h.res ?? null)).toEqual(["ok", "ok", null]);
    const fired = result.trace?.filter((e) => e.kind === "fault").map((e) => [e.t, e.action?.type]);
    expect(fired).toEqual([[0, "trigger"], [20, "trigger"]]);
  });

  it("crash during a write: the write is lost, what the step sent before it went out, the rest is lost", () => {
    const run = (sendFirst: boolean) => {
      const sim = new Simulation({
        ...base,
        plan: [{ at: 0, type: "trigger", when: { on: "persist", node: "a", recordType: "vote" }, then: { do: "crash-during-write", restartAfterSteps: 1 } }],
        workload: [ask(10, "a", { record: { type: "note", n: 1 } }), ask(20, "a", { record: { type: "vote", n: 2 }, to: "b", sendFirst }), ask(40, "c", {})],
      });
      const result = sim.run();
      return { records: sim.node("a").records, received: state(sim, "b")?.received.map((m) => m.n), replies: result.history.filter((h) => h.node === "a").map((h) => h.res ?? null), up: sim.node("a").up };
    };
    // Persist, then send (the right order): nothing of the step is left; the earlier record is.
    expect(run(false)).toEqual({ records: [{ type: "note", n: 1 }], received: [], replies: ["ok", null], up: true });
    // Send, then persist: the message is out, the record it depends on is not on disk.
    expect(run(true)).toEqual({ records: [{ type: "note", n: 1 }], received: [2], replies: ["ok", null], up: true });
  });

  it("crash right after a message left: earlier writes and the message survive, the rest of the step is lost; send-then-persist loses the record", () => {
    const run = (sendFirst: boolean, trigger: { from?: string; to?: string; msgType?: string } = { from: "a", msgType: "vote" }) => {
      const sim = new Simulation({
        ...base,
        plan: [{ at: 0, type: "trigger", when: { on: "send", ...trigger }, then: { do: "crash-after-send", restartAfterSteps: 1 } }],
        workload: [ask(10, "a", { record: { type: "note", n: 1 }, to: "b" }), ask(20, "a", { record: { type: "vote", n: 2 }, to: "b", msgType: "vote", sendFirst }), ask(40, "c", {})],
      });
      const result = sim.run();
      const fired = result.trace?.filter((e) => e.kind === "fault" && e.t > 0).map((e) => [e.t, e.action?.type]);
      return { records: sim.node("a").records, received: state(sim, "b")?.received.map((m) => m.n), replies: result.history.filter((h) => h.node === "a").map((h) => h.res ?? null), restarts: sim.node("a").restarts, up: sim.node("a").up, fired };
    };
    // Persist, then send (the right order): the record is on disk before the message leaves; the reply is lost.
    expect(run(false)).toEqual({ records: [{ type: "note", n: 1 }, { type: "vote", n: 2 }], received: [1, 2], replies: ["ok", null], restarts: 1, up: true, fired: [[20, "trigger"]] });
    // Send, then persist: the message is out, the record it depends on never reached the disk.
    expect(run(true)).toEqual({ records: [{ type: "note", n: 1 }], received: [1, 2], replies: ["ok", null], restarts: 1, up: true, fired: [[20, "trigger"]] });
    // The condition picks the message: a send to another node does not fire it.
    expect(run(false, { from: "a", to: "c" })).toMatchObject({ replies: ["ok", "ok"], restarts: 0, fired: [] });
  });

  it("crash-after-send replays with the same trace hash", () => {
    const options = {
      ...base,
      trace: { hash: true },
      plan: [{ at: 0, type: "trigger", when: { on: "send", msgType: "vote" }, then: { do: "crash-after-send", restartAfterSteps: 2 } }],
      workload: [ask(10, "a", { record: { type: "vote", n: 2 }, to: "b", msgType: "vote", sendFirst: true }), ask(30, "b", { to: "c" })],
    } satisfies SimulationOptions;
    const first = simulate(options).traceHash;
    expect(simulate(options).traceHash).toBe(first);
    expect(simulate({ ...options, plan: [] }).traceHash).not.toBe(first);
  });

  it("crash between a persist and the sends of the same step: the write survives, sends and reply are lost, the node restarts after N steps", () => {
    const sim = new Simulation({
      ...base,
      storage: { loseUnsyncedOnCrash: true },
      plan: [{ at: 0, type: "trigger", when: { on: "persist", node: "a" }, then: { do: "crash-before-send", restartAfterSteps: 2 } }],
      workload: [ask(10, "a", { record: { type: "vote", n: 7 }, to: "b" }), ask(40, "b", { to: "c" }), ask(50, "b", { to: "c" })],
    });
    const result = sim.run();
    expect(state(sim, "b")?.received).toEqual([]);
    expect(result.history[0]?.completedAt).toBeUndefined();
    // Restarted two steps after the crash (b's two requests), from the record it wrote.
    expect(sim.node("a").up).toBe(true);
    expect(sim.node("a").restarts).toBe(1);
    expect(state(sim, "a")?.restored).toEqual([{ type: "vote", n: 7 }]);
  });

  it("drop, duplicate or hold the next message of a type from A to B, once", () => {
    const run = (then: TriggerResponse) =>
      simulate({
        ...base,
        plan: [{ at: 0, type: "trigger", when: { on: "send", from: "a", to: "b", msgType: "vote" }, then }],
        workload: [ask(10, "a", { to: "b", msgType: "ping", record: { type: "x", n: 1 } }), ask(20, "a", { to: "b", msgType: "vote", record: { type: "x", n: 2 } }), ask(30, "a", { to: "b", msgType: "vote", record: { type: "x", n: 3 } })],
      });
    const received = (r: ReturnType<typeof simulate>) => (r.view.node("b").state as WriterState).received.map((m) => m.n);
    const dropped = run({ do: "drop" });
    expect(received(dropped)).toEqual([1, 3]);
    expect(drops(dropped.trace)).toEqual([["a", "b", "trigger"]]);
    expect(received(run({ do: "duplicate" }))).toEqual([1, 2, 2, 3]);
    const held = run({ do: "hold", forMs: 1_000 });
    expect(received(held)).toEqual([1, 3, 2]);
    expect(held.trace?.find((e) => e.kind === "deliver" && (e.msg as Msg).n === 2)?.t).toBe(1_025);
  });

  it("isolate the node that just became leader (a state trigger fires on the transition, once)", () => {
    const result = simulate({
      ...base,
      plan: [{ at: 0, type: "trigger", when: { on: "state", path: "role", equals: "leader" }, then: { do: "isolate", forMs: 100 } }],
      workload: [ask(10, "b", { become: "leader" }), ask(20, "b", { to: "a" }), ask(30, "c", { become: "leader" }), ask(40, "c", { to: "a" }), ask(200, "b", { to: "a", record: { type: "x", n: 9 } })],
    });
    expect(drops(result.trace)).toEqual([["b", "a", "partition"]]);
    expect((result.view.node("a").state as WriterState).received.map((m) => m.n)).toEqual([0, 9]);
    const pause = simulate({ ...base, plan: [{ at: 0, type: "trigger", when: { on: "state", node: "c", path: "role", equals: "leader" }, then: { do: "pause" } }], workload: [ask(10, "b", { become: "leader" }), ask(20, "c", { become: "leader" })] });
    expect(pause.view.node("c").paused).toBe(true);
    expect(pause.view.node("b").paused).toBe(false);
  });

  it("replay with the same hash, fork with the world, and disarm at untilMs", () => {
    const options: SimulationOptions = {
      ...base,
      plan: generatePlan(4, { nodes: ["a", "b", "c"], durationMs: 500, triggered: { share: 1, messageTypes: ["copy"], recordTypes: ["vote"], states: [{ path: "role", equals: "leader" }] } }),
      workload: Array.from({ length: 40 }, (_, i) => ask(i * 12, ["a", "b", "c"][i % 3] as string, { record: { type: i % 2 ? "vote" : "note", n: i }, to: ["b", "c", "a"][i % 3], ...(i % 7 === 0 ? { become: "leader" } : {}) })),
    };
    const one = simulate(options);
    // The plan is plain JSON: a copy through JSON replays the same trace.
    expect(simulate({ ...options, plan: JSON.parse(JSON.stringify(options.plan)) as FaultAction[] }).traceHash).toBe(one.traceHash);
    expect(options.plan?.some((a) => a.type === "trigger")).toBe(true);
    // A fork taken before any trigger fired runs to the same end as the original.
    const sim = new Simulation(options);
    sim.runUntil(5);
    const fork = sim.fork();
    expect(fork.run().traceHash).toBe(sim.run().traceHash);
    // Disarmed at untilMs: a persist trigger armed until 15 does not fire at 20.
    const expired = new Simulation({ ...base, plan: [{ at: 0, type: "trigger", when: { on: "persist" }, then: { do: "crash" }, untilMs: 15 }], workload: [ask(20, "a", { record: { type: "x", n: 1 } })] });
    expired.run();
    expect(expired.node("a").up).toBe(true);
    // untilMs itself is outside the window (a sweep's fault window ends where its calm restarts
    // every node: a crash firing then would never be undone), one ms before it is inside.
    const at = (untilMs: number) => new Simulation({ ...base, plan: [{ at: 0, type: "trigger", when: { on: "persist" }, then: { do: "crash" }, untilMs }], workload: [ask(20, "a", { record: { type: "x", n: 1 } })] });
    const edge = at(20);
    edge.run();
    expect(edge.node("a").up).toBe(true);
    const inside = at(21);
    inside.run();
    expect(inside.node("a").up).toBe(false);
  });
});

describe("network faults for lab-style tests", () => {
  it("long reordering holds messages 200–2,200 ms beyond their latency", () => {
    const result = simulate({
      ...base,
      network: { minLatencyMs: 5, maxLatencyMs: 5, longReorderRate: 1 },
      workload: Array.from({ length: 20 }, (_, i) => ask(i, "a", { to: "b" })),
    });
    const delays = result.trace?.filter((e) => e.kind === "deliver").map((e) => e.t) ?? [];
    expect(delays).toHaveLength(20);
    for (const t of delays) expect(t).toBeGreaterThanOrEqual(205);
    expect(Math.max(...delays)).toBeLessThanOrEqual(19 + 5 + 2_200);
    expect(new Set(delays).size).toBeGreaterThan(10);
  });

  it("rates by message type: requests lost, replies kept", () => {
    const result = simulate({
      ...base,
      network: { minLatencyMs: 5, maxLatencyMs: 5, messageTypes: { Request: { dropRate: 1 }, Reply: { dropRate: 0 } } },
      workload: [ask(1, "a", { to: "b", msgType: "Request" }), ask(2, "b", { to: "a", msgType: "Reply" }), ask(3, "a", { to: "b", msgType: "Other" })],
    });
    expect(drops(result.trace)).toEqual([["a", "b", "loss"]]);
    expect((result.view.node("b").state as WriterState).received.map((m) => m.type)).toEqual(["Other"]);
  });

  it("a clogged link holds every message until it is released, then delivers them in order", () => {
    const result = simulate({
      ...base,
      plan: [{ at: 0, type: "clog", from: "a", to: "b", forMs: 300 }],
      workload: [ask(10, "a", { to: "b", record: { type: "x", n: 1 } }), ask(20, "a", { to: "b", record: { type: "x", n: 2 } }), ask(30, "a", { to: "c", record: { type: "x", n: 3 } }), ask(400, "a", { to: "b", record: { type: "x", n: 4 } })],
    });
    const deliveries = result.trace?.filter((e) => e.kind === "deliver").map((e) => [e.node, (e.msg as Msg).n, e.t]);
    expect(deliveries).toEqual([["c", 3, 35], ["b", 1, 300], ["b", 2, 300], ["b", 4, 405]]);
  });

  it("a message to a node that restarted since it was sent is delivered by default, dropped with acrossRestarts: drop", () => {
    const options = (acrossRestarts?: "drop" | "deliver") =>
      simulate({
        ...base,
        network: { minLatencyMs: 50, maxLatencyMs: 50, ...(acrossRestarts ? { acrossRestarts } : {}) },
        plan: [{ at: 20, type: "crash", node: "b" }, { at: 30, type: "restart", node: "b" }],
        workload: [ask(10, "a", { to: "b" })],
      });
    expect((options().view.node("b").state as WriterState).received).toHaveLength(1);
    const dropped = options("drop");
    expect((dropped.view.node("b").state as WriterState).received).toHaveLength(0);
    expect(drops(dropped.trace)).toEqual([["a", "b", "restarted"]]);
  });
});

describe("bad triggers and network settings name the field", () => {
  const errorOf = (options: Partial<SimulationOptions>) => {
    try {
      new Simulation({ ...base, ...options } as SimulationOptions);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as ConfigError).message;
    }
    throw new Error("expected a ConfigError");
  };
  it.each([
    [{ when: { on: "boot" }, then: { do: "crash" } }, /invalid plan\[0\]\.when\.on: expected "persist", "send" or "state", got "boot"/],
    [{ when: { on: "send" }, then: { do: "crash" } }, /invalid plan\[0\]\.then\.do: a send trigger can drop, duplicate, hold, crash-after-send; got "crash"/],
    [{ when: { on: "state", path: "role", equals: "leader" }, then: { do: "crash-after-send" } }, /invalid plan\[0\]\.then\.do: a state trigger can crash, isolate, pause; got "crash-after-send"/],
    [{ when: { on: "send" }, then: { do: "crash-after-send", restartAfterSteps: 1.5 } }, /invalid plan\[0\]\.then\.restartAfterSteps: expected a whole number > 0, got 1\.5/],
    [{ when: { on: "persist" }, then: { do: "drop" } }, /plan\[0\]\.then\.do: a persist trigger can crash, crash-before-send, crash-during-write, isolate, pause/],
    [{ when: { on: "send" }, then: { do: "hold" } }, /plan\[0\]\.then\.forMs: expected a positive number of ms, got undefined/],
    [{ when: { on: "persist", node: "zz" }, then: { do: "crash" } }, /plan\[0\]\.when\.node: unknown node "zz"/],
    [{ when: { on: "state", path: "role", equals: { x: 1 } }, then: { do: "crash" } }, /plan\[0\]\.when\.equals: expected a string, finite number, boolean or null/],
    [{ when: { on: "state", path: "", equals: 1 }, then: { do: "crash" } }, /plan\[0\]\.when\.path/],
    [{ when: { on: "persist" }, then: { do: "crash", restartAfterSteps: 0 } }, /plan\[0\]\.then\.restartAfterSteps: expected a whole number > 0, got 0/],
    [{ when: "persist", then: { do: "crash" } }, /plan\[0\]\.when: expected a condition/],
  ])("trigger %#", (trigger, message) => {
    expect(errorOf({ plan: [{ at: 0, type: "trigger", ...trigger } as never] })).toMatch(message);
  });
  it("network settings", () => {
    expect(errorOf({ plan: [{ at: 0, type: "clog", from: "a", to: "b", forMs: -1 }] })).toMatch(/invalid plan\[0\]\.forMs: expected a positive number of ms, got -1/);
    expect(errorOf({ network: { messageTypes: { Vote: { dropRate: 2 } } } })).toMatch(/invalid network\.messageTypes\.Vote\.dropRate: a rate must be in \[0, 1\], got 2/);
    expect(errorOf({ network: { messageTypes: { Vote: { minLatencyMs: 2 } as never } } })).toMatch(/invalid network\.messageTypes\.Vote\.minLatencyMs: not a per-type rate/);
    expect(errorOf({ network: { acrossRestarts: "maybe" as never } })).toMatch(/invalid network\.acrossRestarts: expected "deliver" or "drop", got "maybe"/);
    expect(errorOf({ network: { longReorderRate: 0.5, longReorderMinMs: 900, longReorderMaxMs: 100 } })).toMatch(/invalid network\.longReorderMinMs: 900 exceeds longReorderMaxMs 100/);
    expect(() => generatePlan(1, { nodes: ["a"], durationMs: 10, triggered: { share: 3 } })).toThrow(/invalid triggered\.share: a rate must be in \[0, 1\], got 3/);
    expect(() => generatePlan(1, { nodes: ["a"], durationMs: 10, triggered: { states: [{ path: "role", equals: [] as never }] } })).toThrow(/invalid triggered\.states\[0\]\.equals/);
  });
  it("generated plans without `triggered` have no triggers; with it they mix both and stay valid", () => {
    const ids = ["a", "b", "c"];
    for (let seed = 0; seed < 30; seed++) {
      expect(generatePlan(seed, { nodes: ids, durationMs: 1_000, maxActions: 12 }).some((a) => a.type === "trigger")).toBe(false);
      const mixed = generatePlan(seed, { nodes: ids, durationMs: 1_000, maxActions: 12, triggered: { share: 0.5, states: [{ path: "role", equals: "leader" }] } });
      expect(() => new Simulation({ ...base, plan: mixed })).not.toThrow();
    }
    const all = Array.from({ length: 30 }, (_, s) => generatePlan(s, { nodes: ids, durationMs: 1_000, maxActions: 12, triggered: {} })).flat();
    expect(all.some((a) => a.type === "trigger")).toBe(true);
    expect(all.some((a) => a.type !== "trigger" && a.at < 1_000)).toBe(true);
  });
});

describe("a step a trigger cuts short", () => {
  /** Each request persists one record and counts it in its state: for a node that is up, the count is its log's length. */
  const counter: Protocol<{ readonly count: number }, Msg, Req, string, Rec> = {
    name: "counter",
    init: (_ctx, records) => ({ state: { count: records.length }, effects: [] }),
    step: (s, input) => {
      if (input.type !== "request") return { state: s, effects: [] };
      const send = input.req.to ? [{ type: "send" as const, to: input.req.to, msg: { type: "copy", n: s.count + 1 } }] : [];
      return { state: { count: s.count + 1 }, effects: [...send, { type: "persist" as const, record: { type: "note", n: s.count + 1 } }, { type: "reply" as const, client: input.client, id: input.id, res: "ok" }] };
    },
  };
  const countMatchesLog = {
    name: "CountMatchesLog",
    check: (view: { nodes: readonly { id: string; up: boolean; state: unknown; records: readonly unknown[] }[] }) => {
      for (const n of view.nodes) {
        const count = (n.state as { count: number } | undefined)?.count;
        if (n.up && count !== n.records.length) return `${n.id} counts ${count} records but its log holds ${n.records.length}`;
      }
      return undefined;
    },
  };
  const run = (then: TriggerResponse, when: FaultAction & { type: "trigger" } extends { when: infer W } ? W : never) =>
    new Simulation({
      ...base,
      nodes: ["a", "b"].map((id) => ({ id, protocol: counter })),
      invariants: [countMatchesLog],
      plan: [{ at: 0, type: "trigger", when, then }],
      workload: [ask(10, "a", { to: "b" }), ask(20, "a", { to: "b" })],
    }).run();

  it("is not judged by the state it returned, which never existed: the crash that cut it is", () => {
    // The write is lost with the node; its step's state had counted it. Before: a violation at that step.
    for (const then of [{ do: "crash-during-write", restartAfterSteps: 1 }, { do: "crash-before-send", restartAfterSteps: 1 }] as const) {
      const result = run(then, { on: "persist", node: "a" });
      expect(result.violation, then.do).toBeUndefined();
    }
    // Crashed right after its message left, before its write: the same.
    expect(run({ do: "crash-after-send", restartAfterSteps: 1 }, { on: "send", from: "a" }).violation).toBeUndefined();
  });

  it("the crash that cut it is judged in the same event, and the ghosts saw the step (its messages did leave)", () => {
    // (After boot: nodes boot one by one at time 0.)
    const neverDown = { name: "NeverDown", check: (view: { time: number; nodes: readonly { id: string; up: boolean }[] }) => (view.time > 0 ? view.nodes.find((n) => !n.up)?.id : undefined) };
    const down = run({ do: "crash-during-write", restartAfterSteps: 1 }, { on: "persist", node: "a" });
    expect(down.violation).toBeUndefined(); // no invariant on being up: the run goes on
    const judged = new Simulation({
      ...base,
      nodes: ["a", "b"].map((id) => ({ id, protocol: counter })),
      invariants: [neverDown],
      plan: [{ at: 0, type: "trigger", when: { on: "persist", node: "a" }, then: { do: "crash-during-write", restartAfterSteps: 1 } }],
      workload: [ask(10, "a", { to: "b" })],
    }).run();
    expect(judged.violation).toMatchObject({ invariant: "NeverDown", message: "a", time: 10 });
    // A ghost that notes every request step of a: the cut one is noted (checked at a later step).
    const sawCut = {
      name: "SawCutStep",
      ghost: { initial: 0, update: (g: number, _view: unknown, last: { node: string; cause: { type: string } }) => (last.node === "a" && last.cause.type === "request" ? g + 1 : g) },
      check: (_view: unknown, last: { node: string }, g: number) => (last.node === "b" && g > 0 ? `noted ${g}` : undefined),
    };
    const noted = new Simulation({
      ...base,
      nodes: ["a", "b"].map((id) => ({ id, protocol: counter })),
      invariants: [sawCut],
      plan: [{ at: 0, type: "trigger", when: { on: "persist", node: "a" }, then: { do: "crash-during-write", restartAfterSteps: 1 } }],
      workload: [ask(10, "a", { to: "b" }), ask(30, "b", {})],
    }).run();
    expect(noted.violation).toMatchObject({ invariant: "SawCutStep", message: "noted 1" });
  });
});
