/**
 * The bench's explorer mode: exhaustive BFS over a small model of the mutant's system (3 Raft
 * nodes and one write, or a coordinator with 2 participants and one transaction), with bounded
 * drops, duplicates, one crash and a few timer firings, through the kernel's own step function.
 */
import { explore, simulationModel, type SystemSpace } from "@faultline/check";
import type { WorkloadOp } from "@faultline/kernel";
import type { Mutant } from "./registry.js";

/** What one exploration found. */
export interface ExplorerOutcome {
  readonly found: boolean;
  readonly states: number;
  readonly complete: boolean;
  /** Steps of the shortest counterexample. */
  readonly pathLength?: number;
  readonly invariant?: string;
}

/** Explores the mutant's small model within `maxStates` distinct states. */
export function exploreMutant(m: Mutant, space: SystemSpace<any>, maxStates: number): ExplorerOutcome {
  const raft = m.system === "raft";
  const config = raft ? { ...space.defaultConfig, nodes: 3 } : { ...space.defaultConfig, participants: 2 };
  const built = space.buildChecked(config);
  const ids = built.nodes.map((n) => n.id);
  const workload: WorkloadOp[] = raft ? [{ at: 0, client: "c", node: "n1", req: { op: "put", key: "x", value: "1" } }] : [{ at: 0, client: "c", node: "coordinator", req: { type: "begin", tx: "t1" } }];
  const model = simulationModel(
    { seed: `explore/${m.name}`, nodes: built.nodes, invariants: built.invariants ?? [], workload, network: { minLatencyMs: 1, maxLatencyMs: 1 }, trace: { hash: false, keepLast: 4 } },
    { drops: 1, duplicates: 1, crashes: 1, timers: 3, timerNodes: raft ? ids.slice(0, 2) : ids },
  );
  const r = explore(model, { maxStates });
  return { found: r.violation !== undefined, states: r.distinctStates, complete: r.complete, ...(r.violation ? { pathLength: r.violation.path.length, invariant: r.violation.invariant } : {}) };
}
