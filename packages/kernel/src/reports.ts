/**
 * How a run ends and how it is replayed: results, violation reports (plain JSON that carries the
 * data half of the run) and `replay`, which rebuilds a run from a report and the same code.
 */
import type { ClientSpec } from "./client.js";
import type { RunConfig } from "./config.js";
import { ConfigError } from "./errors.js";
import type { NodeId } from "./protocol.js";
import { Simulation, type NodeSpec, type SimulationOptions } from "./simulation.js";
import type { TraceEvent } from "./trace.js";
import type { TriggerAction } from "./triggers.js";
import type { HistoryEntry, Invariant, WorldView } from "./view.js";

/** The first broken invariant of a run. */
export interface Violation {
  readonly invariant: string;
  readonly message: string;
  /** Virtual time of the step that broke it. */
  readonly time: number;
  /** How many events had been processed, that step included. */
  readonly event: number;
}

/** Everything needed to replay a failed run, plus what it showed. Plain JSON. */
export interface ViolationReport {
  readonly faultline: string;
  readonly nodes: readonly { readonly id: NodeId; readonly protocol: string }[];
  readonly config: RunConfig;
  readonly violation: Violation;
  readonly traceHash: string;
  readonly lastEvents: readonly TraceEvent[];
}

/** Trace options. */
export interface TraceOptions {
  /** Fold every event into the trace hash (default true). */
  readonly hash?: boolean;
  /** How many recent events to keep for reports (default 64). */
  readonly keepLast?: number;
  /** Keep every event, for `result.trace` (default false). */
  readonly full?: boolean;
}

/** How a run ended. */
export interface SimulationResult {
  readonly ok: boolean;
  readonly violation?: Violation;
  /** Present when `ok` is false: paste-able, replayable JSON. */
  readonly report?: ViolationReport;
  /** The hash of every event of the run (empty string when hashing was off). */
  readonly traceHash: string;
  /** Events processed. */
  readonly events: number;
  /** Virtual time when the run stopped. */
  readonly time: number;
  readonly history: readonly HistoryEntry[];
  readonly lastEvents: readonly TraceEvent[];
  /** Every event, when `trace.full` was set. */
  readonly trace?: readonly TraceEvent[];
  /** The plan's triggers that fired, in firing order (triggers that never fired are absent). */
  readonly firedTriggers: readonly TriggerAction[];
  /** The final world. */
  readonly view: WorldView;
}

/** Runs one simulation to the end. Shorthand for `new Simulation(options).run()`. */
export function simulate(options: SimulationOptions): SimulationResult {
  return new Simulation(options).run();
}

/** The code half of a run, which a report cannot carry: the nodes' protocols and the invariants. */
export interface SystemUnderTest {
  readonly nodes: readonly NodeSpec[];
  readonly clients?: readonly ClientSpec[];
  readonly invariants?: readonly Invariant[];
}

/**
 * Re-runs a reported run with the same code. Throws {@link ConfigError} when the nodes do not
 * match the report (ids or protocol names). The result has the same trace hash and violation
 * as the report, unless the protocols' code changed since.
 */
export function replay(report: ViolationReport, system: SystemUnderTest, trace?: TraceOptions): SimulationResult {
  const want = report.nodes.map((n) => `${n.id}:${n.protocol}`).join(", ");
  const have = system.nodes.map((n) => `${n.id}:${n.protocol.name}`).join(", ");
  if (want !== have) throw new ConfigError("nodes", `the report ran [${want}] but replay was given [${have}]`);
  return simulate({ ...report.config, ...system, ...(trace ? { trace } : {}) });
}
