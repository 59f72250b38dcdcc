/**
 * Faultline: deterministic simulation testing of distributed protocols. The root export is the
 * kernel; `faultline/check`, `faultline/two-phase-commit`, `faultline/raft` and `faultline/tcp`
 * hold the rest.
 * @packageDocumentation
 */
// Every name listed (no `export *`): packages/faultline/test/entries.test.ts fails when the package adds one this misses.
export {
  CRASHED_AFTER_WRITE, ConfigError, DEFAULT_NETWORK, DEFAULT_RUN, Effects, EventAgenda, EventQueue,
  FAULTLINE_VERSION, FAULT_KINDS, PLAN_RANGES, ProtocolError, Simulation, calmDown,
  checkPlanOptions, createRng, describeValue, generatePlan, interpretEffects, isFiniteNumber,
  isNonEmptyString, isNonNegativeInteger, isNonNegativeNumber, isObject, isPositiveInteger,
  isPositiveNumber, isProbability, replay, requireBoolean, requireInteger, requireNonNegativeNumber,
  requireObject, requirePositiveInteger, requirePositiveNumber, requireProbability, requireRate,
  runInit, runStep, simulate, timerKey, toJsonLines, transition, unchanged,
} from "@faultline/kernel";
export type {
  AnyProtocol, ClientAction, ClientActor, ClientId, ClientReaction, ClientReply, ClientSpec,
  ClockConfig, Ctx, DropReason, DurableWrite, Effect, EffectWorld, FaultAction, FaultKind,
  FaultPlan, GhostState, HistoryEntry, InFlightMessage, Input, Invariant, LinkConfig, LinkOverride,
  MessageTypeRates, NetworkConfig, NodeId, NodeSpec, NodeView, PendingEvent, PlanOptions, Protocol,
  RequestId, Rng, RunConfig, RunConfigInput, SimulationOptions, SimulationResult, Step, StepInfo,
  StorageConfig, SystemUnderTest, TakeMode, Timer, TimerField, TraceEvent, TraceKind, TraceOptions,
  TriggerAction, TriggerCondition, TriggerResponse, TriggerValue, TriggeredFaultOptions, Violation,
  ViolationReport, Workload, WorkloadOp, WorldView,
} from "@faultline/kernel";
