/** The search: system spaces, cases with swarm and triggered faults, sweeps with coverage, shrinking and replay. */
export { defineSystem, defaultAbstraction, sometimes, SearchError, DEFAULT_MAX_EVENTS, type BuiltSystem, type Sometimes, type SystemSpace, type SystemSpaceInput } from "./space.js";
export {
  caseArbitrary,
  planOf,
  caseSize,
  validateCase,
  FAULT_KINDS,
  PLAIN_SWARM,
  type Case,
  type CaseArbitraryOptions,
  type SearchMode,
  type Swarm,
  type TimedFault,
  type TimedKind,
} from "./case.js";
export { triggerArbitrary, triggerActions, triggerKind, validateTrigger, TRIGGER_TYPES, type Trigger, type TriggerState, type TriggerVocabulary, type TriggerWhen } from "./triggers.js";
export { runCase, type CaseFailure, type CaseRun, type RunCaseOptions, type RunCoverage } from "./driver.js";
export { mutateCase, type MutationLimits } from "./mutate.js";
export { encodeCase, decodeCase, replayCase, type ReplayOutcome } from "./replay.js";
export { sweep, formatCoverage, formatSweepFailure, type CoverageReport, type SweepFailure, type SweepOptions, type SweepResult } from "./sweep.js";
