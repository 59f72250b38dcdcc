/**
 * Random seeds and fault plans (crashes, partitions, one-way blocks, pauses, clock jumps, lossy
 * and duplicating networks) with key-value clients: no invariant breaks, and once the faults stop
 * a leader is elected and fresh proposals commit within a bounded time.
 * `FAULTLINE_SEEDS=10000 npx vitest run packages/raft/test/property.test.ts` runs the large sweep.
 */
import { describe, expect, it } from "vitest";
import type { KvResponse } from "@faultline/raft";
import { runSeed } from "./sweep.js";

const RUNS = Number(process.env.FAULTLINE_SEEDS ?? 200);
describe("Raft over random seeds and fault plans", () => {
  it(`keeps every invariant, re-elects and commits once faults stop (${RUNS} seeds)`, () => {
    let commits = 0;
    for (let seed = 0; seed < RUNS; seed++) {
      const run = runSeed(seed);
      if (!run.ok) expect.fail(`seed ${seed}: ${run.why} ${JSON.stringify(run.result.violation ?? "")}\nplan ${JSON.stringify(run.plan)}`);
      commits += run.result.history.filter((h) => (h.res as KvResponse | undefined)?.ok === true).length;
    }
    expect(commits).toBeGreaterThan(RUNS * 20);
  }, 60_000 + RUNS * 100);
});
