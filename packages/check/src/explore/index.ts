/** The exhaustive explorer and its kernel adapter. */
export type { Model, ModelInvariant } from "./model.js";
export { explore, type ExploreOptions, type ExploreResult, type ExploreViolation } from "./explore.js";
export { simulationModel, simulationModelFrom, type SimulationBounds, type ExploredWorld } from "./simulation-model.js";
