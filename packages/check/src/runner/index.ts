/** The property runner, replay tokens, replay and the failure printer. */
export { checkProperty, formatFailure, type PropertyOptions, type PropertyResult, type PropertyFailure, type PropertyCase } from "./property.js";
export { encodeReplayToken, decodeReplayToken, violationText, ReplayedViolation } from "./token.js";
export { replayFailure, replayPasses, AFTER_CHECK, type ReplayOptions } from "./replay.js";
export { formatFailureText, summarizeNodes, selectEvents, isNoise, eventLine, type FailureText, type FormatOptions, type NodeSummary } from "./format.js";
