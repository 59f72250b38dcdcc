/**
 * Raft's search space for sweeps — the one home of it: the CLI's `raft` system, and through
 * `raftSearchSpace({ protocol })` the Raft tests and the mutation bench, which plant a bug there.
 * Cluster size 1–7 (even sizes too), election and heartbeat timing, snapshot threshold down to 3
 * entries, batch limit, PreVote and CheckQuorum, and the key-value workload's shape. Every run's
 * client history is checked for linearizability, every client must finish its operations once
 * the faults stop, and every node must then follow one leader and catch up with its commit index.
 */
import fc from "fast-check";
import { defineSystem, kvModel, linearizableHistory, sometimes, type KvInput, type KvOutput, type SystemSpace } from "@faultline/check";
import type { AnyProtocol, HistoryEntry, StorageConfig, WorldView } from "@faultline/kernel";
import { kvClient, raftCluster, type KvRequest, type KvResponse, type RaftConfigInput, type RaftState } from "@faultline/raft";

/** One drawn configuration. */
export interface RaftSearchConfig {
  readonly nodes: number;
  readonly electionMinMs: number;
  readonly electionSpreadMs: number;
  /** Heartbeat as a percentage of the election minimum (so it is always below it). */
  readonly heartbeatPct: number;
  readonly snapshotThreshold: number;
  readonly maxEntriesPerAppend: number;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  readonly clients: number;
  readonly ops: number;
  readonly readPct: number;
  readonly keys: number;
  readonly thinkMs: number;
  readonly clientTimeoutMs: number;
}

/** The shipped sweeps' fixed configuration (plain mode): 3 nodes, the defaults, 2 clients × 30 ops. */
export const RAFT_DEFAULT_CONFIG: RaftSearchConfig = {
  nodes: 3,
  electionMinMs: 150,
  electionSpreadMs: 150,
  heartbeatPct: 33,
  snapshotThreshold: 200,
  maxEntriesPerAppend: 64,
  preVote: true,
  checkQuorum: true,
  clients: 2,
  ops: 30,
  readPct: 30,
  keys: 3,
  thinkMs: 5,
  clientTimeoutMs: 600,
};

// The workload's shape is drawn as a unit. Half the runs are contended: one key, 3–5 clients
// with 0–10 ms between operations and client timeouts of 100–150 ms, so writes to the key
// interleave and clients retry (at another node, often a new leader) while their first attempt
// may still commit — the retries that session tables exist for. Independent knobs would draw
// that corner about once in 40,000 runs; swarm testing's lesson is to weight the extremes.
const workloadSpace = fc.oneof(
  fc.record({
    clients: fc.integer({ min: 3, max: 5 }),
    ops: fc.integer({ min: 20, max: 40 }),
    readPct: fc.integer({ min: 20, max: 60 }),
    keys: fc.constant(1),
    thinkMs: fc.integer({ min: 0, max: 10 }),
    clientTimeoutMs: fc.integer({ min: 100, max: 150 }),
  }),
  fc.record({
    clients: fc.integer({ min: 1, max: 4 }),
    ops: fc.integer({ min: 1, max: 40 }),
    readPct: fc.integer({ min: 0, max: 100 }),
    keys: fc.integer({ min: 1, max: 5 }),
    thinkMs: fc.integer({ min: 0, max: 30 }),
    clientTimeoutMs: fc.integer({ min: 100, max: 1_000 }),
  }),
);

const clusterSpace = fc.record({
  nodes: fc.integer({ min: 1, max: 7 }),
  electionMinMs: fc.integer({ min: 60, max: 300 }),
  electionSpreadMs: fc.integer({ min: 10, max: 300 }),
  heartbeatPct: fc.integer({ min: 10, max: 60 }),
  // Half the runs compact every 3–10 entries: snapshots, InstallSnapshot and restores from a
  // snapshot then happen many times a run (a run appends about 65 entries), not once or never.
  snapshotThreshold: fc.oneof(fc.integer({ min: 3, max: 10 }), fc.integer({ min: 3, max: 200 })),
  // Half the runs send at most 1–3 entries per AppendEntries: then a follower can hold an earlier
  // term's entry without the new leader's no-op after it (figure 8's precondition), which a wide
  // uniform draw almost never gives. Swarm testing's lesson: weight a knob's extremes.
  maxEntriesPerAppend: fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 64 })),
  preVote: fc.boolean(),
  checkQuorum: fc.boolean(),
});

const configSpace: fc.Arbitrary<RaftSearchConfig> = fc.tuple(clusterSpace, workloadSpace).map(([cluster, workload]) => ({ ...cluster, ...workload }));

/** The Raft config a search configuration stands for. */
export function raftConfigOf(c: RaftSearchConfig): RaftConfigInput {
  return {
    electionTimeoutMinMs: c.electionMinMs,
    electionTimeoutMaxMs: c.electionMinMs + c.electionSpreadMs,
    heartbeatIntervalMs: Math.max(1, Math.floor((c.electionMinMs * c.heartbeatPct) / 100)),
    snapshotThreshold: c.snapshotThreshold,
    maxEntriesPerAppend: c.maxEntriesPerAppend,
    preVote: c.preVote,
    checkQuorum: c.checkQuorum,
  };
}

/** What {@link raftSearchSpace} takes; all optional. */
export interface RaftSpaceOptions {
  /** Names the space in reports and case tokens (default "raft"). */
  readonly name?: string;
  /** Runs another node protocol (a planted bug) in place of each real node. */
  readonly protocol?: (real: AnyProtocol, config: RaftSearchConfig) => AnyProtocol;
  /** Raft config overrides applied to every drawn configuration. */
  readonly raftConfig?: RaftConfigInput;
  /** Narrows the configurations drawn (default: the full space). */
  readonly configSpace?: fc.Arbitrary<RaftSearchConfig>;
  /** Storage of a configuration, overriding the swarm's (default: the swarm's, lossy storage included). */
  readonly storage?: (config: RaftSearchConfig) => StorageConfig | undefined;
}

const toOperation = (req: unknown, res: unknown): { input: KvInput; output?: KvOutput } | undefined => {
  const r = res as KvResponse | undefined;
  if (r !== undefined && !r.ok) return undefined; // not applied, and never will be under this request
  const q = req as KvRequest;
  const input: KvInput = q.op === "put" ? { op: "put", key: q.key, value: q.value } : q.op === "delete" ? { op: "delete", key: q.key } : { op: "get", key: q.key };
  return r === undefined ? { input } : { input, output: r.ok && "value" in r ? { value: r.value } : {} };
};

/** A write's attempts (the client retries it after a timeout or a redirect) share its session: one operation, applied once. */
const attemptOf = (h: HistoryEntry): string | undefined => {
  const q = h.req as KvRequest;
  return q.op !== "get" && q.session !== undefined ? `${q.session.client}/${q.session.seq}` : undefined;
};

/**
 * Once the network is calm, every node should follow one leader in its term and hold what the
 * cluster committed: a replica stuck behind (a leader that never learns of a higher term, a
 * follower the leader can never repair) is a liveness failure an operator sees as a lagging
 * replica, one fault away from an outage — it falls behind with the next write, even when the
 * clients happen to be done. Returns what is unsettled (the first node behind the highest commit
 * index, or not following the one leader), or undefined when all agree.
 */
export function laggingNode(view: WorldView): string | undefined {
  let max = 0;
  let ahead = "";
  for (const n of view.nodes) {
    const s = n.state as RaftState | undefined;
    if (n.up && s !== undefined && s.commitIndex > max) {
      max = s.commitIndex;
      ahead = n.id;
    }
  }
  for (const n of view.nodes) {
    const s = n.state as RaftState | undefined;
    if (!n.up || s === undefined) return `node ${n.id} is down`;
    if (s.commitIndex < max) return `node ${n.id} (${s.role}, term ${s.term}) has commit index ${s.commitIndex}, node ${ahead} ${max}`;
  }
  const leaders = view.nodes.filter((n) => (n.state as RaftState).role === "leader");
  const leader = leaders[0];
  if (leaders.length !== 1 || leader === undefined) return `${leaders.length} leaders (${leaders.map((n) => n.id).join(", ") || "none"})`;
  const term = (leader.state as RaftState).term;
  for (const n of view.nodes) {
    const s = n.state as RaftState;
    if (n !== leader && (s.term !== term || s.leader !== leader.id)) return `node ${n.id} (${s.role}, term ${s.term}) does not follow leader ${leader.id} of term ${term}`;
  }
  return undefined;
}

const states = (view: WorldView) => view.nodes.filter((n) => n.up && n.state !== undefined).map((n) => n.state as RaftState);
const bucket = (d: number) => (d <= 0 ? 0 : d === 1 ? 1 : 2);

/** Raft's abstraction: per node (sorted, so node names do not matter) role, term gap, log and commit against the most advanced node, and for leaders whether commit lags the quorum's match. Returns one string: it runs after every step. */
export function raftAbstraction(view: WorldView): unknown {
  const nodes = view.nodes;
  let maxTerm = 0;
  let maxLen = 0;
  let maxCommit = 0;
  for (const n of nodes) {
    const s = n.state as RaftState | undefined;
    if (!n.up || s === undefined) continue;
    if (s.term > maxTerm) maxTerm = s.term;
    if (s.log.lastIndex > maxLen) maxLen = s.log.lastIndex;
    if (s.commitIndex > maxCommit) maxCommit = s.commitIndex;
  }
  const rows: string[] = [];
  for (const n of nodes) {
    const s = n.state as RaftState | undefined;
    if (!n.up || s === undefined) {
      rows.push("down");
      continue;
    }
    const len = s.log.lastIndex;
    let quorum = "";
    if (s.role === "leader") {
      // The commit index against the match index a majority has reached.
      let above = 1;
      for (const m of s.progress.match) if (m > s.commitIndex) above++;
      quorum = above > nodes.length / 2 ? "/commit<quorum" : "/commit>=quorum";
    }
    rows.push(`${s.role}/t${bucket(maxTerm - s.term)}/l${bucket(maxLen - len)}/c${bucket(maxCommit - s.commitIndex)}${s.log.snapshot.index > 0 ? "/snap" : ""}${quorum}`);
  }
  return rows.sort().join(" ");
}

/** What a Raft sweep should reach at least once. */
export const raftSometimes = [
  sometimes("two leaders at once (different terms)", (v) => states(v).filter((s) => s.role === "leader").length >= 2),
  sometimes("a leader with entries of an earlier term not yet committed", (v) =>
    states(v).some((s) => {
      if (s.role !== "leader") return false;
      // Only the uncommitted suffix matters (the log itself may be long).
      for (let i = Math.max(s.commitIndex, s.log.snapshot.index) + 1; i <= s.log.lastIndex; i++) if ((s.log.termAt(i) ?? s.term) < s.term) return true;
      return false;
    }),
  ),
  sometimes("a snapshot taken", (v) => states(v).some((s) => s.log.snapshot.index > 0)),
  sometimes("a follower behind a snapshot", (v) => {
    const ss = states(v);
    const snap = Math.max(0, ...ss.map((s) => s.log.snapshot.index));
    return snap > 0 && ss.some((s) => s.log.lastIndex < snap);
  }),
  sometimes("a node restarted with a non-empty log", (v) => v.nodes.some((n) => n.up && n.restarts > 0 && ((n.state as RaftState | undefined)?.log.lastIndex ?? 0) > 0)),
  sometimes("term 5 reached", (v) => states(v).some((s) => s.term >= 5)),
  sometimes("commit index 20 reached", (v) => states(v).some((s) => s.commitIndex >= 20)),
];

/** Raft's search space (see {@link RaftSpaceOptions}): the shipped one, or one running a planted bug. */
export function raftSearchSpace(options: RaftSpaceOptions = {}): SystemSpace<RaftSearchConfig> {
  return defineSystem({
    name: options.name ?? "raft",
    config: options.configSpace ?? configSpace,
    defaultConfig: RAFT_DEFAULT_CONFIG,
    faultWindowMs: 4_000,
    runMs: 10_000,
    build: (c) => {
      const cluster = raftCluster({ nodes: c.nodes, config: { ...raftConfigOf(c), ...options.raftConfig } });
      const linear = linearizableHistory(kvModel, { toOperation, attemptOf, budget: { maxSteps: 2_000_000 } });
      const keys = Array.from({ length: c.keys }, (_, i) => `k${i}`);
      const names = Array.from({ length: c.clients }, (_, i) => `c${i + 1}`);
      return {
        nodes: options.protocol ? cluster.nodes.map((n) => ({ ...n, protocol: options.protocol!(n.protocol, c) })) : cluster.nodes,
        invariants: cluster.invariants,
        clients: names.map((name) => ({ id: name, actor: kvClient({ nodes: cluster.ids, name, ops: c.ops, keys, readShare: c.readPct / 100, thinkMs: c.thinkMs, timeoutMs: c.clientTimeoutMs }) })),
        network: { minLatencyMs: 1, maxLatencyMs: 15 },
        ...(options.storage?.(c) ? { storage: options.storage(c) } : {}),
        done: (view) => names.every((name) => view.history.filter((h) => h.client === name && (h.res as KvResponse | undefined)?.ok === true).length >= c.ops) && laggingNode(view) === undefined,
        check: (result) => {
          const why = linear.after(result);
          if (why !== undefined) return `client history not linearizable: ${why}`;
          for (const name of names) {
            const ok = result.history.filter((h) => h.client === name && (h.res as KvResponse | undefined)?.ok === true).length;
            if (ok < c.ops) return `client ${name} finished ${ok} of ${c.ops} operations by ${result.time} ms (faults stopped at 4000 ms)`;
          }
          const behind = laggingNode(result.view);
          if (behind !== undefined) return `the cluster never settled after the faults stopped (4000 ms): ${behind} at ${result.time} ms`;
          return undefined;
        },
      };
    },
    abstraction: raftAbstraction,
    sometimes: raftSometimes,
    messageTypes: ["prevote", "prevote-reply", "vote", "vote-reply", "append", "append-reply", "snapshot", "snapshot-chunk", "snapshot-reply"],
    recordTypes: ["term", "append", "snapshot"],
    // Triggers may crash, isolate or pause the node that just became leader.
    states: [{ path: "role", equals: "leader" }],
    maxDown: (n) => Math.max(1, Math.floor((n - 1) / 2)),
  });
}

/** The shipped Raft space. */
export const raftSpace = raftSearchSpace();
