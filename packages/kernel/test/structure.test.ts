import { describe, expect, it } from "vitest";
import { Simulation, type Invariant, type WorldView } from "@faultline/kernel";
import { probes, type ProbeState } from "./fixtures.js";

describe("the simulator's parts", () => {
  it("hands invariants a read-only view of the world, not the simulator", () => {
    const seen: WorldView[] = [];
    const spy: Invariant = { name: "spy", check: (view) => void seen.push(view) };
    const sim = new Simulation({ seed: 1, nodes: probes, invariants: [spy], workload: [{ at: 1, client: "c", node: "a", req: { do: "send", to: "b", msg: 1 } }] });
    sim.run();
    expect(seen.length).toBeGreaterThan(0);
    const view = seen[0]!;
    expect(view).not.toBeInstanceOf(Simulation);
    for (const method of ["run", "step", "fork", "take", "inject", "schedule", "request"]) expect(method in view).toBe(false);
    expect(view.node("b").id).toBe("b");
    expect(view.time).toBe(sim.time);
    expect(view.history).toBe(sim.history);
  });

  it("forks share no mutable part: blocks, network changes, timers, logs, history and the queue stay apart", () => {
    const sim = new Simulation({
      seed: 2,
      nodes: probes,
      workload: [
        { at: 0, client: "c", node: "a", req: { do: "timer", name: "t", afterMs: 50 } },
        { at: 0, client: "c", node: "b", req: { do: "persist", value: "x" } },
      ],
    });
    sim.runUntil(10);
    const before = sim.fingerprint();
    const fork = sim.fork();
    fork.inject({ at: 0, type: "isolate", node: "a" });
    fork.inject({ at: 0, type: "network", dropRate: 1 });
    fork.inject({ at: 0, type: "crash", node: "b" });
    fork.request("c", "c", { do: "send", to: "a", msg: 9 });
    fork.runUntil(100);
    expect(sim.fingerprint()).toBe(before);
    expect(sim.node("b").up).toBe(true);
    expect(sim.history).toHaveLength(2);
    expect(fork.history).toHaveLength(3);
    // The original still fires its timer and delivers normally.
    sim.request("c", "c", { do: "send", to: "a", msg: 7 });
    sim.runUntil(100);
    expect((sim.node("a").state as ProbeState).fired.map((f) => f.name)).toEqual(["t"]);
    expect((sim.node("a").state as ProbeState).received.map((r) => r.msg)).toEqual([7]);
    expect((fork.node("a").state as ProbeState).received).toEqual([]);
  });
});
