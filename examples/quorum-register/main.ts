/**
 * Sweeps the quorum register, then one of its planted bugs, and prints what each sweep found:
 *
 *   node --import tsx examples/quorum-register/main.ts [mutant]   # default mutant: no-writer-tie-break
 *
 * Mutants: read-without-write-back, minority-quorum, no-writer-tie-break (see mutants.ts).
 */
import { formatCoverage, formatSweepFailure, sweep, type SystemSpace } from "faultline/check";
import { loadPatched } from "../../bench/mutants/patch.js";
import { REGISTER_MUTANTS } from "./mutants.js";
import { quorumRegisterSpace, type RegisterConfig } from "./src/system.js";

const correct = sweep(quorumRegisterSpace, { mode: "guided", runs: 500 });
console.log(formatCoverage(quorumRegisterSpace, correct.coverage));
console.log(correct.ok ? "the correct register passes 500 guided runs\n" : formatSweepFailure(correct.failure as NonNullable<typeof correct.failure>));
if (!correct.ok) process.exitCode = 1;

const name = process.argv[2] ?? "no-writer-tie-break";
const mutant = REGISTER_MUTANTS.find((m) => m.name === name);
if (mutant === undefined) throw new Error(`unknown mutant ${JSON.stringify(name)} (known: ${REGISTER_MUTANTS.map((m) => m.name).join(", ")})`);
const { default: buggy } = await loadPatched<{ default: SystemSpace<RegisterConfig> }>(mutant.name, "examples/quorum-register", mutant.patches, "system.ts");
const mode = mutant.name === "read-without-write-back" ? "triggers" : "guided";
const found = sweep(buggy, { mode, runs: 2_000 });
console.log(`planted bug ${mutant.name}: ${mutant.why}`);
console.log(found.failure ? formatSweepFailure(found.failure) : `not found in ${found.runs} ${mode} runs`);
