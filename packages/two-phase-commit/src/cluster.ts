/** A ready-to-run two-phase commit cluster: nodes and invariants for `new Simulation({...})`. */
import { ConfigError, isPositiveInteger, type Invariant, type NodeSpec, type NodeId } from "@faultline/kernel";
import { resolveTwoPhaseConfig, type TwoPhaseConfig, type TwoPhaseConfigInput } from "./config.js";
import { coordinatorProtocol } from "./coordinator.js";
import { twoPhaseInvariants } from "./invariants.js";
import { participantProtocol } from "./participant.js";

/** Options of {@link twoPhaseCommitCluster}. */
export interface TwoPhaseClusterOptions extends Omit<TwoPhaseConfigInput, "participants"> {
  /** A participant count N (ids "p1".."pN") or the ids themselves (default 3). */
  readonly participants?: number | readonly NodeId[];
}

/** What {@link twoPhaseCommitCluster} returns. */
export interface TwoPhaseCluster {
  /** The coordinator first, then the participants. */
  readonly nodes: NodeSpec[];
  /** The spec's safety properties (see {@link twoPhaseInvariants}). */
  readonly invariants: Invariant[];
  /** The resolved configuration, for {@link checkTermination} and clients. */
  readonly config: TwoPhaseConfig;
}

/** Participant ids "p1".."pN". */
export function participantIds(n: number): NodeId[] {
  if (!isPositiveInteger(n)) throw new ConfigError("participants", `expected a whole number ≥ 1 of participants, got ${n}`);
  return Array.from({ length: n }, (_, i) => `p${i + 1}`);
}

/** Builds a coordinator (id default "coordinator") and participants (default "p1".."p3") with the invariants. */
export function twoPhaseCommitCluster(options: TwoPhaseClusterOptions = {}): TwoPhaseCluster {
  if (typeof options !== "object" || options === null) throw new ConfigError("options", "expected an options object");
  const { participants, ...rest } = options;
  const ids = typeof participants === "number" ? participantIds(participants) : participants;
  const config = resolveTwoPhaseConfig({ ...rest, ...(ids ? { participants: ids } : {}) });
  const coordinator = coordinatorProtocol(config);
  const participant = participantProtocol(config);
  return {
    nodes: [{ id: config.coordinator, protocol: coordinator }, ...config.participants.map((id) => ({ id, protocol: participant }))],
    invariants: twoPhaseInvariants(config),
    config,
  };
}
