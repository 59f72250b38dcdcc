/**
 * The main demo: two-phase commit under faults, with a coordinator crash.
 *
 *   node --import tsx examples/two-phase-commit/main.ts [seed]
 */
import { runDemo } from "./demo.js";

const report = runDemo(process.argv[2] ?? "demo");
for (const line of report.lines) console.log(line);
if (!report.ok) process.exitCode = 1;
