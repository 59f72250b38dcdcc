import { describe, expect, it } from "vitest";
import { Simulation, simulate, type ClientActor } from "@faultline/kernel";
import { gossips } from "./fixtures.js";

/** Sets 1, 2, 3, ... up to `count`, one at a time, at a random node; on a timeout it retries elsewhere. */
const climber = (count: number): ClientActor<{ n: number; timeouts: number }, { set: number }, number> => ({
  name: "climber",
  start: (random) => ({ state: { n: 1, timeouts: 0 }, next: { node: `n${Math.floor(random() * 3)}`, req: { set: 1 }, timeoutMs: 100 } }),
  onReply: (s, _reply, random) =>
    s.n >= count
      ? { state: s }
      : { state: { ...s, n: s.n + 1 }, next: { node: `n${Math.floor(random() * 3)}`, req: { set: s.n + 1 }, afterMs: 5, timeoutMs: 100 } },
  onTimeout: (s, op) => ({ state: { ...s, timeouts: s.timeouts + 1 }, next: { node: op.node === "n0" ? "n1" : "n0", req: op.req, timeoutMs: 100 } }),
});

describe("client actors", () => {
  it("run closed-loop: one request outstanding, the next sent after the reply", () => {
    const result = simulate({ seed: 4, nodes: gossips(3), clients: [{ id: "c", actor: climber(20) }], maxTimeMs: 2_000 });
    expect(result.history.map((h) => (h.req as { set: number }).set)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    for (const [i, h] of result.history.entries()) {
      expect(h.completedAt).toBeDefined();
      const prev = result.history[i - 1];
      if (prev) expect(h.invokedAt).toBe((prev.completedAt as number) + 5);
    }
  });

  it("time out on a paused node that then crashes, losing the request it held", () => {
    const sim = new Simulation({
      seed: 4,
      nodes: gossips(3),
      clients: [{ id: "c", actor: climber(5) }],
      plan: [
        { at: 0, type: "pause", node: "n0" },
        { at: 0, type: "pause", node: "n1" },
        { at: 0, type: "pause", node: "n2" },
        { at: 50, type: "crash", node: "n0" },
        { at: 50, type: "crash", node: "n1" },
        { at: 50, type: "crash", node: "n2" },
        { at: 60, type: "restart", node: "n0" },
        { at: 60, type: "restart", node: "n1" },
        { at: 60, type: "restart", node: "n2" },
      ],
      maxTimeMs: 3_000,
      trace: { full: true },
    });
    const result = sim.run();
    // The first request was held by a paused node and lost in its crash: never invoked, yet the
    // client timed out at 100 ms and carried on to the end.
    expect(result.trace?.filter((e) => e.kind === "client-timeout").map((e) => e.t)).toEqual([100]);
    expect((sim as unknown as { engine: { state: { clients: { actors: { state: { n: number } }[] } } } }).engine.state.clients.actors[0]?.state.n).toBe(5);
    expect(result.history.filter((h) => h.completedAt !== undefined)).toHaveLength(5);
  });

  it("time out on a crashed node, leave that request open, and go on", () => {
    const sim = new Simulation({
      seed: 4,
      nodes: gossips(3),
      clients: [{ id: "c", actor: climber(5) }],
      plan: [{ at: 0, type: "crash", node: "n2" }],
      maxTimeMs: 3_000,
      trace: { full: true },
    });
    const result = sim.run();
    const open = result.history.filter((h) => h.completedAt === undefined);
    expect(open.length).toBeGreaterThan(0);
    expect(open.every((h) => h.node === "n2")).toBe(true);
    expect(result.trace?.filter((e) => e.kind === "client-timeout")).toHaveLength(open.length);
    expect(result.history.filter((h) => h.completedAt !== undefined).map((h) => (h.req as { set: number }).set)).toEqual([1, 2, 3, 4, 5]);
  });

  it("are deterministic and survive a fork", () => {
    const opts = { seed: 9, nodes: gossips(3), clients: [{ id: "c", actor: climber(10) }], network: { dropRate: 0.3 }, maxTimeMs: 2_000 };
    expect(simulate(opts).traceHash).toBe(simulate(opts).traceHash);
    const sim = new Simulation(opts);
    sim.runUntil(50);
    const fork = sim.fork();
    expect(fork.run().traceHash).toBe(sim.run().traceHash);
  });

  it("reject duplicate client ids", () => {
    expect(() => new Simulation({ seed: 1, nodes: gossips(1), clients: [{ id: "c", actor: climber(1) }, { id: "c", actor: climber(1) }] })).toThrow(
      /invalid clients\[1\]\.id: duplicate client id "c"/,
    );
  });
});
