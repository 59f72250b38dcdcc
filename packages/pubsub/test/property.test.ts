/**
 * Random seeds and fault plans (crashes, partitions, one-way blocks, pauses, clock jumps and
 * drift, lossy and duplicating networks) against 3 brokers with producers and consumer groups:
 * Raft's invariants hold and the history checker finds nothing.
 * `FAULTLINE_SEEDS=10000 npx vitest run packages/pubsub/test/property.test.ts` runs the large sweep.
 */
import { describe, expect, it } from "vitest";
import { runSeed } from "./sweep.js";

const RUNS = Number(process.env.FAULTLINE_SEEDS ?? 100);

describe("pub/sub over random seeds and fault plans", () => {
  it(`loses, duplicates and reorders nothing; offsets stay monotonic and gap-free (${RUNS} seeds)`, () => {
    let acked = 0;
    let found = 0;
    for (let seed = 0; seed < RUNS; seed++) {
      const run = runSeed(seed);
      if (!run.ok) expect.fail(`seed ${seed}: ${run.why}\nplan ${JSON.stringify(run.plan)}`);
      acked += run.check.acked;
      found += run.check.found;
      expect(run.check.unverified).toBe(0);
    }
    expect(acked).toBeGreaterThan(RUNS * 16);
    expect(found).toBe(acked);
  }, 60_000 + RUNS * 200);
});
