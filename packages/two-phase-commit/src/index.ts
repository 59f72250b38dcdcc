/**
 * @faultline/two-phase-commit — two-phase commit as pure reducers: a coordinator running many
 * concurrent transactions, participants with a configurable commit probability, the TLA+ spec's
 * invariants, a termination check and a planted-bug coordinator for checker tests.
 * @packageDocumentation
 */
export * from "./types.js";
export { resolveTwoPhaseConfig, TWO_PHASE_DEFAULTS, type TwoPhaseConfig, type TwoPhaseConfigInput } from "./config.js";
export { validateMessage, validateRequest, isTwoPhaseMessage, isBeginRequest } from "./validate.js";
export { coordinatorProtocol, forgetfulCoordinatorProtocol, coordinatorDecision, type CoordinatorProtocol, type CoordinatorTimer, type CoordinatorState, type CoordinatorTx, type CoordinatorPhase } from "./coordinator.js";
export { participantProtocol, participantTxState, type ParticipantProtocol, type ParticipantTimer, type ParticipantState } from "./participant.js";
export { coordinatorLog, participantLog, type CoordinatorLog, type CoordinatorLogEntry, type ParticipantLog, type ParticipantLogEntry } from "./ledger.js";
export {
  Consistent,
  OutcomeMatchesDecision,
  CommitRequiresUnanimity,
  DecisionNeverChanges,
  twoPhaseInvariants,
  checkTermination,
  specSnapshot,
  type SpecSnapshot,
  type Decisions,
} from "./invariants.js";
export { twoPhaseCommitCluster, participantIds, type TwoPhaseCluster, type TwoPhaseClusterOptions } from "./cluster.js";
export { transactionClient, transactionWorkload, type TransactionClientOptions, type TransactionClientState, type TransactionWorkloadOptions } from "./client.js";
