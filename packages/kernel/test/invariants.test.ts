import { describe, expect, it } from "vitest";
import { EventQueue, generatePlan, replay, simulate, toJsonLines, type Ctx, type Invariant } from "@faultline/kernel";
import { gossip, gossips, type GossipState } from "./fixtures.js";

const nodes = gossips(3);
/** Planted "bug" to catch: no node's value may exceed 2 (a workload sets 3). */
const atMostTwo: Invariant<GossipState> = {
  name: "ValueAtMostTwo",
  check: (view) => {
    for (const n of view.nodes) if (n.state && n.state.value > 2) return `${n.id} holds ${n.state.value}`;
    return undefined;
  },
};
/** A transition property: a node's value never decreases while it is up. */
const monotonic: Invariant<GossipState> = {
  name: "ValueMonotonic",
  check: (_view, last) => (last.before && last.after && last.after.value < last.before.value ? `${last.node} went down` : undefined),
};

const options = {
  seed: "inv",
  nodes,
  invariants: [monotonic, atMostTwo],
  network: { dropRate: 0.2, reorderRate: 0.3 },
  plan: generatePlan("inv", { nodes: ["n0", "n1", "n2"], durationMs: 500 }),
  workload: [
    { at: 10, client: "c", node: "n0", req: { set: 1 } },
    { at: 400, client: "c", node: "n1", req: { set: 3 } },
  ],
  maxTimeMs: 2_000,
};

describe("invariants and reports", () => {
  it("passes when every invariant holds after every step", () => {
    const result = simulate({ ...options, invariants: [monotonic], maxTimeMs: 1_000 });
    expect(result.ok).toBe(true);
    expect(result.violation).toBeUndefined();
    expect(result.history[0]).toMatchObject({ client: "c", id: 1, node: "n0", invokedAt: 10, completedAt: 10, res: 1 });
  });

  it("stops at the first violation with a replayable report", () => {
    const result = simulate(options);
    expect(result.ok).toBe(false);
    expect(result.violation).toMatchObject({ invariant: "ValueAtMostTwo", message: "n1 holds 3", time: 400 });
    expect(result.time).toBe(400);
    const report = result.report!;
    expect(report.faultline).toMatch(/^\d+\.\d+\.\d+$/);
    expect(report.config.seed).toBe("inv");
    expect(report.config.plan).toEqual(options.plan);
    expect(report.nodes).toEqual(nodes.map((n) => ({ id: n.id, protocol: "gossip" })));
    expect(report.lastEvents.at(-2)).toMatchObject({ kind: "request", node: "n1", req: { set: 3 } });
    expect(report.lastEvents.at(-1)).toMatchObject({ kind: "reply", node: "n1", res: 3 });

    const again = replay(JSON.parse(JSON.stringify(report)), { nodes, invariants: [monotonic, atMostTwo] });
    expect(again.violation).toEqual(result.violation);
    expect(again.traceHash).toBe(report.traceHash);
  });

  it("refuses to replay on a different cluster", () => {
    const report = simulate(options).report!;
    expect(() => replay(report, { nodes: gossips(2) })).toThrow(/the report ran \[n0:gossip, n1:gossip, n2:gossip\]/);
  });

  it("turns a throwing protocol into a protocol-error violation", () => {
    const bomb = { ...nodes[0]!.protocol, step: () => { throw new Error("boom"); } };
    const result = simulate({ seed: 1, nodes: [{ id: "x", protocol: bomb }], workload: [{ at: 5, client: "c", node: "x", req: { set: 1 } }] });
    expect(result.violation).toMatchObject({ invariant: "protocol-error", message: "node x threw on request: boom", time: 5 });
  });

  it("writes the full trace as JSON lines", () => {
    const result = simulate({ ...options, invariants: [], maxTimeMs: 100, trace: { full: true } });
    const lines = toJsonLines(result.trace!).trim().split("\n");
    expect(lines.length).toBe(result.trace!.length);
    expect(JSON.parse(lines[0]!)).toHaveProperty("kind");
  });
});

describe("event queue", () => {
  it("orders by time, then by insertion sequence", () => {
    const q = new EventQueue<{ time: number; seq: number }>();
    const times = [5, 1, 3, 1, 5, 0, 3, 2, 2, 9, 1];
    times.forEach((time, seq) => q.push({ time, seq }));
    const out: [number, number][] = [];
    for (let e = q.pop(); e; e = q.pop()) out.push([e.time, e.seq]);
    const expected = times.map((t, s) => [t, s] as [number, number]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    expect(out).toEqual(expected);
  });
});

describe("ghost state", () => {
  /** Every value a node ever held, as ghost history: a node's value may never return to an older, smaller one. */
  const highest: Invariant<GossipState, unknown, unknown, Readonly<Record<string, number>>> = {
    name: "NeverBelowHighestSeen",
    ghost: {
      initial: {},
      update: (ghost, _view, last) => {
        const v = last.after?.value;
        return v !== undefined && v > (ghost[last.node] ?? 0) ? { ...ghost, [last.node]: v } : ghost;
      },
    },
    check: (view, _last, ghost) => {
      for (const n of view.nodes) if (n.state && n.state.value < (ghost[n.id] ?? 0)) return `${n.id} holds ${n.state.value} < ${ghost[n.id]}`;
      return undefined;
    },
  };

  it("is updated after every step and catches a value forgotten across a restart", () => {
    expect(simulate({ ...options, invariants: [highest] }).ok).toBe(true);
    // Planted bug: a node that ignores its durable log when it restarts.
    const amnesiac = { ...gossip, init: (ctx: Ctx) => gossip.init(ctx, []) };
    const run = simulate({
      seed: 3,
      nodes: [{ id: "n0", protocol: amnesiac }, ...nodes.slice(1)],
      invariants: [highest],
      workload: [{ at: 10, client: "c", node: "n0", req: { set: 2 } }],
      plan: [
        { at: 1, type: "isolate", node: "n0" },
        { at: 20, type: "crash", node: "n0" },
        { at: 30, type: "restart", node: "n0" },
      ],
      maxTimeMs: 200,
    });
    expect(run.violation).toMatchObject({ invariant: "NeverBelowHighestSeen", message: "n0 holds 0 < 2", time: 30 });
  });

  it("is forked with the world, so branches do not share it", async () => {
    const { Simulation } = await import("@faultline/kernel");
    const sim = new Simulation({ ...options, invariants: [highest], maxTimeMs: 1_000 });
    sim.runUntil(300);
    const a = sim.fork();
    const b = sim.fork();
    a.runUntil(600);
    expect(b.fingerprint()).toBe(sim.fingerprint());
    expect(a.fingerprint()).not.toBe(sim.fingerprint());
  });
});

describe("StepInfo.logFrom: where a step wrote its node's log", () => {
  /** Persists every message it gets; compacts to one record on a "compact" message. */
  const logger = {
    name: "logger",
    init: (ctx: Ctx, records: readonly unknown[]) => ({
      state: records.length,
      effects: ctx.self === "a" ? ["x", "x", "compact", "quiet"].map((msg) => ({ type: "send" as const, to: "b", msg })) : [],
    }),
    step: (s: number, input: { type: string; msg?: unknown }) => {
      if (input.type !== "message" || input.msg === "quiet") return { state: s, effects: [] };
      const record = { type: "r", n: s };
      const write = input.msg === "compact" ? { type: "compact" as const, snapshot: record } : { type: "persist" as const, record };
      return { state: s + 1, effects: [write, { type: "persist" as const, record }] };
    },
  };
  it("names the first record a step wrote: the old length, 0 after a compaction, the length when nothing was written", () => {
    const seen: [string, string, number | undefined, number][] = [];
    const recorder: Invariant = {
      name: "recorder",
      check: (view, last) => void seen.push([last.node, last.cause.type === "message" ? String((last.cause as { msg: unknown }).msg) : last.cause.type, last.logFrom, view.node(last.node).records.length]),
    };
    const r = simulate({ seed: 1, nodes: [{ id: "a", protocol: logger }, { id: "b", protocol: logger }], invariants: [recorder], network: { minLatencyMs: 1, maxLatencyMs: 1 } });
    expect(r.ok).toBe(true);
    expect(seen).toEqual([
      ["a", "restart", 0, 0],
      ["b", "restart", 0, 0],
      ["b", "x", 0, 2], // two records appended to an empty log
      ["b", "x", 2, 4], // two more after the first two
      ["b", "compact", 0, 2], // compacted: the whole log is new
      ["b", "quiet", 2, 2], // nothing written
    ]);
  });
});
