/**
 * The search: a planted bug (2PC's forgetful coordinator) found by a sweep, shrunk by cutting
 * the failing case itself, replayed with the same trace hash in a fresh process; triggers fire
 * on protocol events; bad spaces, cases and triggers are named.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { caseSize, defineSystem, formatCoverage, formatSweepFailure, PLAIN_SWARM, planOf, replayCase, runCase, sweep, validateTrigger, type Case, type Trigger } from "@faultline/check";
import { ConfigError } from "@faultline/kernel";
import { TWO_PHASE_DEFAULT_CONFIG, twoPhaseSearchSpace, twoPhaseSpace, type TwoPhaseSearchConfig } from "../../two-phase-commit/test/space.js";
import { mutantByName } from "../../two-phase-commit/test/mutants/index.js";

const forgetful = twoPhaseSearchSpace({ mutant: mutantByName("coordinator-forgets-decisions") }, "forgetful");
const quiet = (config: TwoPhaseSearchConfig, triggers: Trigger[] = []): Case<TwoPhaseSearchConfig> => ({ config, seed: 7, swarm: { ...PLAIN_SWARM, drop: 0, dup: 0, reorder: 0 }, faults: [], triggers });

describe("sweep", () => {
  it("finds the forgetful coordinator, shrinks that case, and the replay line reproduces its hash in a fresh process", () => {
    const r = sweep(forgetful, { mode: "triggers", runs: 1_000, seed: 1 });
    expect(r.ok).toBe(false);
    const f = r.failure!;
    expect(f.property).toMatch(/DecisionNeverChanges|OutcomeMatchesDecision/);
    expect(f.size).toBe(1); // one coordinator crash (timed or triggered), the rest cut away
    expect(f.plan.some((a) => a.type === "crash" || (a.type === "trigger" && a.then.do.startsWith("crash")))).toBe(true);
    expect(f.case.config.participants).toBe(2); // the smallest cluster that still fails
    expect(formatSweepFailure(f)).toContain(f.replayLine);
    expect(replayCase(forgetful, f.token)).toEqual({ traceHash: f.traceHash, failure: `${f.property}: ${f.message}` });
    const script = fileURLToPath(new URL("./fixtures/replay-case.ts", import.meta.url));
    const out = JSON.parse(execFileSync(process.execPath, ["--import", "tsx", script, f.token], { encoding: "utf8" })) as { traceHash: string };
    expect(out.traceHash).toBe(f.traceHash);
  }, 300_000);

  it("skips failures the baseline (the system without the bug) shares, and still finds the bug's own", () => {
    const shared = sweep(forgetful, { mode: "plain", runs: 10, seed: 1, baseline: forgetful, shrink: false });
    expect(shared.ok).toBe(true);
    expect(shared.baselineFailures).toBeGreaterThan(0);
    expect(shared.firstBaselineFailure).toMatch(/^fls1\./);
    const own = sweep(forgetful, { mode: "plain", runs: 10, seed: 1, baseline: twoPhaseSpace, shrink: false });
    expect(own.ok).toBe(false);
    expect(own.baselineFailures).toBe(0);
  }, 120_000);

  it("is deterministic: the same seed gives the same corpus, coverage and failure", () => {
    const a = sweep(forgetful, { mode: "guided", runs: 40, seed: 5 });
    const b = sweep(forgetful, { mode: "guided", runs: 40, seed: 5 });
    expect(b.coverage).toEqual(a.coverage);
    expect(b.failure?.traceHash).toBe(a.failure?.traceHash);
  }, 300_000);

  it("reports coverage: abstract states, faults fired, sometimes-assertions reached and never reached", () => {
    const r = sweep(twoPhaseSpace, { mode: "triggers", runs: 20, seed: 2 });
    expect(r.ok).toBe(true);
    expect(r.coverage.states).toBeGreaterThan(10);
    expect(Object.keys(r.coverage.fired).length).toBeGreaterThan(2);
    const text = formatCoverage(twoPhaseSpace, r.coverage);
    expect(text).toMatch(/abstract states \d+/);
    expect(text).toContain("sometimes NEVER reached");
    expect(r.coverage.sometimes.find((s) => s.name === "a transaction committed")?.firstRun).toBeDefined();
  });
});

describe("triggers (the kernel's trigger and clog actions)", () => {
  const one = { ...TWO_PHASE_DEFAULT_CONFIG, clients: 1, txs: 1 };
  const deliveries = (r: ReturnType<typeof runCase>, type: string) => (r.result.trace ?? []).filter((e) => e.kind === "deliver" && (e.msg as { type?: string } | undefined)?.type === type);

  it("become the kernel's own plan actions, nodes by index modulo the cluster, disarmed when the fault window ends", () => {
    const t: Trigger = { type: "trigger", at: 10, when: { on: "send", from: 4, msgType: "vote" }, then: { do: "hold", forMs: 300 } };
    const plan = planOf(quiet(one, [t, { type: "clog", at: 5, from: 0, to: 3, forMs: 50 }]), ["coordinator", "p1", "p2"], 3_000, 1);
    // The clog of a node to itself (3 mod 3 = 0) is left out; the trigger waits for p1 (4 mod 3).
    expect(plan.filter((a) => a.type === "trigger" || a.type === "clog")).toEqual([{ at: 10, type: "trigger", when: { on: "send", from: "p1", msgType: "vote" }, then: { do: "hold", forMs: 300 }, untilMs: 3_000 }]);
  });

  it("crash-before-send crashes the coordinator right after it logs: its PREPAREs never leave, the record survives", () => {
    const c = quiet(one, [{ type: "trigger", at: 0, when: { on: "persist", node: 0 }, then: { do: "crash-before-send", restartAfterSteps: 30 } }]);
    const run = runCase(twoPhaseSpace, c, { trace: { full: true } });
    expect(run.coverage.fired["persist→crash-before-send"]).toBe(1);
    const trace = run.result.trace ?? [];
    // A trigger shows in the trace when armed and again when it fires.
    const armed = trace.findIndex((e) => e.kind === "fault" && e.action?.type === "trigger");
    const fired = trace.findIndex((e, i) => i > armed && e.kind === "fault" && e.action?.type === "trigger");
    const restart = trace.findIndex((e, i) => i > fired && e.kind === "fault" && e.action?.type === "restart");
    expect(fired).toBeGreaterThan(0);
    expect(trace.slice(fired, restart < 0 ? undefined : restart).some((e) => e.kind === "deliver" && (e.msg as { type?: string }).type === "prepare")).toBe(false);
    expect(run.result.view.node("coordinator").records.length).toBeGreaterThan(0); // the begun record survived
    expect(run.failure).toBeUndefined(); // the real coordinator recovers
  });

  it("a send trigger duplicates exactly one matching message; a clog holds a link's messages until it releases", () => {
    const base = runCase(twoPhaseSpace, quiet(one), { trace: { full: true } });
    const dup = runCase(twoPhaseSpace, quiet(one, [{ type: "trigger", at: 0, when: { on: "send", from: 1, to: 0, msgType: "vote" }, then: { do: "duplicate" } }]), { trace: { full: true } });
    expect(deliveries(dup, "vote").length).toBe(deliveries(base, "vote").length + 1);
    expect(dup.coverage.fired["send→duplicate"]).toBe(1);
    expect(dup.traceHash).not.toBe(base.traceHash);
    const clogged = runCase(twoPhaseSpace, quiet(one, [{ type: "clog", at: 0, from: 0, to: 1, forMs: 700 }]), { trace: { full: true } });
    const firstPrepare = (r: typeof base) => deliveries(r, "prepare").find((e) => e.node === "p1")?.t ?? -1;
    expect(firstPrepare(base)).toBeLessThan(700);
    expect(firstPrepare(clogged)).toBeGreaterThanOrEqual(700);
  });

  it("replays with the same trace hash (the case is plain JSON)", () => {
    const c = quiet(one, [{ type: "trigger", at: 3, when: { on: "state", path: "role", equals: "leader" }, then: { do: "isolate", forMs: 40 } }, { type: "clog", at: 1, from: 1, to: 0, forMs: 90 }]);
    const again = JSON.parse(JSON.stringify(c)) as typeof c;
    expect(replayCase(twoPhaseSpace, again).traceHash).toBe(runCase(twoPhaseSpace, c).traceHash);
  });

  it("rejects an invalid trigger, naming the field", () => {
    expect(() => validateTrigger({ type: "explode", at: 0 } as unknown as Trigger, "t")).toThrow(/invalid t\.type: unknown trigger type "explode"/);
    expect(() => validateTrigger({ type: "trigger", at: 0, when: { on: "send", msgType: "" }, then: { do: "drop" } })).toThrow(/invalid trigger\.when\.msgType/);
    expect(() => validateTrigger({ type: "trigger", at: 0, when: { on: "send" }, then: { do: "crash" } } as unknown as Trigger)).toThrow(/trigger\.then\.do: a send trigger can drop, duplicate, hold, crash-after-send; got "crash"/);
    expect(() => validateTrigger({ type: "trigger", at: 0, when: { on: "tick" }, then: { do: "crash" } } as unknown as Trigger)).toThrow(/trigger\.when\.on/);
    expect(() => validateTrigger({ type: "trigger", at: 0, when: { on: "send" }, then: { do: "hold" } } as unknown as Trigger)).toThrow(/trigger\.then\.forMs/);
    expect(() => validateTrigger({ type: "clog", at: 0, from: 0, to: 1, forMs: 0 })).toThrow(/trigger\.forMs/);
    expect(() => runCase(twoPhaseSpace, quiet(TWO_PHASE_DEFAULT_CONFIG, [{ type: "trigger", at: -1, when: { on: "persist" }, then: { do: "crash" } }]))).toThrow(/case\.triggers\[0\]\.at/);
  });
});

describe("defineSystem", () => {
  it("names the field when the configuration space yields an invalid configuration", () => {
    const bad = defineSystem({
      name: "toy",
      config: fc.record({ timeout: fc.integer({ min: -5, max: 5 }) }),
      defaultConfig: { timeout: 1 },
      build: (c) => {
        if (c.timeout <= 0) throw new ConfigError("timeout", `expected a positive number of ms, got ${c.timeout}`);
        return twoPhaseSpace.build(TWO_PHASE_DEFAULT_CONFIG);
      },
    });
    expect(() => runCase(bad, { ...quiet(TWO_PHASE_DEFAULT_CONFIG), config: { timeout: -1 } })).toThrow(/toy configuration timeout.*\{"timeout":-1\}/);
    expect(() => defineSystem({ name: "", config: fc.constant(1), defaultConfig: 1, build: () => ({ nodes: [] }) })).toThrow(/invalid name/);
    expect(() => defineSystem({ name: "x", config: fc.constant(1), defaultConfig: 1, build: () => ({ nodes: [] }) })).toThrow(/x\.build: returned no nodes/);
    const ok = { config: fc.constant(1), defaultConfig: 1, build: () => twoPhaseSpace.build(TWO_PHASE_DEFAULT_CONFIG) };
    expect(() => defineSystem({ name: "y", ...ok, states: [{ path: "", equals: "leader" }] })).toThrow(/invalid y\.states\[0\]\.path/);
    expect(() => defineSystem({ name: "y", ...ok, states: [{ path: "role", equals: {} as unknown as string }] })).toThrow(/invalid y\.states\[0\]\.equals/);
    expect(() => defineSystem({ name: "y", ...ok, recordTypes: ["entry", ""] })).toThrow(/invalid y\.recordTypes\[1\]/);
  });

  it("counts a case's size as its timed faults that are on plus its triggers", () => {
    const c: Case = { ...quiet(TWO_PHASE_DEFAULT_CONFIG), faults: [{ kind: "crash", at: 1, forMs: 5, node: 0 }, { kind: "pause", at: 1, forMs: 5, node: 0 }], swarm: { ...PLAIN_SWARM, kinds: { ...PLAIN_SWARM.kinds, pause: false } }, triggers: [{ type: "clog", at: 1, from: 0, to: 1, forMs: 3 }] };
    expect(caseSize(c)).toBe(2);
  });
});
