/** The exhaustive explorer and its kernel adapter. */
export type { Model, ModelInvariant, ModelModule, StateCodec, WordWriter } from "./model.js";
export { explore, exploreModule, type ExploreOptions, type ExploreModuleOptions, type ExploreProgress, type ExploreResult, type ExploreViolation } from "./explore.js";
export { simulationModel, simulationModelFrom, type SimulationBounds, type ExploredWorld } from "./simulation-model.js";
