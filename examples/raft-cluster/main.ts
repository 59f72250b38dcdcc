/**
 * A 5-node Raft cluster under partitions and crashes.
 *
 *   node --import tsx examples/raft-cluster/main.ts [seed]
 */
import { runRaftDemo } from "./demo.js";

const report = runRaftDemo(process.argv[2] ?? "demo");
for (const line of report.lines) console.log(line);
if (!report.ok) process.exitCode = 1;
