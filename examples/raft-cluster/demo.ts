/**
 * A 5-node Raft cluster under partitions and crashes, written to by three key-value clients
 * through a lossy network. Reports the leader history and the committed log.
 */
import { Simulation, type FaultAction, type SimulationResult } from "faultline";
import { entryAt, kvClient, raftCluster, type Command, type RaftState } from "faultline/raft";

/** What the demo found, for printing and for its test. */
export interface RaftDemoReport {
  readonly lines: readonly string[];
  readonly result: SimulationResult;
  readonly leaders: readonly { readonly term: number; readonly leader: string; readonly at: number }[];
  readonly ok: boolean;
}

function describe(c: Command): string {
  if (c.op === "noop") return "no-op (new leader)";
  if (c.op === "get") return `get ${c.key}`;
  if (c.op === "delete") return `delete ${c.key}`;
  return `put ${c.key}=${c.value}`;
}

/** Runs the demo for `seed`. */
export function runRaftDemo(seed: string): RaftDemoReport {
  const cluster = raftCluster({ nodes: 5 });
  const ids = cluster.ids;
  const plan: FaultAction[] = [
    { at: 1_500, type: "partition", groups: [["n1", "n2"], ["n3", "n4", "n5"]] },
    { at: 3_000, type: "heal" },
    { at: 3_500, type: "crash", node: "n3" },
    { at: 3_600, type: "crash", node: "n4" },
    { at: 5_000, type: "restart", node: "n3" },
    { at: 5_200, type: "restart", node: "n4" },
    { at: 6_000, type: "isolate", node: "n5" },
    { at: 7_000, type: "heal" },
  ];
  const sim = new Simulation({
    seed,
    nodes: cluster.nodes,
    invariants: cluster.invariants,
    network: { minLatencyMs: 2, maxLatencyMs: 20, dropRate: 0.05, duplicateRate: 0.05, reorderRate: 0.1 },
    plan,
    clients: ["alice", "bob", "carol"].map((name) => ({ id: name, actor: kvClient({ nodes: ids, name, ops: 12, keys: ["x", "y"], thinkMs: 250 }) })),
    maxTimeMs: 10_000,
  });
  const leaders: { term: number; leader: string; at: number }[] = [];
  while (sim.step()) {
    for (const id of ids) {
      const s = sim.node(id).state as RaftState | undefined;
      if (s?.role === "leader" && !leaders.some((l) => l.term === s.term)) leaders.push({ term: s.term, leader: id, at: sim.time });
    }
  }
  const result = sim.result();
  const lines = [`raft, seed "${seed}": ${ids.length} nodes, ${result.events} events, ${result.time} ms virtual`];
  lines.push("faults: 5% drops, 5% duplicates, 10% reordering; " + plan.map((a) => `${a.type}${"node" in a ? " " + a.node : ""}${"groups" in a ? " " + a.groups.map((g) => g.join("+")).join(" | ") : ""} @${a.at}`).join(", "));
  lines.push("leader history:");
  for (const l of leaders) lines.push(`  term ${String(l.term).padStart(2)}: ${l.leader} (from ${l.at} ms)`);
  const leader = [...leaders].reverse().find((l) => (sim.node(l.leader).state as RaftState | undefined)?.role === "leader")?.leader ?? ids[0];
  const s = sim.node(leader as string).state as RaftState;
  lines.push(`committed log of ${leader} (${s.commitIndex} entries${s.log.snapshot.index > 0 ? `, first ${s.log.snapshot.index} in a snapshot` : ""}):`);
  for (let i = s.log.snapshot.index + 1; i <= s.commitIndex; i++) {
    const e = entryAt(s, i);
    if (e) lines.push(`  ${String(i).padStart(3)}  term ${e.term}  ${describe(e.command)}`);
  }
  const answered = result.history.filter((h) => h.completedAt !== undefined && (h.res as { ok?: boolean }).ok).length;
  lines.push(`clients: ${answered} operations acknowledged (${result.history.length} requests, redirects and retries included)`);
  lines.push(`final state: ${JSON.stringify((s.machine as { data: unknown }).data)}`);
  const agree = new Set(ids.map((id) => JSON.stringify((sim.node(id).state as RaftState).machine))).size === 1;
  lines.push(agree ? "all 5 nodes hold the same state machine" : "nodes still differ");
  lines.push(result.ok ? "invariants (ElectionSafety, LogMatching, LeaderCompleteness, StateMachineSafety, LeaderAppendOnly, CommitIndexMonotonic) held after every step" : `VIOLATION ${result.violation?.invariant}: ${result.violation?.message}`);
  lines.push(`trace hash ${result.traceHash}`);
  return { lines, result, leaders, ok: result.ok && agree };
}
