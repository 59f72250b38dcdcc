/**
 * Two-phase commit with 3 participants voting by their own preferences (one mostly votes NO),
 * a lossy, duplicating, reordering network, and a coordinator that crashes with transactions in
 * flight and comes back from its log. Returns a readable report of the run.
 */
import { simulate, type FaultAction, type SimulationResult } from "@faultline/kernel";
import {
  checkTermination,
  participantLog,
  coordinatorLog,
  transactionClient,
  type CoordinatorRecord,
  twoPhaseCommitCluster,
  type ParticipantRecord,
  type TransactionResult,
} from "@faultline/two-phase-commit";

/** What the demo found, for printing and for its test. */
export interface DemoReport {
  readonly lines: readonly string[];
  readonly result: SimulationResult;
  /** Whether every invariant held and every transaction finished everywhere. */
  readonly ok: boolean;
}

/** Runs the demo for `seed`. */
export function runDemo(seed: string): DemoReport {
  const cluster = twoPhaseCommitCluster({ participants: 3, commitProbability: { p1: 0.95, p2: 0.9, p3: 0.6 } });
  const plan: FaultAction[] = [
    { at: 230, type: "crash", node: "coordinator" }, // mid-flight: some transactions are undecided, some decided
    { at: 900, type: "restart", node: "coordinator" },
    { at: 1_200, type: "partition", groups: [["coordinator", "p1", "p2"], ["p3"]] },
    { at: 1_500, type: "heal" },
    { at: 2_000, type: "network", dropRate: 0, duplicateRate: 0, reorderRate: 0 },
  ];
  const result = simulate({
    seed,
    nodes: cluster.nodes,
    invariants: cluster.invariants,
    network: { minLatencyMs: 2, maxLatencyMs: 25, dropRate: 0.1, duplicateRate: 0.1, reorderRate: 0.2 },
    plan,
    // Three closed-loop clients, 4 transactions each; a client that gets no answer asks again for the same tx.
    clients: ["c1", "c2", "c3"].map((id) => ({ id, actor: transactionClient({ count: 4, prefix: id, thinkMs: 40, timeoutMs: 300 }) })),
    maxTimeMs: 5_000,
  });
  const logs = cluster.config.participants.map((p) => [p, participantLog(result.view.node(p).records as ParticipantRecord[])] as const);
  const lines: string[] = [`two-phase commit, seed "${seed}": coordinator + ${logs.length} participants, ${result.events} events, ${result.time} ms virtual`];
  lines.push("faults: 10% drops, 10% duplicates, 20% reordering until 2 s; " + plan.map((a) => `${a.type}${"node" in a ? " " + a.node : ""} @${a.at}`).join(", "));
  let committed = 0;
  let aborted = 0;
  const txs = [...coordinatorLog(result.view.node("coordinator").records as CoordinatorRecord[]).txs.keys()];
  for (const tx of txs) {
    const asks = result.history.filter((op) => (op.req as { tx?: string }).tx === tx);
    const told = asks.map((op) => (op.res as TransactionResult | undefined)?.outcome).find((o) => o !== undefined) ?? "no answer";
    const votes = logs.map(([p, log]) => `${p}:${log.get(tx)?.vote.replace("none", "-") ?? "-"}`).join(" ");
    const ends = logs.map(([, log]) => log.get(tx)?.state ?? "working");
    if (ends.every((e) => e === "committed")) committed++;
    if (ends.every((e) => e === "aborted")) aborted++;
    const retries = asks.length > 1 ? ` (client asked ${asks.length} times)` : "";
    lines.push(`  ${tx.padEnd(5)} votes ${votes.padEnd(20)} -> client told ${told.padEnd(6)} participants: ${ends.join(", ")}${retries}`);
  }
  const unfinished = checkTermination(result.view, cluster.config);
  lines.push(`summary: ${txs.length} transactions, ${committed} committed, ${aborted} aborted, ${txs.length - committed - aborted} unfinished`);
  lines.push(result.ok ? "invariants (Consistent, OutcomeMatchesDecision, CommitRequiresUnanimity, DecisionNeverChanges, RepliesMatchOutcome) held after every step" : `VIOLATION ${result.violation?.invariant}: ${result.violation?.message}`);
  lines.push(unfinished === undefined ? "every transaction finished at every participant once the faults stopped" : `NOT FINISHED: ${unfinished}`);
  lines.push(`trace hash ${result.traceHash}`);
  return { lines, result, ok: result.ok && unfinished === undefined };
}
