/**
 * The guided mode: a coarse corpus signal (so "new coverage" stays rare on a protocol with
 * thousands of abstract states), energy for cases that reached rare features, a burst for the
 * case that first reached a sometimes-assertion, and half its runs the triggers mode's own cases.
 */
import { describe, expect, it } from "vitest";
import { createRng } from "@faultline/kernel";
import { PLAIN_SWARM, sweep, type Case, type RunCoverage } from "@faultline/check";
import { coarseFeatures, Corpus } from "../src/search/corpus.js";
import { twoPhaseSearchSpace, TWO_PHASE_DEFAULT_CONFIG } from "../../two-phase-commit/test/space.js";
import { mutantByName } from "../../two-phase-commit/test/mutants/index.js";

const coverage = (states: string[], sometimes: string[] = [], fired: Record<string, number> = {}): RunCoverage => ({
  states: new Set(states.map((s) => JSON.stringify(s))),
  transitions: new Set(),
  sometimes: new Set(sometimes),
  fired,
});
const caseWithSeed = (seed: number): Case => ({ config: TWO_PHASE_DEFAULT_CONFIG, seed, swarm: PLAIN_SWARM, faults: [], triggers: [] });

describe("the guided corpus", () => {
  it("reduces coverage to coarse features: per-node parts of states, fired kinds in AFL buckets, sometimes with what fired", () => {
    const f = coarseFeatures(coverage(["leader/t0 follower/t1", "follower/t0 leader/t0"], ["two leaders"], { "persist→crash": 5, clock: 1 }));
    expect(f).toEqual(
      expect.arrayContaining(["part:leader/t0", "part:follower/t1", "part:follower/t0", "fired:persist→crash:4", "fired:clock:1", "sometimes:two leaders", "sometimes+fired:two leaders|persist→crash"]),
    );
    // Two runs whose whole states differ but whose per-node parts agree have the same features.
    const a = coarseFeatures(coverage(["a b", "c c"]));
    const b = coarseFeatures(coverage(["b a", "c a"]));
    expect(new Set(a)).toEqual(new Set(b));
  });

  it("keeps a case only when it reached a feature no earlier run reached", () => {
    const corpus = new Corpus();
    expect(corpus.add(caseWithSeed(1), coverage(["a b"]), false)).toBe(true);
    expect(corpus.add(caseWithSeed(2), coverage(["b a", "a"]), false)).toBe(false);
    expect(corpus.add(caseWithSeed(3), coverage(["a c"]), false)).toBe(true);
    expect(corpus.size).toBe(2);
  });

  it("mutates the case that first reached a sometimes-assertion in a burst, then draws parents by the rarity of their features", () => {
    const corpus = new Corpus();
    for (let i = 0; i < 20; i++) corpus.add(caseWithSeed(100 + i), coverage([`common x${i}`]), false);
    // Later runs (not kept) reach every x part again and again: those parts become common.
    for (let k = 0; k < 10; k++) corpus.add(caseWithSeed(0), coverage(Array.from({ length: 20 }, (_, i) => `common x${i}`)), false);
    corpus.add(caseWithSeed(7), coverage(["rare"], ["s"]), true);
    const rng = createRng("1", "test");
    const picks = Array.from({ length: 24 }, () => corpus.pick(rng).seed);
    expect(new Set(picks)).toEqual(new Set([7]));
    // After the burst: the rare case (features hit once) against 20 sharing the "common" part.
    const after = Array.from({ length: 2_000 }, () => corpus.pick(rng).seed);
    const rare = after.filter((s) => s === 7).length;
    const each = (after.length - rare) / 20;
    expect(rare).toBeGreaterThan(5 * each);
  });
});

describe("the guided sweep", () => {
  const forgetful = twoPhaseSearchSpace({ mutant: mutantByName("coordinator-forgets-decisions") }, "forgetful");
  it("runs the triggers mode's own cases every other run, so it never needs more than twice the runs triggers needs", () => {
    for (const seed of [1, 2]) {
      const t = sweep(forgetful, { mode: "triggers", runs: 300, seed, shrink: false });
      const g = sweep(forgetful, { mode: "guided", runs: 600, seed, shrink: false });
      expect(t.ok).toBe(false);
      expect(g.ok).toBe(false);
      expect(g.failure!.runsUntilFailure).toBeLessThanOrEqual(2 * t.failure!.runsUntilFailure - 1);
    }
  }, 300_000);

  it("keeps a corpus of far fewer cases than runs (the old signal, any new abstract state or transition, kept most runs)", () => {
    const r = sweep(twoPhaseSearchSpace(), { mode: "guided", runs: 150, seed: 4 });
    expect(r.ok).toBe(true);
    expect(r.coverage.corpus).toBeGreaterThan(0);
    expect(r.coverage.corpus).toBeLessThan(r.runs / 2);
  }, 300_000);
});
