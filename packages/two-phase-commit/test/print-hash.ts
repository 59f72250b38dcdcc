// Prints the trace hash of a faulty two-phase commit run for the seed in argv[2]; determinism.test.ts runs it in a child process.
import { runTwoPhase } from "./harness.js";

console.log(runTwoPhase({ seed: process.argv[2] ?? "0", participants: 4, commitProbability: 0.8, txs: 10 }).result.traceHash);
