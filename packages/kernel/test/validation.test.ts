import { describe, expect, it } from "vitest";
import { ConfigError, Simulation, generatePlan, type SimulationOptions } from "@faultline/kernel";
import { probes } from "./fixtures.js";

function errorOf(options: Partial<SimulationOptions>): ConfigError {
  try {
    new Simulation({ seed: 1, nodes: probes, ...options } as SimulationOptions);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error("expected a ConfigError");
}

describe("bad input names the field", () => {
  it.each([
    ["unknown node in a plan", { plan: [{ at: 0, type: "crash", node: "zz" }] }, "plan[0].node", /unknown node "zz" \(nodes: a, b, c\)/],
    ["unknown node in a partition", { plan: [{ at: 0, type: "heal" }, { at: 1, type: "partition", groups: [["a"], ["q"]] }] }, "plan[1].groups[1][0]", /unknown node "q"/],
    ["plan action at negative time", { plan: [{ at: -5, type: "heal" }] }, "plan[0].at", /must not be negative, got -5/],
    ["plan action at NaN", { plan: [{ at: Number.NaN, type: "heal" }] }, "plan[0].at", /finite number/],
    ["unknown action type", { plan: [{ at: 0, type: "explode" }] }, "plan[0].type", /unknown action type "explode"/],
    ["negative delay", { network: { minLatencyMs: -1 } }, "network.minLatencyMs", /must not be negative/],
    ["NaN delay", { network: { maxLatencyMs: Number.NaN } }, "network.maxLatencyMs", /finite delay/],
    ["min above max", { network: { minLatencyMs: 20, maxLatencyMs: 10 } }, "network.minLatencyMs", /exceeds maxLatencyMs/],
    ["drop rate above 1", { network: { dropRate: 1.5 } }, "network.dropRate", /\[0, 1\], got 1.5/],
    ["negative duplicate rate", { network: { duplicateRate: -0.1 } }, "network.duplicateRate", /\[0, 1\]/],
    ["rate in a plan action", { plan: [{ at: 0, type: "network", reorderRate: 2 }] }, "plan[0].reorderRate", /\[0, 1\]/],
    ["unknown node in a link", { network: { links: [{ from: "a", to: "nope", dropRate: 1 }] } }, "network.links[0].to", /unknown node "nope"/],
    ["duplicate node ids", { nodes: [probes[0]!, probes[0]!] }, "nodes[1].id", /duplicate node id "a"/],
    ["empty cluster", { nodes: [] }, "nodes", /at least one node/],
    ["more nodes than a message can address", { nodes: Array.from({ length: 65_537 }, (_, i) => ({ ...probes[0]!, id: `n${i}` })) }, "nodes", /at most 65536 nodes, got 65537/],
    ["node without protocol", { nodes: [{ id: "a", protocol: {} }] }, "nodes[0].protocol", /init and step/],
    ["unknown node in a workload", { workload: [{ at: 0, client: "c", node: "x", req: 1 }] }, "workload[0].node", /unknown node "x"/],
    ["drift out of range", { clocks: { a: { drift: -1 } } }, "clocks.a.drift", /\(-1, 1\)/],
    ["clock of an unknown node", { clocks: { q: { drift: 0 } } }, "clocks.q", /unknown node "q"/],
    ["an invariant without check", { invariants: [{ name: "x" }] }, "invariants[0]", /expected \{ name: string, check/],
    ["a ghost without update", { invariants: [{ name: "x", check: () => undefined, ghost: { initial: 0 } }] }, "invariants[0].ghost", /update/],
    ["a fractional keepLast", { trace: { keepLast: 1.5 } }, "trace.keepLast", /whole number ≥ 0, got 1.5/],
    ["stopWhen not a function", { stopWhen: true }, "stopWhen", /function/],
    ["a workload entry that is not an object", { workload: [null] }, "workload[0]", /expected \{ at, client, node, req \}/],
    ["links not an array", { network: { links: {} } }, "network.links", /array/],
  ] as const)("%s", (_what, options, field, message) => {
    const err = errorOf(options as Partial<SimulationOptions>);
    expect(err.field).toBe(field);
    expect(err.message).toMatch(message);
    expect(err.message.startsWith(`invalid ${field}:`)).toBe(true);
  });

  it("rejects a scheduled action in the past and a request to an unknown node", () => {
    const sim = new Simulation({ seed: 1, nodes: probes });
    sim.runUntil(100);
    expect(() => sim.schedule({ at: 50, type: "heal" })).toThrow(/action.at: 50 is in the past/);
    expect(() => sim.request("nobody", "c", {})).toThrow(/request.node: unknown node "nobody"/);
  });

  it("rejects bad plan generator options", () => {
    expect(() => generatePlan(1, { nodes: [], durationMs: 10 })).toThrow(ConfigError);
    expect(() => generatePlan(1, { nodes: ["a"], durationMs: -1 })).toThrow(/durationMs/);
    expect(() => generatePlan(1, { nodes: ["a"], durationMs: 10, kinds: ["crash", "meteor" as never] })).toThrow(/invalid kinds\[1\]: unknown fault kind "meteor"/);
    expect(() => generatePlan(1, { nodes: ["a"], durationMs: 10, maxActions: -2 })).toThrow(/invalid maxActions: expected a whole number ≥ 0, got -2/);
  });
});
