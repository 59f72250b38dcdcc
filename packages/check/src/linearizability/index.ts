/** Linearizability checking of client histories. */
export { checkLinearizable, type Operation, type SequentialModel, type LinearizabilityResult } from "./check.js";
export { registerModel, kvModel, operationsFromHistory, type RegisterInput, type KvInput, type KvOutput } from "./models.js";
