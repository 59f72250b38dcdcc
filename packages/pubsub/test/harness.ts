/** Helpers for pub/sub tests: build a broker cluster, run it, read its committed state. */
import { Simulation, type ClientSpec, type FaultPlan, type NetworkConfig, type RunConfigInput, type WorkloadOp } from "@faultline/kernel";
import { pubsubCluster, type BrokerHooks, type BrokerState, type PubSubConfigInput, type PubSubMachineState, type PubSubRequest } from "@faultline/pubsub";

export interface PubSubRunOptions {
  readonly nodes?: number;
  readonly seed?: string | number;
  readonly config?: PubSubConfigInput;
  readonly hooks?: BrokerHooks;
  readonly network?: Partial<NetworkConfig>;
  readonly clocks?: RunConfigInput["clocks"];
  readonly plan?: FaultPlan;
  readonly workload?: WorkloadOp<PubSubRequest>[];
  readonly clients?: ClientSpec[];
  readonly maxTimeMs?: number;
}

export function startPubSub(o: PubSubRunOptions = {}) {
  const cluster = pubsubCluster({ nodes: o.nodes ?? 3, config: o.config ?? {}, ...(o.hooks === undefined ? {} : { hooks: o.hooks }) });
  const sim = new Simulation({
    seed: o.seed ?? "pubsub",
    nodes: cluster.nodes,
    invariants: cluster.invariants,
    network: o.network ?? { minLatencyMs: 1, maxLatencyMs: 5 },
    ...(o.clocks === undefined ? {} : { clocks: o.clocks }),
    plan: o.plan ?? [],
    workload: o.workload ?? [],
    clients: o.clients ?? [],
    maxTimeMs: o.maxTimeMs ?? 30_000,
  });
  const state = (id: string) => sim.node(id).state as BrokerState | undefined;
  const leaders = () =>
    cluster.ids.filter((id) => sim.node(id).up && state(id)?.raft.role === "leader").sort((a, b) => (state(b)?.raft.term ?? 0) - (state(a)?.raft.term ?? 0));
  const machine = (id: string) => state(id)?.raft.machine as PubSubMachineState | undefined;
  return { sim, cluster, state, leaders, leader: () => leaders()[0], machine };
}

export const publish = (at: number, node: string, producer: string, seq: number, topic = "t", client = producer): WorkloadOp<PubSubRequest> => ({
  at,
  client,
  node,
  req: { op: "publish", topic, producer, seq, payload: `${producer}-${seq}` },
});
