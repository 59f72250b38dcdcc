/** Helpers for Raft scenario tests: build a cluster, run it, read who leads and what committed. */
import { Simulation, type FaultPlan, type NetworkConfig, type SimulationOptions, type WorkloadOp } from "@faultline/kernel";
import { entryAt, raftCluster, type KvRequest, type RaftConfigInput, type RaftProtocol, type RaftState } from "@faultline/raft";

export interface RaftRunOptions {
  readonly nodes?: number;
  readonly seed?: string | number;
  readonly config?: RaftConfigInput;
  /** The reducer every node runs (default: the shipped one with `config`), e.g. a mutant. */
  readonly protocol?: RaftProtocol;
  readonly network?: Partial<NetworkConfig>;
  readonly plan?: FaultPlan;
  readonly workload?: WorkloadOp<KvRequest>[];
  readonly clients?: SimulationOptions["clients"];
  readonly maxTimeMs?: number;
  readonly trace?: boolean;
}

export function startRaft(o: RaftRunOptions = {}) {
  const cluster = raftCluster({ nodes: o.nodes ?? 3, config: o.config });
  const sim = new Simulation({
    seed: o.seed ?? "raft",
    nodes: o.protocol === undefined ? cluster.nodes : cluster.ids.map((id) => ({ id, protocol: o.protocol as RaftProtocol })),
    invariants: cluster.invariants,
    network: o.network ?? { minLatencyMs: 1, maxLatencyMs: 5 },
    plan: o.plan ?? [],
    workload: o.workload ?? [],
    clients: o.clients ?? [],
    maxTimeMs: o.maxTimeMs ?? 30_000,
    trace: { full: o.trace ?? false },
  });
  const state = (id: string) => sim.node(id).state as RaftState | undefined;
  /** Leaders among running nodes, by term, highest term first. */
  const leaders = () =>
    cluster.ids
      .filter((id) => sim.node(id).up && state(id)?.role === "leader")
      .sort((a, b) => (state(b)?.term ?? 0) - (state(a)?.term ?? 0));
  /** The single leader of the highest term among running nodes, or undefined. */
  const leader = () => leaders()[0];
  /** The committed commands (ops) of a node, from its applied log (snapshot excluded). */
  const committed = (id: string) => {
    const s = state(id);
    if (s === undefined) return [];
    const out: unknown[] = [];
    for (let i = s.log.snapshot.index + 1; i <= s.commitIndex; i++) out.push(entryAt(s, i)?.command);
    return out;
  };
  return { sim, cluster, state, leaders, leader, committed };
}

/** A put request op at time `at` to `node`. */
export const put = (at: number, node: string, key: string, value: string, client = "c"): WorkloadOp<KvRequest> => ({ at, client, node, req: { op: "put", key, value } });
