/** The configuration space a search draws from, and up-front validation of every options object. */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ConfigError } from "@faultline/kernel";
import { TWO_PHASE_CONFIG_SPACE, transactionClient, transactionWorkload, twoPhaseCommitCluster, twoPhaseConfigAt, validateTwoPhaseConfigSpace } from "@faultline/two-phase-commit";
import { twoPhaseConfigArbitrary } from "./config-arbitrary.js";

function fieldOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as Error).message).toContain((e as ConfigError).field);
    return (e as ConfigError).field;
  }
  return undefined;
}

describe("the configuration space", () => {
  it("is 2-10 participants and the retry and timeout knobs, as plain ranges", () => {
    expect(TWO_PHASE_CONFIG_SPACE).toEqual({ participants: [2, 10], voteTimeoutMs: [20, 1_000], resendIntervalMs: [5, 200], statusIntervalMs: [5, 400], commitProbability: [0, 1] });
    expect(validateTwoPhaseConfigSpace()).toEqual(TWO_PHASE_CONFIG_SPACE);
    expect(validateTwoPhaseConfigSpace({ participants: [3, 3] }).participants).toEqual([3, 3]);
  });

  it("yields only valid clusters, covering the whole participant range", () => {
    const sizes = new Set<number>();
    for (const options of fc.sample(twoPhaseConfigArbitrary(), { numRuns: 300, seed: 5 })) {
      const cluster = twoPhaseCommitCluster(options);
      sizes.add(cluster.config.participants.length);
      expect(cluster.config.resendIntervalMs).toBeGreaterThanOrEqual(5);
    }
    expect([...sizes].sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it.each([
    [{ replicas: [1, 3] }, "configSpace.replicas"],
    [{ participants: [5, 2] }, "configSpace.participants"],
    [{ participants: [0, 4] }, "configSpace.participants"],
    [{ participants: [2.5, 4] }, "configSpace.participants"],
    [{ voteTimeoutMs: [10] }, "configSpace.voteTimeoutMs"],
    [{ resendIntervalMs: [0, 10] }, "configSpace.resendIntervalMs"],
    [{ commitProbability: [0.5, 1.5] }, "configSpace.commitProbability"],
    [{ statusIntervalMs: "fast" }, "configSpace.statusIntervalMs"],
  ])("rejects the space %j naming %s", (space, field) => {
    expect(fieldOf(() => validateTwoPhaseConfigSpace(space as never))).toBe(field);
  });

  it("rejects a point outside its space, naming the knob", () => {
    const point = { participants: 3, voteTimeoutMs: 100, resendIntervalMs: 20, statusIntervalMs: 50, commitProbability: 1 };
    expect(twoPhaseConfigAt(point)).toEqual(point);
    expect(fieldOf(() => twoPhaseConfigAt({ ...point, participants: 11 }))).toBe("config.participants");
    expect(fieldOf(() => twoPhaseConfigAt({ ...point, resendIntervalMs: 7.5 }))).toBe("config.resendIntervalMs");
    expect(fieldOf(() => twoPhaseConfigAt({ ...point, commitProbability: Number.NaN }))).toBe("config.commitProbability");
  });
});

describe("options are validated up front, naming the field", () => {
  it.each([
    [() => twoPhaseCommitCluster({ participants: 0 }), "participants"],
    [() => twoPhaseCommitCluster({ forgetful: true } as never), "forgetful"],
    [() => twoPhaseCommitCluster({ voteTimeout: 5 } as never), "voteTimeout"],
    [() => transactionClient({ count: -1 }), "count"],
    [() => transactionClient({ timeoutMs: 0 }), "timeoutMs"],
    [() => transactionClient({ thinkMs: Number.POSITIVE_INFINITY }), "thinkMs"],
    [() => transactionClient({ prefix: "" }), "prefix"],
    [() => transactionClient({ retries: 3 } as never), "retries"],
    [() => transactionWorkload({ count: 1.5 }), "count"],
    [() => transactionWorkload({ spacingMs: -1 }), "spacingMs"],
    [() => transactionWorkload({ startMs: Number.NaN }), "startMs"],
    [() => transactionWorkload({ coordinator: "" }), "coordinator"],
  ])("%#: names %s", (make, field) => {
    expect(fieldOf(make)).toBe(field);
  });
});
