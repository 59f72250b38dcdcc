/**
 * @faultline/two-phase-commit — two-phase commit as pure reducers: a coordinator running many
 * concurrent transactions, participants with a configurable commit probability, the TLA+ spec's
 * invariants, a client-visible check and a termination check. Planted bugs live in test code only
 * (test/mutants), built on the `@internal` rule tables exported at the end.
 * @packageDocumentation
 */
export type { TxId, Vote, Decision, Outcome, TwoPhaseMessage, BeginRequest, TransactionResult, CoordinatorRecord, ParticipantRecord, ParticipantTxState, Waiter, Roles } from "./types.js";
export { resolveTwoPhaseConfig, TWO_PHASE_DEFAULTS, type TwoPhaseConfig, type TwoPhaseConfigInput } from "./config.js";
export {
  TWO_PHASE_CONFIG_SPACE,
  TWO_PHASE_WHOLE_KNOBS,
  validateTwoPhaseConfigSpace,
  twoPhaseConfigAt,
  type TwoPhaseConfigSpace,
  type TwoPhaseConfigPoint,
  type KnobRange,
} from "./config-space.js";
export { validateMessage, validateRequest, isTwoPhaseMessage, isBeginRequest } from "./validate.js";
export { coordinatorProtocol, type CoordinatorProtocol, type CoordinatorTimer, type CoordinatorState, type CoordinatorTx, type CoordinatorPhase } from "./coordinator.js";
export { coordinatorDecision } from "./coordinator-rules.js";
export { participantProtocol, type ParticipantProtocol, type ParticipantTimer, type ParticipantState } from "./participant.js";
export { participantTxState } from "./participant-rules.js";
export { coordinatorLog, participantLog, type CoordinatorLog, type CoordinatorLogEntry, type ParticipantLog, type ParticipantLogEntry } from "./ledger.js";
export {
  Consistent,
  OutcomeMatchesDecision,
  CommitRequiresUnanimity,
  DecisionNeverChanges,
  twoPhaseInvariants,
  checkTermination,
  type Decisions,
} from "./invariants.js";
export { specSnapshot, type SpecSnapshot } from "./snapshot.js";
export { RepliesMatchOutcome, repliesInvariant, type RepliesGhost } from "./replies.js";
export { twoPhaseCommitCluster, participantIds, type TwoPhaseCluster, type TwoPhaseClusterOptions } from "./cluster.js";
export { transactionClient, transactionWorkload, type TransactionClientOptions, type TransactionClientState, type TransactionWorkloadOptions } from "./client.js";
// Internal: the rule tables and the hooks that run other rules, for planted-bug tests and the mutation bench.
export { coordinatorWithRules } from "./coordinator.js";
export { coordinatorRules, retryTimer, type CoordinatorRules, type CoordinatorScope, type CoordinatorEffects } from "./coordinator-rules.js";
export { participantWithRules } from "./participant.js";
export { participantRules, statusTimer, type ParticipantRules, type ParticipantScope, type ParticipantEffects } from "./participant-rules.js";
export { bucketGet, bucketSet, type Buckets } from "./buckets.js";
