/** A ready-to-run broker cluster for `new Simulation({...})`, with Raft's invariants over the brokers' Raft state. */
import type { Invariant, NodeId, NodeSpec, NodeView, StepInfo, WorldView } from "@faultline/kernel";
import { nodeIds, raftInvariants, type RaftState } from "@faultline/raft";
import { resolvePubSubConfig, type PubSubConfig, type PubSubConfigInput } from "./config.js";
import { createBrokerProtocol, type BrokerHooks, type BrokerProtocol, type BrokerState } from "./node.js";

/** Options of {@link pubsubCluster}. */
export interface PubSubClusterOptions {
  /** A broker count N (ids "n1".."nN") or the ids themselves. */
  readonly nodes: number | readonly NodeId[];
  readonly config?: PubSubConfigInput;
  /** Test-only: plant a mistake (see packages/pubsub/test/mutants). @internal */
  readonly hooks?: BrokerHooks;
}

/** What {@link pubsubCluster} returns. */
export interface PubSubCluster {
  readonly nodes: NodeSpec[];
  /** Raft's seven invariants, read from each broker's Raft state. */
  readonly invariants: Invariant[];
  readonly config: PubSubConfig;
  readonly ids: NodeId[];
  readonly protocol: BrokerProtocol;
}

function raftView(v: NodeView): NodeView {
  return { ...v, state: (v.state as BrokerState | undefined)?.raft };
}

/** An invariant over Raft states, checked on brokers (their Raft state is `state.raft`). */
export function onBrokers<G>(inv: Invariant<RaftState, unknown, unknown, G>): Invariant<BrokerState, unknown, unknown, G> {
  const view = (w: WorldView): WorldView => {
    let nodes: NodeView[] | undefined; // projected on first use: most checks read only `last`
    return {
      time: w.time,
      get nodes() {
        return (nodes ??= w.nodes.map(raftView));
      },
      node: (id) => raftView(w.node(id)),
      history: w.history,
      inFlight: () => w.inFlight(),
    };
  };
  const last = (s: StepInfo<BrokerState>): StepInfo<RaftState> => ({ ...s, before: s.before?.raft, after: s.after?.raft });
  return {
    name: inv.name,
    ...(inv.ghost === undefined ? {} : { ghost: { initial: inv.ghost.initial, update: (g, w, s) => (inv.ghost as NonNullable<typeof inv.ghost>).update(g, view(w), last(s)) } }),
    check: (w, s, g) => inv.check(view(w), last(s), g),
  };
}

/** Builds N brokers sharing one configuration, with Raft's invariants. */
export function pubsubCluster(options: PubSubClusterOptions): PubSubCluster {
  const ids = typeof options.nodes === "number" ? nodeIds(options.nodes) : [...options.nodes];
  const config = resolvePubSubConfig(options.config);
  const protocol = createBrokerProtocol({ config, ...(options.hooks === undefined ? {} : { hooks: options.hooks }) });
  return { nodes: ids.map((id) => ({ id, protocol })), invariants: raftInvariants().map((i) => onBrokers(i as Invariant<RaftState>) as Invariant), config, ids, protocol };
}
