/**
 * The configuration space a search draws clusters from (swarm testing: each run its own cluster
 * size and knobs). Plain data — closed ranges per knob — so any generator can use it: the
 * package needs no property-testing library at run time.
 */
import { ConfigError, describeValue, isObject } from "@faultline/kernel";
import type { TwoPhaseClusterOptions } from "./cluster.js";

/** A closed range `[min, max]` of one knob. */
export type KnobRange = readonly [min: number, max: number];

/**
 * The knobs of a two-phase commit cluster a search may vary. Every knob but `commitProbability`
 * takes whole numbers.
 */
export interface TwoPhaseConfigSpace {
  /** How many participants (ids "p1".."pN"). */
  readonly participants: KnobRange;
  /** {@link TwoPhaseConfigInput.voteTimeoutMs}, whole ms. */
  readonly voteTimeoutMs: KnobRange;
  /** {@link TwoPhaseConfigInput.resendIntervalMs}, whole ms. */
  readonly resendIntervalMs: KnobRange;
  /** {@link TwoPhaseConfigInput.statusIntervalMs}, whole ms. */
  readonly statusIntervalMs: KnobRange;
  /** Every participant's probability of voting YES (a real number). */
  readonly commitProbability: KnobRange;
}

/** One point of a {@link TwoPhaseConfigSpace}: a value per knob. */
export type TwoPhaseConfigPoint = { readonly [K in keyof TwoPhaseConfigSpace]: number };

/** The knobs that take whole numbers. */
export const TWO_PHASE_WHOLE_KNOBS: readonly (keyof TwoPhaseConfigSpace)[] = ["participants", "voteTimeoutMs", "resendIntervalMs", "statusIntervalMs"];

/** What each knob can be at all: the bounds a space must stay within. */
const DOMAIN: { readonly [K in keyof TwoPhaseConfigSpace]: { readonly min: number; readonly max: number; readonly what: string } } = {
  participants: { min: 1, max: 100, what: "a participant count" },
  voteTimeoutMs: { min: 1, max: 600_000, what: "ms" },
  resendIntervalMs: { min: 1, max: 600_000, what: "ms" },
  statusIntervalMs: { min: 1, max: 600_000, what: "ms" },
  commitProbability: { min: 0, max: 1, what: "a probability" },
};

/**
 * The default space: 2–10 participants, vote timeouts from a few round trips to a second,
 * retries from every few ms to every 200 ms, any vote mix. Every point is a valid configuration
 * and finishes its transactions within a few seconds of quiet.
 */
export const TWO_PHASE_CONFIG_SPACE: TwoPhaseConfigSpace = Object.freeze({
  participants: [2, 10],
  voteTimeoutMs: [20, 1_000],
  resendIntervalMs: [5, 200],
  statusIntervalMs: [5, 400],
  commitProbability: [0, 1],
} as const);

const KNOBS = Object.keys(DOMAIN) as (keyof TwoPhaseConfigSpace)[];

/**
 * Checks a space (knobs left out take {@link TWO_PHASE_CONFIG_SPACE}'s range) and returns it
 * complete. Throws the kernel's `ConfigError` naming the knob: unknown, not a `[min, max]` pair,
 * `min > max`, outside what the knob can be, or not whole where it must be.
 */
export function validateTwoPhaseConfigSpace(space: Partial<TwoPhaseConfigSpace> = {}): TwoPhaseConfigSpace {
  if (!isObject(space)) throw new ConfigError("configSpace", `expected an object of [min, max] ranges, got ${describeValue(space)}`);
  for (const key of Object.keys(space)) {
    if (!KNOBS.includes(key as keyof TwoPhaseConfigSpace)) throw new ConfigError(`configSpace.${key}`, `unknown knob (knobs: ${KNOBS.join(", ")})`);
  }
  const out: Record<string, KnobRange> = {};
  for (const knob of KNOBS) {
    const range = space[knob] ?? TWO_PHASE_CONFIG_SPACE[knob];
    const field = `configSpace.${knob}`;
    const { min, max, what } = DOMAIN[knob];
    if (!Array.isArray(range) || range.length !== 2 || !range.every((v) => typeof v === "number" && Number.isFinite(v))) {
      throw new ConfigError(field, `expected a [min, max] pair of finite numbers, got ${describeValue(range)}`);
    }
    const [lo, hi] = range as KnobRange;
    if (lo > hi) throw new ConfigError(field, `min ${lo} exceeds max ${hi}`);
    if (lo < min || hi > max) throw new ConfigError(field, `expected ${what} within [${min}, ${max}], got [${lo}, ${hi}]`);
    if (TWO_PHASE_WHOLE_KNOBS.includes(knob) && (!Number.isInteger(lo) || !Number.isInteger(hi))) throw new ConfigError(field, `expected whole numbers, got [${lo}, ${hi}]`);
    out[knob] = [lo, hi];
  }
  return out as unknown as TwoPhaseConfigSpace;
}

/**
 * The cluster options of one point of `space` (for `twoPhaseCommitCluster`). Throws a
 * `ConfigError` naming the knob when a value is missing, outside its range, or not whole where it
 * must be, so a generator that strays is caught at the first bad case.
 */
export function twoPhaseConfigAt(point: TwoPhaseConfigPoint, space: TwoPhaseConfigSpace = TWO_PHASE_CONFIG_SPACE): TwoPhaseClusterOptions {
  for (const knob of KNOBS) {
    const v = point[knob];
    const [lo, hi] = space[knob];
    const field = `config.${knob}`;
    if (typeof v !== "number" || !Number.isFinite(v) || v < lo || v > hi) throw new ConfigError(field, `expected a value within [${lo}, ${hi}], got ${describeValue(v)}`);
    if (TWO_PHASE_WHOLE_KNOBS.includes(knob) && !Number.isInteger(v)) throw new ConfigError(field, `expected a whole number, got ${v}`);
  }
  return {
    participants: point.participants,
    voteTimeoutMs: point.voteTimeoutMs,
    resendIntervalMs: point.resendIntervalMs,
    statusIntervalMs: point.statusIntervalMs,
    commitProbability: point.commitProbability,
  };
}
