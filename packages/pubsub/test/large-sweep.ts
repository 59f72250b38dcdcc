/**
 * The large sweep, outside vitest, shardable: `node --import tsx packages/pubsub/test/large-sweep.ts <from> <to>`
 * runs seeds [from, to) of the property test's runs and prints failures and totals.
 */
import { runSeed } from "./sweep.js";

const from = Number(process.argv[2] ?? 0);
const to = Number(process.argv[3] ?? 10_000);
let acked = 0;
let failures = 0;
let events = 0;
for (let seed = from; seed < to; seed++) {
  const run = runSeed(seed);
  events += run.result.events;
  if (!run.ok) {
    failures++;
    console.log(`seed ${seed} FAILED: ${run.why}\nplan ${JSON.stringify(run.plan)}`);
  } else acked += run.check.acked;
  if ((seed - from + 1) % 100 === 0) console.log(`${seed - from + 1} seeds, ${failures} failures, ${acked} acknowledged publishes checked, ${events} events`);
}
console.log(`done: seeds [${from}, ${to}): ${failures} failures, ${acked} acknowledged publishes checked, ${events} events`);
