/** The search: system spaces, cases with swarm and triggered faults, sweeps with coverage, shrinking and replay. */
export { defineSystem, defaultAbstraction, sometimes, SearchError, type BuiltSystem, type Sometimes, type SystemSpace, type SystemSpaceInput } from "./space.js";
export {
  caseArbitrary,
  triggerArbitrary,
  planOf,
  caseSize,
  validateCase,
  validateTrigger,
  FAULT_KINDS,
  TRIGGER_TYPES,
  PLAIN_SWARM,
  type Case,
  type CaseArbitraryOptions,
  type SearchMode,
  type Swarm,
  type TimedFault,
  type TimedKind,
  type Trigger,
} from "./case.js";
export { runCase, type CaseFailure, type CaseRun, type RunCaseOptions, type RunCoverage } from "./driver.js";
export { mutateCase, type MutationLimits } from "./mutate.js";
export { encodeCase, decodeCase, replayCase, type ReplayOutcome } from "./replay.js";
export { sweep, formatCoverage, formatSweepFailure, type CoverageReport, type SweepFailure, type SweepOptions, type SweepResult } from "./sweep.js";
