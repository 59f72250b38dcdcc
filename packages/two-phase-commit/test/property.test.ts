/**
 * Random seeds, fault plans and configurations (swarm style: each run draws its cluster size and
 * knobs from the package's configuration space): no invariant ever breaks (the spec's and the
 * client-visible RepliesMatchOutcome), and every transaction finishes once the faults stop. `FAULTLINE_SEEDS=10000 npx vitest run packages/two-phase-commit/test/property.test.ts`
 * runs a larger sweep (default 1,000).
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { twoPhaseConfigArbitrary } from "./config-arbitrary.js";
import { describeRun, runTwoPhase } from "./harness.js";
import { mutantByName } from "./mutants/index.js";

const RUNS = Number(process.env.FAULTLINE_SEEDS ?? 1_000);

describe("two-phase commit over random seeds and fault plans", () => {
  it(`keeps every invariant and always finishes (${RUNS} runs)`, () => {
    let committed = 0;
    let aborted = 0;
    fc.assert(
      // Half the runs lose unsynced writes on a crash: what a step persists without sending stays volatile.
      fc.property(fc.integer(), twoPhaseConfigArbitrary(), fc.integer({ min: 1, max: 8 }), fc.boolean(), (seed, config, txs, loseUnsyncedOnCrash) => {
        const run = runTwoPhase({ seed, ...config, txs, storage: { loseUnsyncedOnCrash } });
        if (run.result.violation !== undefined || run.unfinished !== undefined) throw new Error(describeRun(run));
        for (const d of run.told.values()) {
          if (d === "commit") committed++;
          else aborted++;
        }
      }),
      { numRuns: RUNS, seed: 20261124 },
    );
    // The sweep exercised both outcomes.
    expect(committed).toBeGreaterThan(RUNS / 5);
    expect(aborted).toBeGreaterThan(RUNS / 5);
  }, 60_000 + RUNS * 60);

  it("catches the forgetful coordinator in the same sweep, and shrinks to a smaller failing case", () => {
    const details = fc.check(
      fc.property(fc.integer(), fc.integer({ min: 2, max: 6 }), fc.integer({ min: 1, max: 8 }), (seed, participants, txs) => {
        const run = runTwoPhase({ seed, participants, txs, mutant: mutantByName("coordinator-forgets-decisions") });
        return run.result.violation === undefined;
      }),
      { numRuns: RUNS, seed: 20261124 },
    );
    expect(details.failed).toBe(true);
    const [, participants, txs] = details.counterexample ?? [];
    expect(participants).toBe(2); // shrunk to the smallest cluster that still fails
    expect(txs).toBeGreaterThanOrEqual(1);
  });
});
