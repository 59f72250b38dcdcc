/**
 * @faultline/kernel — the protocol contract, the effect interpreter and the seeded simulator.
 * Every public name is listed here; modules not exported are internal.
 * @packageDocumentation
 */
// The protocol contract.
export { timerKey, transition, unchanged, Effects } from "./protocol.js";
export type { AnyProtocol, ClientId, Ctx, Effect, Input, NodeId, Protocol, RequestId, Step, Timer, TimerField } from "./protocol.js";
// One effect interpreter, shared by the simulator and the TCP runtime.
export { CRASHED_AFTER_WRITE, interpretEffects, runInit, runStep } from "./interpreter.js";
export type { DurableWrite, EffectWorld } from "./interpreter.js";
export { ConfigError, ProtocolError } from "./errors.js";
// Value checks for configurations and wire data.
export {
  describeValue,
  isFiniteNumber,
  isNonEmptyString,
  isNonNegativeInteger,
  isNonNegativeNumber,
  isObject,
  isPositiveInteger,
  isPositiveNumber,
  isProbability,
  requireBoolean,
  requireInteger,
  requireNonNegativeNumber,
  requireObject,
  requirePositiveInteger,
  requirePositiveNumber,
  requireProbability,
  requireRate,
} from "./validate.js";
// The data half of a run.
export { DEFAULT_NETWORK, DEFAULT_RUN } from "./config.js";
export type { ClockConfig, FaultAction, FaultPlan, LinkConfig, LinkOverride, MessageTypeRates, NetworkConfig, RunConfig, RunConfigInput, StorageConfig, Workload, WorkloadOp } from "./config.js";
export type { TriggerAction, TriggerCondition, TriggerResponse, TriggerValue } from "./triggers.js";
export { FAULT_KINDS, PLAN_RANGES, calmDown, checkPlanOptions, generatePlan } from "./plan.js";
export type { FaultKind, PlanOptions, TriggeredFaultOptions } from "./plan.js";
export { createRng } from "./rng.js";
export type { Rng } from "./rng.js";
// The simulator, what checks see of it, and how runs end and replay.
export { Simulation } from "./simulation.js";
export type { NodeSpec, SimulationOptions } from "./simulation.js";
export type { GhostState, HistoryEntry, InFlightMessage, Invariant, NodeView, StepInfo, WorldView } from "./view.js";
export { replay, simulate } from "./reports.js";
export type { SimulationResult, SystemUnderTest, TraceOptions, Violation, ViolationReport } from "./reports.js";
export type { PendingEvent, TakeMode } from "./cursor.js";
export { toJsonLines } from "./trace.js";
export type { DropReason, TraceEvent, TraceKind } from "./trace.js";
export type { ClientAction, ClientActor, ClientReaction, ClientReply, ClientSpec } from "./client.js";
/** @internal The binary heap the simulator queues events in (the benchmarks compare against it). */
export { EventAgenda } from "./agenda.js";
export { EventQueue } from "./heap.js";
export { FAULTLINE_VERSION } from "./version.js";
