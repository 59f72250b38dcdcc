/** A ready-to-run Raft cluster: nodes and invariants for `new Simulation({...})`. */
import { ConfigError, isPositiveInteger, type Invariant, type NodeId, type NodeSpec } from "@faultline/kernel";
import { resolveRaftConfig, type RaftConfig, type RaftConfigInput } from "./config.js";
import { raftInvariants } from "./invariants.js";
import { raftProtocol } from "./protocol.js";

/** Options of {@link raftCluster}. */
export interface RaftClusterOptions {
  /** A node count N (ids "n1".."nN") or the ids themselves. */
  readonly nodes: number | readonly NodeId[];
  readonly config?: RaftConfigInput;
}

/** What {@link raftCluster} returns. */
export interface RaftCluster {
  readonly nodes: NodeSpec[];
  /** The spec's invariants (their history is ghost state the kernel keeps). */
  readonly invariants: Invariant[];
  readonly config: RaftConfig;
  readonly ids: NodeId[];
}

/** Builds N Raft nodes sharing one configuration, with the spec's invariants. */
export function raftCluster(options: RaftClusterOptions): RaftCluster {
  const ids = typeof options.nodes === "number" ? nodeIds(options.nodes) : [...options.nodes];
  if (ids.length === 0) throw new ConfigError("nodes", "a cluster needs at least one node");
  const config = resolveRaftConfig(options.config);
  const protocol = raftProtocol(config);
  return { nodes: ids.map((id) => ({ id, protocol })), invariants: raftInvariants(), config, ids };
}

/** Node ids "n1".."nN". */
export function nodeIds(n: number): NodeId[] {
  if (!isPositiveInteger(n)) throw new ConfigError("nodes", `expected a whole number >= 1 of nodes, got ${n}`);
  return Array.from({ length: n }, (_, i) => `n${i + 1}`);
}
