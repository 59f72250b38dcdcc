/**
 * The triggers a sweep draws for persistence-order bugs: "crash right after answering" (a send
 * trigger crashing its sender), crash during a write, quick restarts, short holds, triggers armed
 * from the start. Each is plain JSON a case holds, validated naming the field, and replays with
 * the same trace hash.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PLAIN_SWARM, replayCase, runCase, triggerArbitrary, validateTrigger, type Case, type Trigger } from "@faultline/check";
import { TWO_PHASE_DEFAULT_CONFIG, twoPhaseSpace, type TwoPhaseSearchConfig } from "../../two-phase-commit/test/space.js";

const one = { ...TWO_PHASE_DEFAULT_CONFIG, clients: 1, txs: 1 };
const quiet = (triggers: Trigger[]): Case<TwoPhaseSearchConfig> => ({ config: one, seed: 7, swarm: { ...PLAIN_SWARM, drop: 0, dup: 0, reorder: 0 }, faults: [], triggers });

describe("persistence-order triggers", () => {
  it("the sweep's generator draws them, and everything it draws is a valid trigger", () => {
    const drawn = fc.sample(triggerArbitrary(twoPhaseSpace, twoPhaseSpace.faultWindowMs), { seed: 3, numRuns: 3_000 });
    for (const [i, t] of drawn.entries()) validateTrigger(t, `drawn[${i}]`);
    const fired = drawn.filter((t): t is Extract<Trigger, { type: "trigger" }> => t.type === "trigger");
    const share = (p: (t: (typeof fired)[number]) => boolean) => fired.filter(p).length / fired.length;
    expect(share((t) => t.when.on === "send" && t.then.do === "crash-after-send")).toBeGreaterThan(0.02);
    expect(share((t) => t.when.on === "persist" && t.then.do === "crash-during-write")).toBeGreaterThan(0.02);
    // Half the crashes come back within 5 steps (a quick restart, before the next request arrives).
    const crashes = fired.filter((t) => "restartAfterSteps" in t.then && t.then.restartAfterSteps !== undefined);
    expect(crashes.filter((t) => (t.then as { restartAfterSteps: number }).restartAfterSteps <= 5).length / crashes.length).toBeGreaterThan(0.4);
    expect(share((t) => t.then.do === "hold" && t.then.forMs <= 100)).toBeGreaterThan(0.01);
    expect(drawn.filter((t) => t.at === 0).length / drawn.length).toBeGreaterThan(0.4);
  });

  it("crash right after answering: the participant's vote leaves, its record (written first) survives, it restarts N steps later; the real 2PC passes", () => {
    const c = quiet([{ type: "trigger", at: 0, when: { on: "send", from: 1, msgType: "vote" }, then: { do: "crash-after-send", restartAfterSteps: 3 } }]);
    const run = runCase(twoPhaseSpace, c, { trace: { full: true } });
    expect(run.coverage.fired["send→crash-after-send"]).toBe(1);
    const p1 = run.result.view.node("p1");
    expect(p1.restarts).toBe(1);
    expect(p1.records.some((r) => (r as { type?: string }).type === "vote")).toBe(true);
    expect((run.result.trace ?? []).some((e) => e.kind === "deliver" && e.from === "p1" && (e.msg as { type?: string }).type === "vote")).toBe(true);
    expect(run.failure).toBeUndefined();
    expect(run.traceHash).not.toBe(runCase(twoPhaseSpace, quiet([])).traceHash);
  });

  it("replays with the same trace hash from its JSON", () => {
    const c = quiet([
      { type: "trigger", at: 0, when: { on: "send", msgType: "vote" }, then: { do: "crash-after-send", restartAfterSteps: 1 } },
      { type: "trigger", at: 0, when: { on: "persist", node: 0 }, then: { do: "crash-during-write", restartAfterSteps: 2 } },
      { type: "trigger", at: 0, when: { on: "send", to: 0 }, then: { do: "hold", forMs: 7 } },
    ]);
    const again = JSON.parse(JSON.stringify(c)) as typeof c;
    expect(replayCase(twoPhaseSpace, again).traceHash).toBe(runCase(twoPhaseSpace, c).traceHash);
  });

  it("rejects a misplaced or malformed one, naming the field", () => {
    expect(() => validateTrigger({ type: "trigger", at: 0, when: { on: "persist" }, then: { do: "crash-after-send" } }, "t")).toThrow(/invalid t\.then\.do: a persist trigger can crash, crash-before-send, crash-during-write, isolate, pause; got "crash-after-send"/);
    expect(() => validateTrigger({ type: "trigger", at: 0, when: { on: "send" }, then: { do: "crash-after-send", restartAfterSteps: 0 } }, "t")).toThrow(/invalid t\.then\.restartAfterSteps: expected a whole number in \[1, 1000000000\], got 0/);
    expect(() => runCase(twoPhaseSpace, quiet([{ type: "trigger", at: 0, when: { on: "state", path: "role", equals: "leader" }, then: { do: "crash-after-send" } } as unknown as Trigger]))).toThrow(/case\.triggers\[0\]\.then\.do: a state trigger can crash, isolate, pause/);
  });
});
