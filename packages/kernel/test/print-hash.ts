// Prints the trace hash of the determinism fixture for the seed in argv[2]; the test runs it in a child process.
import { gossipRun } from "./fixtures.js";

console.log(gossipRun(Number(process.argv[2])).traceHash);
