// @ts-check
/**
 * StrykerJS on the protocol reducers (issue 13 item 8): `pnpm stryker` mutates the 2PC
 * coordinator/participant step files against the 2PC tests; `STRYKER_TARGET=raft pnpm stryker`
 * mutates Raft's role step files against the Raft tests (STRYKER_FILES narrows either, below).
 * STRYKER_CONCURRENCY sets the test runners (default 1). Not part of `pnpm test`.
 * Figures and triage: bench/mutants/STRYKER.md.
 *
 * Everything it writes (sandbox, reports, incremental file) goes under .mutants/stryker/, which
 * git, eslint and tsc already ignore. The machine is small and shared: one test runner, per-test
 * coverage (a mutant runs only the tests that reach it) and incremental mode (an unchanged
 * mutant keeps its last result).
 */
import { fileURLToPath } from "node:url";

// pnpm keeps the runner out of core's reach, so core's "@stryker-mutator/*" plugin glob finds
// nothing: name the runner by the path it resolves to from here.
const VITEST_RUNNER = fileURLToPath(import.meta.resolve("@stryker-mutator/vitest-runner"));

const TARGETS = {
  "2pc": {
    mutate: ["coordinator.ts", "coordinator-rules.ts", "participant.ts", "participant-rules.ts"].map((f) => `packages/two-phase-commit/src/${f}`),
    tests: "packages/two-phase-commit/test",
  },
  raft: {
    mutate: ["leader.ts", "follower.ts", "candidate.ts", "quorum.ts"].map((f) => `packages/raft/src/${f}`),
    tests: "packages/raft/test",
  },
};

const target = process.env.STRYKER_TARGET ?? "2pc";
const chosen = TARGETS[/** @type {keyof typeof TARGETS} */ (target)];
if (chosen === undefined) throw new Error(`STRYKER_TARGET=${JSON.stringify(target)} is not a target (targets: ${Object.keys(TARGETS).join(", ")})`);
// STRYKER_FILES=quorum.ts,candidate.ts narrows a target to some of its files (each narrowing keeps
// its own incremental file and reports), so a long target can be run piece by piece.
const files = process.env.STRYKER_FILES?.split(",").filter((f) => f !== "");
const mutate = files === undefined ? chosen.mutate : chosen.mutate.filter((m) => files.includes(m.slice(m.lastIndexOf("/") + 1)));
if (files !== undefined && mutate.length !== files.length) throw new Error(`STRYKER_FILES=${process.env.STRYKER_FILES} names a file outside target ${target} (its files: ${chosen.mutate.join(", ")})`);
const out = `.mutants/stryker/${target}${files === undefined ? "" : `-${files.map((f) => f.replace(/\.ts$/, "")).join("+")}`}`;

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  plugins: [VITEST_RUNNER],
  testRunner: "vitest",
  vitest: { configFile: "stryker.vitest.config.ts", related: false },
  testFiles: [`${chosen.tests}/**/*.test.ts`],
  mutate,
  coverageAnalysis: "perTest",
  // Mutants reached only while a module loads (the frozen rule tables, a default protocol name
  // bound at describe time) are never activated by this runner with vitest 4.1: they came out
  // "survived" although tests fail on them (bench/mutants/STRYKER.md). Skip them.
  ignoreStatic: true,
  incremental: true,
  incrementalFile: `${out}/incremental.json`,
  concurrency: Number(process.env.STRYKER_CONCURRENCY ?? 1),
  // The machine is shared: a mutant's tests may run several times slower than in the dry run.
  timeoutFactor: 3,
  timeoutMS: 20_000,
  dryRunTimeoutMinutes: 20,
  // One sandbox dir per run: Stryker empties its temp dir at the end, so two runs must not share one.
  tempDirName: `${out}/tmp`,
  ignorePatterns: ["dist", ".mutants", "spec/**/states", "tools", "docs"],
  reporters: ["clear-text", "progress-append-only", "json", "html"],
  jsonReporter: { fileName: `${out}/mutation.json` },
  htmlReporter: { fileName: `${out}/mutation.html` },
  clearTextReporter: { allowEmojis: false, logTests: false, maxTestsToLog: 0, reportScoreTable: true, reportMutants: true },
};
