/** Re-exports `@faultline/two-phase-commit` as `faultline/two-phase-commit`. @packageDocumentation */
// Every name listed (no `export *`): packages/faultline/test/entries.test.ts fails when the package adds one this misses.
export {
  CommitRequiresUnanimity, Consistent, DecisionNeverChanges, OutcomeMatchesDecision,
  RepliesMatchOutcome, TWO_PHASE_CONFIG_SPACE, TWO_PHASE_DEFAULTS, TWO_PHASE_WHOLE_KNOBS,
  bucketDelete, bucketDraft, bucketGet, bucketSet, checkTermination, coordinatorDecision,
  coordinatorLog, coordinatorProtocol, coordinatorRules, coordinatorWithRules, draftTx,
  isBeginRequest, isTwoPhaseMessage, participantIds, participantLog, participantProtocol,
  participantRules, participantTxState, participantWithRules, repliesInvariant,
  resolveTwoPhaseConfig, retryTimer, runningTx, specSnapshot, statusTimer, transactionClient,
  transactionWorkload, twoPhaseCommitCluster, twoPhaseConfigAt, twoPhaseInvariants, validateMessage,
  validateRequest, validateTwoPhaseConfigSpace,
} from "@faultline/two-phase-commit";
export type {
  BeginRequest, Buckets, CoordinatorEffects, CoordinatorLog, CoordinatorLogEntry, CoordinatorPhase,
  CoordinatorProtocol, CoordinatorRecord, CoordinatorRules, CoordinatorScope, CoordinatorState,
  CoordinatorTimer, CoordinatorTx, Decision, Decisions, KnobRange, Outcome, ParticipantEffects,
  ParticipantLog, ParticipantLogEntry, ParticipantProtocol, ParticipantRecord, ParticipantRules,
  ParticipantScope, ParticipantState, ParticipantTimer, ParticipantTxState, RepliesGhost, Roles,
  SpecSnapshot, TransactionClientOptions, TransactionClientState, TransactionResult,
  TransactionWorkloadOptions, TwoPhaseCluster, TwoPhaseClusterOptions, TwoPhaseConfig,
  TwoPhaseConfigInput, TwoPhaseConfigPoint, TwoPhaseConfigSpace, TwoPhaseMessage, TxId, Vote,
  Waiter,
} from "@faultline/two-phase-commit";
