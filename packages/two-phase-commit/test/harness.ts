/** Runs two-phase commit clusters under faults and reads the outcomes back for assertions. */
import { generatePlan, simulate, type FaultKind, type FaultPlan, type NetworkConfig, type NodeId, type SimulationResult } from "@faultline/kernel";
import {
  checkTermination,
  participantLog,
  transactionWorkload,
  twoPhaseCommitCluster,
  type Decision,
  type ParticipantRecord,
  type TransactionResult,
  type TwoPhaseCluster,
  type TwoPhaseClusterOptions,
  type TxId,
} from "@faultline/two-phase-commit";
import { mutantCluster, type TwoPhaseMutant } from "./mutants/index.js";

/** A lossy, duplicating, reordering network. */
export const FAULTY_NETWORK: Partial<NetworkConfig> = { minLatencyMs: 1, maxLatencyMs: 20, dropRate: 0.1, duplicateRate: 0.1, reorderRate: 0.2 };

/** Faults stop here; the rest of the run is the quiet period in which everything must finish. */
export const FAULTS_UNTIL_MS = 3_000;

/** The fault families the issue names, one at a time. */
export type FaultFamily = "drops" | "duplicates" | "reordering" | "partitions" | "crashes";

/** The network and plan of one fault family (or of all of them). */
export function faultSetup(kind: boolean | FaultFamily, seed: string | number, nodes: readonly NodeId[]): { network: Partial<NetworkConfig>; plan: FaultPlan } {
  const calm = { minLatencyMs: 1, maxLatencyMs: 20 };
  const planOf = (kinds?: FaultKind[]) => generatePlan(seed, { nodes, durationMs: FAULTS_UNTIL_MS, maxActions: 10, maxDown: 2, ...(kinds ? { kinds } : {}) });
  switch (kind) {
    case false:
      return { network: {}, plan: [] };
    case true:
      return { network: FAULTY_NETWORK, plan: planOf() };
    case "drops":
      return { network: { ...calm, dropRate: 0.3 }, plan: planOf(["network"]).filter((a) => a.type !== "network" || a.at >= FAULTS_UNTIL_MS) };
    case "duplicates":
      return { network: { ...calm, duplicateRate: 0.5 }, plan: [{ at: FAULTS_UNTIL_MS, type: "network", duplicateRate: 0 }] };
    case "reordering":
      return { network: { ...calm, maxLatencyMs: 50, reorderRate: 0.5 }, plan: [{ at: FAULTS_UNTIL_MS, type: "network", reorderRate: 0 }] };
    case "partitions":
      return { network: calm, plan: planOf(["partition", "block"]) };
    case "crashes":
      return { network: calm, plan: planOf(["crash"]) };
  }
}

export interface TwoPhaseRunOptions extends TwoPhaseClusterOptions {
  readonly seed: string | number;
  /** Transactions (default 5), begun `spacingMs` apart from `startMs` (default: spread over the fault window). */
  readonly txs?: number;
  readonly spacingMs?: number;
  readonly startMs?: number;
  /**
   * Faults until FAULTS_UNTIL_MS: true for all of them (a faulty network and a random plan of
   * crashes, partitions, pauses, clock jumps), a single kind, or false (default true).
   */
  readonly faults?: boolean | FaultFamily;
  /** An explicit plan instead of a generated one. */
  readonly plan?: FaultPlan;
  readonly network?: Partial<NetworkConfig>;
  readonly maxTimeMs?: number;
  /** Run this planted bug instead of the shipped reducers. */
  readonly mutant?: TwoPhaseMutant;
}

export interface TwoPhaseRun {
  readonly cluster: TwoPhaseCluster;
  readonly result: SimulationResult;
  readonly plan: FaultPlan;
  /** The decision each answered client was told, by tx. */
  readonly told: ReadonlyMap<TxId, Decision>;
  /** Each participant's final outcome per tx ("prepared" if still uncertain). */
  readonly outcomes: ReadonlyMap<NodeId, ReadonlyMap<TxId, string>>;
  /** Why the run has not terminated, or undefined. */
  readonly unfinished: string | undefined;
}

export function runTwoPhase(o: TwoPhaseRunOptions): TwoPhaseRun {
  const { seed, txs = 5, spacingMs = Math.floor((FAULTS_UNTIL_MS * 0.9) / txs), startMs = 0, faults = true, plan: given, network, maxTimeMs = FAULTS_UNTIL_MS + 6_000, mutant, ...clusterOptions } = o;
  const cluster = mutant === undefined ? twoPhaseCommitCluster(clusterOptions) : mutantCluster(mutant, clusterOptions);
  const ids = cluster.nodes.map((n) => n.id);
  const setup = faultSetup(faults, seed, ids);
  const plan = given ?? setup.plan;
  const result = simulate({
    seed,
    nodes: cluster.nodes,
    invariants: cluster.invariants,
    network: network ?? setup.network,
    plan,
    workload: transactionWorkload({ count: txs, spacingMs, startMs, coordinator: cluster.config.coordinator }),
    maxTimeMs,
  });
  const told = new Map<TxId, Decision>();
  for (const h of result.history) {
    const res = h.res as TransactionResult | undefined;
    if (res !== undefined) told.set(res.tx, res.outcome);
  }
  const outcomes = new Map<NodeId, Map<TxId, string>>();
  for (const p of cluster.config.participants) {
    const log = participantLog(result.view.node(p).records as ParticipantRecord[]);
    outcomes.set(p, new Map([...log].map(([tx, e]) => [tx, e.state])));
  }
  return { cluster, result, plan, told, outcomes, unfinished: checkTermination(result.view, cluster.config) };
}

/** Every participant's outcome for `tx` ("working" when it never heard of it). */
export function outcomesOf(run: TwoPhaseRun, tx: TxId): string[] {
  return [...run.outcomes.values()].map((m) => m.get(tx) ?? "working");
}

/** Describes a run for failure messages. */
export function describeRun(run: TwoPhaseRun): string {
  return JSON.stringify({ violation: run.result.violation, unfinished: run.unfinished, plan: run.plan });
}
