/**
 * A run's event budget: a system that storms (every message answered twice) fails a sweep as
 * "event budget" instead of filling the memory, the failure shrinks and replays like any other,
 * and fired triggers are counted without keeping the whole trace.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { defineSystem, PLAIN_SWARM, replayCase, runCase, SearchError, sweep, type Case } from "@faultline/check";
import { transition, type Protocol } from "@faultline/kernel";
import { TWO_PHASE_DEFAULT_CONFIG, twoPhaseSpace } from "../../two-phase-commit/test/space.js";

/** Each node pings its peer once at start; with `storm`, every ping is answered with two. */
const pinger = (storm: boolean): Protocol<number, "ping", never, never, never> => ({
  name: "pinger",
  init: (ctx) => ({ state: 0, effects: ctx.self === "a" ? [{ type: "send", to: "b", msg: "ping" }] : [] }),
  step: (state, input, ctx) =>
    transition(state, (_d, fx) => {
      if (input.type !== "message") return;
      const peer = ctx.self === "a" ? "b" : "a";
      fx.send(peer, "ping");
      if (storm) fx.send(peer, "ping");
    }),
});

const space = (storm: boolean, maxEvents?: number) =>
  defineSystem({
    name: storm ? "storm" : "calm",
    config: fc.constant(2),
    defaultConfig: 2,
    faultWindowMs: 200,
    runMs: 1_000,
    ...(maxEvents === undefined ? {} : { maxEvents }),
    build: () => ({ nodes: [{ id: "a", protocol: pinger(storm) }, { id: "b", protocol: pinger(storm) }] }),
  });

describe("event budget", () => {
  it("a storming system fails as 'event budget', naming the system's option, and replays with the same hash", () => {
    const storm = space(true, 5_000);
    const r = sweep(storm, { mode: "plain", runs: 3, seed: 1 });
    const f = r.failure!;
    expect(f.property).toBe("event budget");
    expect(f.message).toContain("5000 events");
    expect(f.message).toContain("storm.maxEvents");
    expect(replayCase(storm, f.token)).toEqual({ traceHash: f.traceHash, failure: `event budget: ${f.message}` });
  });

  it("a system within its budget passes: the same ping-pong without the storm", () => {
    expect(sweep(space(false, 5_000), { mode: "plain", runs: 3, seed: 1 }).ok).toBe(true);
  });

  it("an invalid budget is named", () => {
    expect(() => space(true, 0)).toThrow(SearchError);
    expect(() => space(true, 1.5)).toThrow(/storm\.maxEvents: expected a positive whole number of events, got 1.5/);
  });

  it("fired triggers are counted from the run's result, with no full trace kept", () => {
    const one = { ...TWO_PHASE_DEFAULT_CONFIG, clients: 1, txs: 1 };
    const c: Case<typeof one> = { config: one, seed: 7, swarm: { ...PLAIN_SWARM, drop: 0, dup: 0, reorder: 0 }, faults: [], triggers: [{ type: "trigger", at: 0, when: { on: "persist", node: 0 }, then: { do: "crash-before-send", restartAfterSteps: 30 } }] };
    const run = runCase(twoPhaseSpace, c);
    expect(run.result.trace).toBeUndefined();
    expect(run.coverage.fired["persist→crash-before-send"]).toBe(1);
    expect(run.result.firedTriggers).toEqual([{ at: 0, type: "trigger", when: { on: "persist", node: "coordinator" }, then: { do: "crash-before-send", restartAfterSteps: 30 }, untilMs: twoPhaseSpace.faultWindowMs }]);
  });
});
