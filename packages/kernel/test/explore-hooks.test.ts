import { describe, expect, it } from "vitest";
import { Simulation } from "@faultline/kernel";
import { canonicalJson } from "../src/cursor.js";
import { probes, type ProbeState } from "./fixtures.js";

const world = () =>
  new Simulation({
    seed: 3,
    nodes: probes,
    workload: [
      { at: 0, client: "t", node: "a", req: { do: "send", to: "c", msg: 1 } },
      { at: 0, client: "t", node: "b", req: { do: "send", to: "c", msg: 2 } },
    ],
  });
const received = (sim: Simulation, id: string) => (sim.node(id).state as ProbeState).received.map((r) => r.msg);

describe("exploration hooks", () => {
  it("lists pending events in a fixed order and takes any of them out of time order", () => {
    const sim = world();
    const first = sim.pendingEvents();
    expect(first.map((e) => e.kind)).toEqual(["request", "request"]);
    sim.take(first[1]!.seq);
    sim.take(first[0]!.seq);
    const msgs = sim.pendingEvents().filter((e) => e.kind === "deliver");
    expect(msgs.map((m) => m.kind === "deliver" && m.msg)).toEqual([2, 1]);
    sim.take(msgs[1]!.seq); // deliver a's message first, whatever the latencies
    sim.take(msgs[0]!.seq);
    expect(received(sim, "c")).toEqual([1, 2]);
  });

  it("forks worlds that diverge independently", () => {
    const sim = world();
    for (const e of sim.pendingEvents()) sim.take(e.seq);
    const [m1, m2] = sim.pendingEvents();
    const left = sim.fork();
    const right = sim.fork();
    left.take(m1!.seq, "drop");
    left.take(m2!.seq);
    right.take(m1!.seq, "duplicate");
    right.take(m1!.seq);
    expect(received(left, "c")).toEqual([2]);
    expect(received(right, "c")).toEqual([1, 1]);
    expect(received(sim, "c")).toEqual([]);
    expect(sim.pendingEvents()).toHaveLength(2);
  });

  it("gives equal fingerprints to equal worlds reached by different paths", () => {
    const a = world();
    const b = world();
    const [ra, rb] = a.pendingEvents();
    a.take(ra!.seq);
    a.take(rb!.seq);
    b.take(rb!.seq);
    b.take(ra!.seq);
    expect(a.fingerprint()).toBe(b.fingerprint());
    const c = a.fork();
    c.inject({ at: 0, type: "crash", node: "b" });
    expect(c.fingerprint()).not.toBe(a.fingerprint());
    expect(c.node("b").up).toBe(false);
  });

  it("writes canonical JSON with sorted keys", () => {
    expect(canonicalJson({ b: 1, a: [{ y: 2, x: undefined, z: null }] })).toBe('{"a":[{"y":2,"z":null}],"b":1}');
  });
});
