/**
 * The bench's explorer mode: exhaustive BFS over small models of the mutant's system, through the
 * kernel's own step function.
 *
 * Raft has two models, explored in turn within one state budget:
 * - an election model: 3 nodes, PreVote off, no client, storage that loses what was persisted
 *   since the node's last send, two nodes whose election timers fire once each, one crash (of any
 *   node, restarted at any later step), no loss or duplication. Two candidates of one term and a
 *   crash between their requests are 8 steps deep here, where the log model needs the crash budget
 *   and the timers spent on the same interleaving among a client's request, drops and duplicates:
 *   it is where persistence-order bugs (votes, terms) show;
 * - a log model: 3 nodes and one write, bounded drops, duplicates, one crash and three timer
 *   firings of two nodes (the bench's model so far), for the log and commit rules.
 * 2PC has one model: a coordinator with 2 participants and one transaction.
 */
import { explore, simulationModel, type SimulationBounds, type SystemSpace } from "faultline/check";
import type { SimulationOptions, WorkloadOp } from "faultline";
import type { Mutant } from "./registry.js";

/** What one exploration found. */
export interface ExplorerOutcome {
  readonly found: boolean;
  /** Distinct states explored, over every model tried. */
  readonly states: number;
  /** True when every model tried was explored completely within its bounds. */
  readonly complete: boolean;
  /** Steps of the shortest counterexample. */
  readonly pathLength?: number;
  readonly invariant?: string;
  /** The model that found it ("election", "log", "2pc"). */
  readonly model?: string;
  /** The counterexample's steps, as the explorer names them. */
  readonly path?: readonly string[];
}

interface SmallModel {
  readonly name: string;
  readonly config: Record<string, unknown>;
  readonly workload: (ids: readonly string[]) => WorkloadOp[];
  readonly storage?: SimulationOptions["storage"];
  readonly bounds: (ids: readonly string[]) => SimulationBounds;
}

const RAFT_MODELS: readonly SmallModel[] = [
  {
    name: "election",
    config: { nodes: 3, preVote: false },
    workload: () => [],
    storage: { loseUnsyncedOnCrash: true },
    bounds: (ids) => ({ drops: 0, duplicates: 0, crashes: 1, timers: 2, timerNodes: ids.slice(0, 2) }),
  },
  {
    name: "log",
    config: { nodes: 3 },
    workload: (ids) => [{ at: 0, client: "c", node: ids[0] as string, req: { op: "put", key: "x", value: "1" } }],
    bounds: (ids) => ({ drops: 1, duplicates: 1, crashes: 1, timers: 3, timerNodes: ids.slice(0, 2) }),
  },
];

const TWO_PC_MODEL: SmallModel = {
  name: "2pc",
  config: { participants: 2 },
  workload: () => [{ at: 0, client: "c", node: "coordinator", req: { type: "begin", tx: "t1" } }],
  bounds: (ids) => ({ drops: 1, duplicates: 1, crashes: 1, timers: 3, timerNodes: [...ids] }),
};

/** Explores the mutant's small models in turn (or only the one named `only`) within `maxStates` distinct states in all. */
export function exploreMutant(m: Mutant, space: SystemSpace<any>, maxStates: number, only?: string): ExplorerOutcome {
  const models = (m.system === "raft" ? RAFT_MODELS : [TWO_PC_MODEL]).filter((x) => only === undefined || x.name === only);
  let states = 0;
  let complete = true;
  for (const [i, small] of models.entries()) {
    // Each model gets an equal share of what is left.
    const budget = Math.floor((maxStates - states) / (models.length - i));
    const built = space.buildChecked({ ...space.defaultConfig, ...small.config });
    const ids = built.nodes.map((n) => n.id);
    const model = simulationModel(
      {
        seed: small.name === "election" ? `explore/${m.name}/election` : `explore/${m.name}`, // the log and 2PC models keep their seed of before
        nodes: built.nodes,
        invariants: built.invariants ?? [],
        workload: small.workload(ids),
        network: { minLatencyMs: 1, maxLatencyMs: 1 },
        ...(small.storage ? { storage: small.storage } : {}),
        trace: { hash: false, keepLast: 4 },
      },
      small.bounds(ids),
    );
    const r = explore(model, { maxStates: budget });
    states += r.distinctStates;
    complete &&= r.complete;
    // The model reports a broken kernel invariant as "kernel invariants" with "Name: message".
    if (r.violation) return { found: true, states, complete, pathLength: r.violation.path.length, invariant: r.violation.message.split(":")[0] ?? r.violation.invariant, model: small.name, path: r.violation.path };
  }
  return { found: false, states, complete };
}
