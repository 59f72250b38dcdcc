/**
 * The pub/sub mutants found and shrunk by a sweep of `pubsubSearchSpace` — not by a scenario
 * written for them: the sweep stops at the history checker's first complaint, cuts the case down,
 * and its replay token reproduces the same trace hash and failure. The shipped broker passes the
 * same cases. One mutant runs in the default suite; all of them with
 * FAULTLINE_PUBSUB_MUTANTS=1 npx vitest run packages/pubsub/test/mutants-sweep.test.ts
 * (the mutation bench's figures: packages/pubsub/README.md, "Pub/sub as a search system").
 */
import { describe, expect, it } from "vitest";
import { replayCase, runCase, sweep, type SearchMode } from "@faultline/check";
import { pubsubSearchSpace } from "@faultline/pubsub";
import { pubsubMutant } from "./mutants/index.js";

/** Where a sweep finds each mutant: mode, search seed, runs to the first failure (from the bench). */
const FOUND: readonly { name: string; mode: SearchMode; seed: number; runs: number; kind: RegExp }[] = [
  { name: "dedup-retry-reappended", mode: "triggers", seed: 1, runs: 40, kind: /duplicate/ },
  { name: "publish-ack-before-durable", mode: "triggers", seed: 1, runs: 200, kind: /lost|not covered|divergent/ },
  { name: "history-from-uncommitted-log", mode: "triggers", seed: 1, runs: 400, kind: /divergent|lost|skipped|gap|offset-regression/ },
  { name: "dedup-not-in-snapshot", mode: "guided", seed: 1, runs: 600, kind: /duplicate/ },
  { name: "offsets-not-in-snapshot", mode: "triggers", seed: 2, runs: 300, kind: /offset-regression|gap|polls answered/ },
  { name: "commit-ack-before-durable", mode: "guided", seed: 2, runs: 600, kind: /offset-regression|gap|polls answered/ },
];

const all = process.env.FAULTLINE_PUBSUB_MUTANTS === "1";

describe("pub/sub mutants found and shrunk by a sweep", () => {
  for (const f of all ? FOUND : FOUND.slice(0, 1)) {
    it(`${f.name}: ${f.mode} sweep, search seed ${f.seed}`, () => {
      const space = pubsubSearchSpace({ name: `pubsub-${f.name}`, hooks: pubsubMutant(f.name).hooks });
      const r = sweep(space, { mode: f.mode, seed: f.seed, runs: f.runs, maxShrinkRuns: 150 });
      expect(r.ok, `${f.name} not found in ${r.runs} runs`).toBe(false);
      const failure = r.failure as NonNullable<typeof r.failure>;
      expect(failure.property).toBe("check");
      expect(failure.message).toMatch(f.kind);
      expect(failure.size).toBeLessThanOrEqual(5);
      // The replay line's claim: the same case gives the same hash and failure.
      expect(replayCase(space, failure.token)).toEqual({ traceHash: failure.traceHash, failure: `${failure.property}: ${failure.message}` });
      // And the shipped broker passes that very case.
      expect(runCase(pubsubSearchSpace({ name: `pubsub-${f.name}` }), failure.case).failure).toBeUndefined();
    }, 600_000);
  }
});
