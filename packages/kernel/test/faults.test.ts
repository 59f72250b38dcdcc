import { describe, expect, it } from "vitest";
import { Simulation, type FaultAction, type NetworkConfig, type WorkloadOp } from "@faultline/kernel";
import { probe, probes, type Cmd, type ProbeState } from "./fixtures.js";

const send = (at: number, from: string, to: string, msg: unknown): WorkloadOp<Cmd> => ({ at, client: "t", node: from, req: { do: "send", to, msg } });

function run(workload: WorkloadOp<Cmd>[], plan: FaultAction[] = [], network: Partial<NetworkConfig> = {}, until = 1_000) {
  const sim = new Simulation({ seed: 1, nodes: probes, workload, plan, network, maxTimeMs: until, trace: { full: true } });
  const result = sim.run();
  const received = (id: string) => (sim.node(id).state as ProbeState).received.map((r) => r.msg);
  return { sim, result, received };
}

describe("network faults", () => {
  it("never delivers a dropped message", () => {
    const { received, result } = run([send(0, "a", "b", 1), send(10, "a", "b", 2)], [], { dropRate: 1 });
    expect(received("b")).toEqual([]);
    expect(result.trace?.filter((e) => e.kind === "drop" && e.reason === "loss")).toHaveLength(2);
  });

  it("delivers a duplicated message twice", () => {
    const { received, result } = run([send(0, "a", "b", "x")], [], { duplicateRate: 1 });
    expect(received("b")).toEqual(["x", "x"]);
    expect(result.trace?.filter((e) => e.kind === "deliver" && e.duplicate)).toHaveLength(1);
  });

  it("keeps links FIFO unless messages are reordered", () => {
    const msgs = Array.from({ length: 30 }, (_, i) => send(0, "a", "b", i));
    const fifo = run(msgs, [], { minLatencyMs: 1, maxLatencyMs: 50 }).received("b");
    expect(fifo).toEqual(msgs.map((_, i) => i));
    const shuffled = run(msgs, [], { minLatencyMs: 1, maxLatencyMs: 50, reorderRate: 0.5 }).received("b");
    expect([...shuffled].sort((x, y) => (x as number) - (y as number))).toEqual(fifo);
    expect(shuffled).not.toEqual(fifo);
  });

  it("blocks only the given direction of an asymmetric partition", () => {
    const { received } = run([send(10, "a", "b", "a->b"), send(10, "b", "a", "b->a")], [{ at: 0, type: "block", from: "a", to: "b" }]);
    expect(received("b")).toEqual([]);
    expect(received("a")).toEqual(["b->a"]);
  });

  it("cuts both ways across a symmetric partition, and heal restores delivery", () => {
    const plan: FaultAction[] = [
      { at: 0, type: "partition", groups: [["a"], ["b", "c"]] },
      { at: 100, type: "heal" },
    ];
    const { received } = run([send(10, "a", "b", 1), send(10, "b", "a", 2), send(10, "b", "c", 3), send(200, "a", "b", 4)], plan);
    expect(received("b")).toEqual([4]);
    expect(received("a")).toEqual([]);
    expect(received("c")).toEqual([3]);
  });

  it("drops a message in flight when a partition forms before it arrives", () => {
    const { received, result } = run([send(0, "a", "b", 1)], [{ at: 1, type: "isolate", node: "b" }], { minLatencyMs: 50, maxLatencyMs: 50 });
    expect(received("b")).toEqual([]);
    expect(result.trace?.some((e) => e.kind === "drop" && e.reason === "partition")).toBe(true);
  });

  it("loses messages sent to a crashed node", () => {
    const { received, result } = run([send(10, "a", "b", 1), send(300, "a", "b", 2)], [
      { at: 0, type: "crash", node: "b" },
      { at: 200, type: "restart", node: "b" },
    ]);
    expect(received("b")).toEqual([2]);
    expect(result.trace?.some((e) => e.kind === "drop" && e.reason === "down")).toBe(true);
  });

  it("applies per-link overrides", () => {
    const { received } = run([send(0, "a", "b", 1), send(0, "a", "c", 2)], [], { links: [{ from: "a", to: "b", dropRate: 1 }] });
    expect(received("b")).toEqual([]);
    expect(received("c")).toEqual([2]);
  });
});

describe("node faults", () => {
  it("crash loses volatile state and timers, keeps persisted records; restart folds them back", () => {
    const sim = new Simulation({
      seed: 1,
      nodes: probes,
      workload: [
        { at: 0, client: "t", node: "a", req: { do: "persist", value: "r1" } },
        { at: 1, client: "t", node: "a", req: { do: "persist", value: "r2" } },
        { at: 2, client: "t", node: "a", req: { do: "timer", name: "x", afterMs: 500 } },
      ],
      plan: [
        { at: 100, type: "crash", node: "a" },
        { at: 200, type: "restart", node: "a" },
      ],
    });
    sim.runUntil(99);
    expect((sim.node("a").state as ProbeState).volatile).toBe(3);
    sim.runUntil(150);
    expect(sim.node("a").up).toBe(false);
    expect(sim.node("a").state).toBeUndefined();
    expect(sim.node("a").records).toEqual(["r1", "r2"]);
    sim.runUntil(1_000);
    const a = sim.node("a").state as ProbeState;
    expect(a.volatile).toBe(0);
    expect(a.restored).toEqual(["r1", "r2"]);
    expect(a.fired).toEqual([]); // the timer armed before the crash never fires
    expect(sim.node("a").restarts).toBe(1);
  });

  it("loses unsynced records on crash when storage faults are on", () => {
    const workload: WorkloadOp<Cmd>[] = [{ at: 0, client: "t", node: "a", req: { do: "persist", value: "kept" } }];
    const plan: FaultAction[] = [{ at: 100, type: "crash", node: "a" }];
    // The probe replies after persisting, which syncs; a bare persist in a silent step would not be.
    const synced = new Simulation({ seed: 1, nodes: probes, workload, plan, storage: { loseUnsyncedOnCrash: true } });
    synced.run();
    expect(synced.node("a").records).toEqual(["kept"]);

    const silent: typeof probe = {
      ...probe,
      step: (s, input, ctx) => (input.type === "request" ? { state: s, effects: [{ type: "persist", record: "unsynced" }] } : probe.step(s, input, ctx)),
    };
    const lossy = new Simulation({ seed: 1, nodes: [{ id: "a", protocol: silent }], workload, plan, storage: { loseUnsyncedOnCrash: true } });
    lossy.run();
    expect(lossy.node("a").records).toEqual([]);
    const durable = new Simulation({ seed: 1, nodes: [{ id: "a", protocol: silent }], workload, plan });
    durable.run();
    expect(durable.node("a").records).toEqual(["unsynced"]);
  });

  it("pause holds inputs in order and resume delivers them", () => {
    const sim = new Simulation({
      seed: 1,
      nodes: probes,
      workload: [send(10, "a", "b", 1), send(11, "a", "b", 2), { at: 5, client: "t", node: "b", req: { do: "timer", name: "t", afterMs: 20 } }],
      plan: [
        { at: 0, type: "pause", node: "b" },
        { at: 100, type: "resume", node: "b" },
      ],
    });
    sim.runUntil(99);
    expect((sim.node("b").state as ProbeState).received).toEqual([]);
    sim.runUntil(200);
    const b = sim.node("b").state as ProbeState;
    expect(b.received.map((r) => r.msg)).toEqual([1, 2]);
    expect(b.received.every((r) => r.at === 100)).toBe(true);
  });
});

describe("clocks", () => {
  it("shows skew and drift in ctx.now()", () => {
    const sim = new Simulation({
      seed: 1,
      nodes: probes,
      clocks: { b: { offsetMs: 1_000 }, c: { drift: 0.5 } },
      workload: ["a", "b", "c"].map((node) => ({ at: 100, client: "t", node, req: { do: "now" } as Cmd })),
      plan: [{ at: 200, type: "clock", node: "a", offsetMs: -50 }],
    });
    sim.request("a", "t", { do: "now" }, 300);
    const result = sim.run();
    const now = (node: string, at: number) => result.history.find((h) => h.node === node && h.invokedAt === at)?.res;
    expect(now("a", 100)).toBe(100);
    expect(now("b", 100)).toBe(1_100);
    expect(now("c", 100)).toBe(150);
    expect(now("a", 300)).toBe(250);
  });

  it("runs timers on the node's own clock", () => {
    const sim = new Simulation({
      seed: 1,
      nodes: probes,
      clocks: { c: { drift: 0.5 } },
      workload: [
        { at: 0, client: "t", node: "a", req: { do: "timer", name: "t", afterMs: 300 } },
        { at: 0, client: "t", node: "c", req: { do: "timer", name: "t", afterMs: 300 } },
      ],
    });
    sim.run();
    expect((sim.node("a").state as ProbeState).fired).toEqual([{ name: "t", at: 300 }]);
    // c's clock runs 1.5x fast: 300 ms of its clock pass in 200 ms of virtual time.
    expect((sim.node("c").state as ProbeState).fired).toEqual([{ name: "t", at: 300 }]);
  });

  it("re-arming a timer replaces it and cancelling disarms it", () => {
    const sim = new Simulation({
      seed: 1,
      nodes: probes,
      workload: [
        { at: 0, client: "t", node: "a", req: { do: "timer", name: "t", afterMs: 100 } },
        { at: 50, client: "t", node: "a", req: { do: "timer", name: "t", afterMs: 100 } },
        { at: 0, client: "t", node: "b", req: { do: "timer", name: "t", afterMs: 100 } },
        { at: 50, client: "t", node: "b", req: { do: "cancel", name: "t" } },
      ],
    });
    sim.run();
    expect((sim.node("a").state as ProbeState).fired).toEqual([{ name: "t", at: 150 }]);
    expect((sim.node("b").state as ProbeState).fired).toEqual([]);
  });
});
