/**
 * @faultline/check — finding bugs in protocols: fast-check arbitraries, a property runner with
 * shrinking and replay tokens, an exhaustive explorer over the kernel's step function, and a
 * linearizability checker.
 * @packageDocumentation
 */
export * from "./arbitraries/index.js";
export * from "./runner/index.js";
export * from "./explore/index.js";
export {
  checkLinearizable,
  describeOperationAt,
  hashString,
  hashValue,
  isPending,
  kvModel,
  LinearizabilityInputError,
  linearizableHistory,
  operationsFromHistory,
  registerModel,
  renderHistoryHtml,
  UNKNOWN,
  writeHistoryHtml,
  type CheckBudget,
  type CompletedOperation,
  type HistoryOptions,
  type KvInput,
  type KvOutput,
  type LinearizabilityResult,
  type LinearizableHistoryCheck,
  type LinearizableHistoryOptions,
  type Operation,
  type PartitionResult,
  type PendingOperation,
  type RegisterInput,
  type RegisterOptions,
  type RegisterOutput,
  type SequentialModel,
  type StepResult,
  type ToOperation,
  type Unknown,
  type Verdict,
} from "./linearizability/index.js";
