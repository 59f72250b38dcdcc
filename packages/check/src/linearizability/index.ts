/** Linearizability checking of client histories. */
export { checkLinearizable, describeOperationAt } from "./check.js";
export { hashString, hashValue } from "./hash.js";
export { linearizableHistory, operationsFromHistory, type HistoryOptions, type LinearizableHistoryCheck, type LinearizableHistoryOptions, type ToOperation } from "./history.js";
export { renderHistoryHtml, writeHistoryHtml } from "./html.js";
export { kvModel, registerModel, type KvInput, type KvOutput, type RegisterInput, type RegisterOptions, type RegisterOutput } from "./models.js";
export {
  isPending,
  LinearizabilityInputError,
  UNKNOWN,
  type CheckBudget,
  type CompletedOperation,
  type LinearizabilityResult,
  type Operation,
  type PartitionResult,
  type PendingOperation,
  type SequentialModel,
  type StepResult,
  type Unknown,
  type Verdict,
} from "./types.js";
