/**
 * Two-phase commit's search space for the tests and the mutation bench: the shipped one (the
 * CLI's `2pc` system, packages/cli/src/sim/systems/two-phase.ts — its one home), with a planted
 * bug plugged in through `twoPhaseSearchSpace(variant)` (see ./mutants).
 */
import type { SystemSpace } from "@faultline/check";
import type { NodeId } from "@faultline/kernel";
import { twoPhaseSearchSpace as shippedTwoPhaseSpace, type TwoPhaseSearchConfig } from "../../cli/src/sim/systems/two-phase.js";
import { mutantCluster, type TwoPhaseMutant } from "./mutants/index.js";

export { TWO_PHASE_DEFAULT_CONFIG, twoPhaseAbstraction, twoPhaseSometimes, type TwoPhaseSearchConfig } from "../../cli/src/sim/systems/two-phase.js";

/** A planted bug (one of ./mutants) runs instead of the shipped reducers. */
export interface TwoPhaseVariant {
  readonly mutant?: TwoPhaseMutant;
}

/** 2PC's search space, running `variant` (a planted bug) when given. */
export function twoPhaseSearchSpace(variant: TwoPhaseVariant = {}, name = "twoPhaseSpace"): SystemSpace<TwoPhaseSearchConfig> {
  const mutant = variant.mutant;
  return shippedTwoPhaseSpace({ name, ...(mutant ? { cluster: (options) => mutantCluster(mutant, options) } : {}) });
}

/** The real 2PC's space. */
export const twoPhaseSpace = twoPhaseSearchSpace();

/** Node ids of a configuration (coordinator first). */
export function twoPhaseIds(c: TwoPhaseSearchConfig): NodeId[] {
  return ["coordinator", ...Array.from({ length: c.participants }, (_, i) => `p${i + 1}`)];
}
