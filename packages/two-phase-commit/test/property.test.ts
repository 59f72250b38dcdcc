/**
 * The 2PC sweep through the search runner: each run draws its configuration (2–10 participants,
 * timeouts and intervals, commit probability, clients), timed and event-triggered faults; every
 * invariant holds, every client was told the durable decision, and every transaction finishes
 * once faults stop. The forgetful coordinator is found in the same sweep and shrunk by cutting
 * the failing case itself. `FAULTLINE_SEEDS=10000 npx vitest run packages/two-phase-commit/test/property.test.ts`
 * runs a large sweep (default 150).
 */
import { describe, expect, it } from "vitest";
import { formatCoverage, formatSweepFailure, replayCase, sweep, type SearchMode } from "@faultline/check";
import { twoPhaseSearchSpace, twoPhaseSpace } from "./space.js";
import { mutantByName } from "./mutants/index.js";

const RUNS = Number(process.env.FAULTLINE_SEEDS ?? 150);
const MODE = (process.env.FAULTLINE_MODE ?? "guided") as SearchMode;

describe("two-phase commit over swarm configurations, timed and triggered faults", () => {
  it(`keeps every invariant, tells clients the durable decision and always finishes (${RUNS} runs, ${MODE})`, () => {
    const r = sweep(twoPhaseSpace, { mode: MODE, runs: RUNS, seed: 20261124 });
    console.log(formatCoverage(twoPhaseSpace, r.coverage));
    if (r.failure) expect.fail(formatSweepFailure(r.failure));
    expect(r.runs).toBe(RUNS);
    expect(r.coverage.sometimes.filter((s) => s.firstRun === undefined)).toEqual([]);
  }, 60_000 + RUNS * 200);

  it("catches the forgetful coordinator in the same sweep and shrinks that very case", () => {
    const forgetful = twoPhaseSearchSpace({ mutant: mutantByName("coordinator-forgets-decisions") }, "forgetful");
    const r = sweep(forgetful, { mode: "triggers", runs: 1_000, seed: 1 });
    expect(r.ok).toBe(false);
    const f = r.failure!;
    console.log(formatSweepFailure(f));
    expect(f.case.config.participants).toBe(2); // the smallest cluster that still fails
    expect(f.size).toBe(1); // one crash of the coordinator
    expect(replayCase(forgetful, f.token)).toEqual({ traceHash: f.traceHash, failure: `${f.property}: ${f.message}` });
  });
});
