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
  /** Raft's eight invariants, read from each broker's Raft state. */
  readonly invariants: Invariant[];
  readonly config: PubSubConfig;
  readonly ids: NodeId[];
  readonly protocol: BrokerProtocol;
}

/** A node as Raft's invariants see it (fields named: spreading the kernel's node host copies all of its internals). */
function raftView(v: NodeView): NodeView {
  return { id: v.id, protocol: v.protocol, up: v.up, paused: v.paused, state: (v.state as BrokerState | undefined)?.raft, records: v.records, restarts: v.restarts };
}

/** The world as Raft's invariants see it: each node's state is its broker's Raft state (projected on first use). */
class RaftWorld implements WorldView {
  private projected: NodeView[] | undefined;
  constructor(private readonly w: WorldView) {}
  get time(): number {
    return this.w.time;
  }
  get nodes(): NodeView[] {
    return (this.projected ??= this.w.nodes.map(raftView));
  }
  node(id: NodeId): NodeView {
    return raftView(this.w.node(id));
  }
  get history(): WorldView["history"] {
    return this.w.history;
  }
  inFlight(): ReturnType<WorldView["inFlight"]> {
    return this.w.inFlight();
  }
}

/**
 * One projection per step, shared by every invariant wrapped with the same projector: the
 * checker hands all of them the same step, so the Raft view and step are built once, not once
 * per invariant (it was a third of a sweep's time).
 */
class Projector {
  private step: StepInfo<BrokerState> | undefined;
  private world: WorldView | undefined;
  view: WorldView | undefined;
  last: StepInfo<RaftState> | undefined;
  of(w: WorldView, s: StepInfo<BrokerState>): void {
    if (s === this.step && w === this.world) return;
    this.step = s;
    this.world = w;
    this.view = new RaftWorld(w);
    this.last = { node: s.node, before: s.before?.raft, after: s.after?.raft, cause: s.cause };
  }
}

/** An invariant over Raft states, checked on brokers (their Raft state is `state.raft`). */
export function onBrokers<G>(inv: Invariant<RaftState, unknown, unknown, G>): Invariant<BrokerState, unknown, unknown, G> {
  return projected(inv, new Projector());
}

function projected<G>(inv: Invariant<RaftState, unknown, unknown, G>, p: Projector): Invariant<BrokerState, unknown, unknown, G> {
  const ghost = inv.ghost;
  return {
    name: inv.name,
    ...(ghost === undefined
      ? {}
      : {
          ghost: {
            initial: ghost.initial,
            update: (g, w, s) => {
              p.of(w, s);
              return ghost.update(g, p.view as WorldView, p.last as StepInfo<RaftState>);
            },
          },
        }),
    check: (w, s, g) => {
      p.of(w, s);
      return inv.check(p.view as WorldView, p.last as StepInfo<RaftState>, g);
    },
  };
}

/** Builds N brokers sharing one configuration, with Raft's invariants. */
export function pubsubCluster(options: PubSubClusterOptions): PubSubCluster {
  const ids = typeof options.nodes === "number" ? nodeIds(options.nodes) : [...options.nodes];
  const config = resolvePubSubConfig(options.config);
  const protocol = createBrokerProtocol({ config, ...(options.hooks === undefined ? {} : { hooks: options.hooks }) });
  const projector = new Projector();
  const invariants = raftInvariants().map((i) => projected(i as Invariant<RaftState>, projector) as Invariant);
  return { nodes: ids.map((id) => ({ id, protocol })), invariants, config, ids, protocol };
}
