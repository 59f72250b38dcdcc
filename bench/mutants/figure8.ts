/**
 * The figure-8 hunt: a sweep of the Raft commit-rule mutant (an earlier term's entry committed by
 * counting replicas; the leader's no-op kept) in one mode over the full Raft space, the real Raft
 * as baseline, printing the coverage and the shrunk failure. Nothing here is special to the
 * mutant: it is `pnpm mutants -- --only raft-commit-previous-term-by-count` with a larger budget.
 * `node --import tsx bench/mutants/figure8.ts <mode> <runs> <seed>`
 */
import { sweep, formatSweepFailure, formatCoverage, type SearchMode } from "faultline/check";
import { baselineSpace, mutantNamed, mutantSpace } from "./registry.js";
const [mode, runs, seed] = [process.argv[2] ?? "guided", Number(process.argv[3] ?? 10000), Number(process.argv[4] ?? 1)];
const m = mutantNamed("raft-commit-previous-term-by-count");
const space = await mutantSpace(m);
const t0 = performance.now();
const r = sweep(space, { mode: mode as SearchMode, runs, seed, maxShrinkRuns: 400, baseline: baselineSpace(m), onRun: (i) => { if (i % 250 === 0) process.stderr.write(`${mode} run ${i} ${Math.round((performance.now() - t0) / 1000)}s\n`); } });
console.log(`mode ${mode} seed ${seed}: ${r.ok ? "not found" : "FOUND"} after ${r.failure?.runsUntilFailure ?? r.runs} runs, ${r.baselineFailures} baseline failures skipped, ${Math.round((performance.now() - t0) / 1000)} s`);
if (r.firstBaselineFailure) console.log(`first case the real Raft fails too: ${r.firstBaselineFailure}`);
console.log(formatCoverage(space, r.coverage));
if (r.failure) console.log(formatSweepFailure(r.failure, 40));
