/**
 * A fast-check arbitrary over the package's configuration space (test code: the package itself
 * does not depend on fast-check). Integers shrink toward each range's minimum, so a failing case
 * shrinks to fewer participants and smaller knobs.
 */
import fc from "fast-check";
import { TWO_PHASE_CONFIG_SPACE, twoPhaseConfigAt, validateTwoPhaseConfigSpace, type TwoPhaseClusterOptions, type TwoPhaseConfigSpace } from "@faultline/two-phase-commit";

/** Cluster options drawn from `space` (validated first; knobs left out take the default ranges). */
export function twoPhaseConfigArbitrary(space: Partial<TwoPhaseConfigSpace> = TWO_PHASE_CONFIG_SPACE): fc.Arbitrary<TwoPhaseClusterOptions> {
  const s = validateTwoPhaseConfigSpace(space);
  const whole = ([min, max]: readonly [number, number]) => fc.integer({ min, max });
  return fc
    .record({
      participants: whole(s.participants),
      voteTimeoutMs: whole(s.voteTimeoutMs),
      resendIntervalMs: whole(s.resendIntervalMs),
      statusIntervalMs: whole(s.statusIntervalMs),
      commitProbability: fc.double({ min: s.commitProbability[0], max: s.commitProbability[1], noNaN: true }),
    })
    .map((point) => twoPhaseConfigAt(point, s));
}
