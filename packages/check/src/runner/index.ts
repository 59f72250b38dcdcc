/** The property runner and replay tokens. */
export { checkProperty, formatFailure, type PropertyOptions, type PropertyResult, type PropertyFailure, type PropertyCase } from "./property.js";
export { replayFailure, encodeReplayToken, decodeReplayToken, violationText, ReplayedViolation } from "./token.js";
