/**
 * "This protocol has a bug": find it, shrink it, print the line that replays it.
 *
 *   node --import tsx examples/find-a-bug/main.ts
 */
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatFailure } from "faultline/check";
import { buggyDispensers, fixedDispensers } from "./dispenser.js";
import { hunt } from "./hunt.js";

const traceFile = join(tmpdir(), "find-a-bug.trace.jsonl");
const found = hunt(buggyDispensers, "buggyDispensers", 200, traceFile);
if (found.ok) {
  console.log("no failure found (unexpected: the batched dispenser has a bug)");
  process.exitCode = 1;
} else {
  console.log(formatFailure(found.failure));
  console.log(`(the failing run's full trace, as JSON lines: ${traceFile})`);
}
const fixed = hunt(fixedDispensers, "fixedDispensers", 200);
console.log(fixed.ok ? `\nthe fixed dispenser passes ${fixed.runs} runs` : `\nthe fixed dispenser FAILS: ${fixed.failure.message}`);
if (!fixed.ok) process.exitCode = 1;
