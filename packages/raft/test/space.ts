/**
 * Raft's search space for the tests and the mutation bench: the shipped one (the CLI's `raft`
 * system, packages/cli/src/sim/systems/raft.ts — its one home), with a planted bug plugged in
 * through `raftSearchSpace(variant)` (see ./mutants).
 */
import type { SystemSpace } from "@faultline/check";
import type { AnyProtocol } from "@faultline/kernel";
import type { RaftConfigInput } from "@faultline/raft";
import { raftSearchSpace as shippedRaftSpace, type RaftSearchConfig } from "../../cli/src/sim/systems/raft.js";

export { RAFT_DEFAULT_CONFIG, raftAbstraction, raftConfigOf, raftSometimes, type RaftSearchConfig } from "../../cli/src/sim/systems/raft.js";

/** Planted bugs plug in here: a different node protocol, and Raft config overrides (for main's `bugs` flag). */
export interface RaftVariant {
  readonly protocol?: (real: AnyProtocol, config: RaftSearchConfig) => AnyProtocol;
  readonly config?: RaftConfigInput;
}

/** Raft's search space, running `variant` (a planted bug) when given. */
export function raftSearchSpace(variant: RaftVariant = {}, name = "raftSpace"): SystemSpace<RaftSearchConfig> {
  return shippedRaftSpace({
    name,
    ...(variant.protocol ? { protocol: variant.protocol } : {}),
    ...(variant.config ? { raftConfig: variant.config } : {}),
  });
}

/** The real Raft's space. */
export const raftSpace = raftSearchSpace();
