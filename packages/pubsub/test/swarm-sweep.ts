/**
 * The large swarm sweep of pub/sub, outside vitest, shardable by search seed:
 *
 *   nice -n 10 node --import tsx packages/pubsub/test/swarm-sweep.ts <runs> <search-seed> [mode]
 *
 * runs `runs` cases of `pubsubSearchSpace()` (mode "triggers" by default: swarm configurations —
 * 1–7 brokers, knobs, workload shape — with timed crashes, partitions, one-way blocks, pauses,
 * clock skew and drift, lossy networks, and event-triggered faults), the history checker after
 * every run, and prints runs, wall time, acknowledged publishes checked, coverage, and the shrunk
 * failure with its replay line if any. Two shards with seeds 1 and 2 make a 10^4 sweep.
 */
import { formatCoverage, formatSweepFailure, sweep, type SearchMode } from "@faultline/check";
import { pubsubSearchSpace } from "@faultline/pubsub";

const runs = Number(process.argv[2] ?? 1_000);
const seed = Number(process.argv[3] ?? 1);
const mode = (process.argv[4] ?? "triggers") as SearchMode;
let acked = 0;
let found = 0;
const space = pubsubSearchSpace({
  onCheck: (c) => {
    acked += c.acked;
    found += c.found;
  },
});
const t0 = performance.now();
const r = sweep(space, {
  mode,
  runs,
  seed,
  onRun: (n) => {
    if (n % 250 === 0) console.log(`${n} runs, ${acked} acknowledged publishes checked, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  },
});
console.log(formatCoverage(space, r.coverage));
console.log(`done: ${r.runs} run(s), mode ${mode}, search seed ${seed}, ${r.ok ? "no violation" : "VIOLATION"}; ${acked} acknowledged publishes checked (${found} found in the final reads); wall ${((performance.now() - t0) / 1000).toFixed(0)} s`);
if (r.failure) console.log(formatSweepFailure(r.failure));
process.exitCode = r.ok ? 0 : 1;
