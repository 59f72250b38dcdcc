/** Re-exports `@faultline/check` as `faultline/check`. @packageDocumentation */
// Every name listed (no `export *`): packages/faultline/test/entries.test.ts fails when the package adds one this misses.
export {
  AFTER_CHECK, DEFAULT_MAX_EVENTS, FAULT_KINDS, LinearizabilityInputError, PLAIN_SWARM, ReplayedViolation, SearchError,
  TRIGGER_TYPES, UNKNOWN, caseArbitrary, caseSize, checkLinearizable, checkProperty, decodeCase,
  decodeReplayToken, defaultAbstraction, defineSystem, describeOperationAt, encodeCase,
  encodeReplayToken, eventLine, explore, exploreModule, formatCoverage, formatFailure,
  formatFailureText, formatSweepFailure, hashString, hashValue, isNoise, isPending, kvModel,
  linearizableHistory, mutateCase, operationsFromHistory, planArbitrary, planOf, registerModel,
  renderHistoryHtml, replayCase, replayFailure, replayPasses, runCase, seedArbitrary, selectEvents,
  simulationModel, simulationModelFrom, sometimes, summarizeNodes, sweep, triggerActions,
  triggerArbitrary, triggerKind, validateCase, validateTrigger, violationText, workloadArbitrary,
  writeHistoryHtml,
} from "@faultline/check";
export type {
  BuiltSystem, Case, CaseArbitraryOptions, CaseFailure, CaseRun, CheckOptions, CompletedOperation,
  CoverageReport, ExploreModuleOptions, ExploreOptions, ExploreProgress, ExploreResult,
  ExploreViolation, ExploredWorld, FailureText, FormatOptions, HistoryOptions, KvInput, KvOutput,
  KvState, LinearizabilityResult, LinearizableHistoryCheck, LinearizableHistoryOptions, Model,
  ModelInvariant, ModelModule, MutationLimits, NodeSummary, Operation, PartitionResult,
  PendingOperation, PlanArbitraryOptions, PropertyCase, PropertyFailure, PropertyOptions,
  PropertyResult, RegisterInput, RegisterOptions, RegisterOutput, ReplayOptions, ReplayOutcome,
  RunCaseOptions, RunCoverage, SearchMode, SequentialModel, SimulationBounds, Sometimes, StateCodec,
  StepResult, Swarm, SweepFailure, SweepOptions, SweepResult, SystemSpace, SystemSpaceInput,
  TimedFault, TimedKind, ToOperation, Trigger, TriggerState, TriggerVocabulary, TriggerWhen,
  Unknown, Verdict, WordWriter, WorkloadArbitraryOptions,
} from "@faultline/check";
