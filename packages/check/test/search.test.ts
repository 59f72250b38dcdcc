/**
 * The search: a planted bug (2PC's forgetful coordinator) found by a sweep, shrunk by cutting
 * the failing case itself, replayed with the same trace hash in a fresh process; triggers fire
 * on protocol events; bad spaces, cases and triggers are named.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { caseSize, defineSystem, formatCoverage, formatSweepFailure, PLAIN_SWARM, replayCase, runCase, sweep, validateTrigger, type Case, type Trigger } from "@faultline/check";
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
    expect(f.size).toBe(1); // one coordinator crash, the rest cut away
    expect(f.plan.map((a) => a.type)).toEqual(["crash", "restart"]);
    expect(f.case.config.participants).toBe(2); // the smallest cluster that still fails
    expect(formatSweepFailure(f)).toContain(f.replayLine);
    expect(replayCase(forgetful, f.token)).toEqual({ traceHash: f.traceHash, failure: `${f.property}: ${f.message}` });
    const script = fileURLToPath(new URL("./fixtures/replay-case.ts", import.meta.url));
    const out = JSON.parse(execFileSync(process.execPath, ["--import", "tsx", script, f.token], { encoding: "utf8" })) as { traceHash: string };
    expect(out.traceHash).toBe(f.traceHash);
  });

  it("is deterministic: the same seed gives the same corpus, coverage and failure", () => {
    const a = sweep(forgetful, { mode: "guided", runs: 40, seed: 5 });
    const b = sweep(forgetful, { mode: "guided", runs: 40, seed: 5 });
    expect(b.coverage).toEqual(a.coverage);
    expect(b.failure?.traceHash).toBe(a.failure?.traceHash);
  });

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

describe("triggers", () => {
  it("crash-before-sends crashes the coordinator right after it logs, and its PREPAREs never leave", () => {
    const c = quiet({ ...TWO_PHASE_DEFAULT_CONFIG, clients: 1, txs: 1 }, [{ type: "crash-before-sends", node: 0, nth: 1, downMs: 500 }]);
    const run = runCase(twoPhaseSpace, c, { trace: { full: true } });
    expect(run.coverage.fired["crash-before-sends"]).toBe(1);
    const trace = run.result.trace ?? [];
    const crash = trace.findIndex((e) => e.kind === "fault" && JSON.stringify(e).includes('"crash"'));
    expect(crash).toBeGreaterThan(0);
    expect(run.result.view.node("coordinator").records.length).toBeGreaterThan(0); // the begun record survived
    // No PREPARE was delivered before the restart.
    const restart = trace.findIndex((e) => e.kind === "fault" && JSON.stringify(e).includes('"restart"'));
    expect(trace.slice(crash, restart).some((e) => e.kind === "deliver" && JSON.stringify(e).includes('"prepare"'))).toBe(false);
    expect(run.failure).toBeUndefined(); // the real coordinator recovers
  });

  it("drop-next removes exactly the nth matching message; duplicate-next sends it twice", () => {
    const base = runCase(twoPhaseSpace, quiet({ ...TWO_PHASE_DEFAULT_CONFIG, clients: 1, txs: 1 }), { trace: { full: true } });
    const dup = runCase(twoPhaseSpace, quiet({ ...TWO_PHASE_DEFAULT_CONFIG, clients: 1, txs: 1 }, [{ type: "duplicate-next", from: 1, to: 0, msg: "vote", nth: 1 }]), { trace: { full: true } });
    const votes = (r: typeof base) => (r.result.trace ?? []).filter((e) => e.kind === "deliver" && JSON.stringify(e).includes('"vote"')).length;
    expect(votes(dup)).toBe(votes(base) + 1);
    expect(dup.traceHash).not.toBe(base.traceHash);
  });

  it("rejects an invalid trigger, naming the field", () => {
    expect(() => validateTrigger({ type: "explode", nth: 1 } as unknown as Trigger, "t")).toThrow(/invalid t\.type: unknown trigger type "explode"/);
    expect(() => validateTrigger({ type: "drop-next", from: 0, to: 1, msg: "", nth: 1 })).toThrow(/trigger\.msg/);
    expect(() => runCase(twoPhaseSpace, quiet(TWO_PHASE_DEFAULT_CONFIG, [{ type: "crash-leader", nth: 0, forMs: 5 }]))).toThrow(/case\.triggers\[0\]\.nth/);
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
  });

  it("counts a case's size as its timed faults that are on plus its triggers", () => {
    const c: Case = { ...quiet(TWO_PHASE_DEFAULT_CONFIG), faults: [{ kind: "crash", at: 1, forMs: 5, node: 0 }, { kind: "pause", at: 1, forMs: 5, node: 0 }], swarm: { ...PLAIN_SWARM, kinds: { ...PLAIN_SWARM.kinds, pause: false } }, triggers: [{ type: "crash-leader", nth: 1, forMs: 3 }] };
    expect(caseSize(c)).toBe(2);
  });
});
