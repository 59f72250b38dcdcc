/**
 * Three pub/sub brokers on Raft with partitions, a crash and clock skew: the checker's verdict,
 * reordering figures and the clock-offset estimate table.
 *
 *   node --import tsx examples/pubsub/main.ts [seed]
 */
import { offsetTable, runPubSubDemo } from "./demo.js";

const report = runPubSubDemo(process.argv[2] ?? "demo");
for (const line of report.lines) console.log(line);
for (const line of offsetTable().lines) console.log(line);
if (!report.ok) process.exitCode = 1;
