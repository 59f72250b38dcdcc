/**
 * @faultline/kernel — the protocol contract and the seeded simulator.
 * @packageDocumentation
 */
export * from "./protocol.js";
export * from "./config.js";
export { ConfigError, ProtocolError } from "./errors.js";
export { interpretEffects, runInit, runStep, CRASHED_AFTER_WRITE, type DurableWrite, type EffectWorld } from "./interpreter.js";
export { EventQueue, type Queued } from "./heap.js";
export { createRng, rngFrom, type Rng } from "./rng.js";
export { generatePlan, calmDown, type PlanOptions, type FaultKind } from "./plan.js";
export { TraceHasher, RecentEvents, toJsonLines, type TraceEvent, type TraceKind, type DropReason } from "./trace.js";
export * from "./simulation.js";
export type { ClientAction, ClientActor, ClientReaction, ClientReply, ClientSpec } from "./client.js";
export { FAULTLINE_VERSION } from "./version.js";
