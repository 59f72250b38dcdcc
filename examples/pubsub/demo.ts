/**
 * Three pub/sub brokers on Raft under a partition, a crash, skewed and drifting clocks and a
 * clock jump, with two producers and three consumers (two in one group). Reports the history
 * checker's verdict, the timestamp-order figures of a subscriber merging two topics through the
 * bounded reordering buffer, and the clock-offset estimate's error against the true skew.
 */
import { Simulation, type FaultAction, type SimulationResult } from "faultline";
import {
  checkPubSubHistory,
  consumerClient,
  measureOffsetError,
  producerClient,
  pubsubCluster,
  reorderBuffer,
  reorderDue,
  reorderFlush,
  reorderPush,
  reorderTick,
  type BrokerState,
  type OffsetRow,
  type OffsetScenario,
  type PubSubCheck,
  type PubSubOp,
  type StoredMessage,
} from "faultline/pubsub";

/** What the demo found. */
export interface PubSubDemoReport {
  readonly lines: string[];
  readonly result: SimulationResult;
  readonly check: PubSubCheck;
  readonly reordering: readonly ReorderRow[];
  readonly ok: boolean;
}

/** Timestamp order through a window: how many of the merged deliveries came late. */
export interface ReorderRow {
  readonly windowMs: number;
  readonly delivered: number;
  readonly late: number;
  readonly maxHeldMs: number;
}

const PLAN: FaultAction[] = [
  { at: 2_000, type: "partition", groups: [["n1"], ["n2", "n3"]] },
  { at: 3_500, type: "heal" },
  { at: 4_500, type: "crash", node: "n2" },
  { at: 5_500, type: "restart", node: "n2" },
  { at: 6_000, type: "clock", node: "n3", offsetMs: 300 },
];

/** Merges the deliveries of two topics (first delivery of each offset) by when they arrived, through windows. */
export function reorderFigures(history: readonly PubSubOp[], windows: readonly number[]): ReorderRow[] {
  const arrivals: { msg: StoredMessage & { topic: string }; at: number }[] = [];
  const seen = new Set<string>();
  for (const h of [...history].sort((a, b) => (a.completedAt ?? Infinity) - (b.completedAt ?? Infinity))) {
    if (h.req.op !== "poll" || h.res?.ok !== true || h.res.op !== "poll") continue;
    for (const m of h.res.messages) {
      const key = `${h.req.topic}@${m.offset}`;
      if (!seen.has(key)) arrivals.push({ msg: { ...m, topic: h.req.topic }, at: h.completedAt as number });
      seen.add(key);
    }
  }
  return windows.map((windowMs) => {
    let b = reorderBuffer<StoredMessage & { topic: string }>(windowMs);
    let maxHeldMs = 0;
    const take = (r: { state: typeof b; out: { heldMs: number }[] }) => {
      b = r.state;
      for (const o of r.out) maxHeldMs = Math.max(maxHeldMs, o.heldMs);
    };
    for (const a of arrivals) {
      // The subscriber's timer: release what falls due before this arrival, when it falls due.
      for (let due = reorderDue(b); due !== undefined && due <= a.at; due = reorderDue(b)) take(reorderTick(b, due));
      take(reorderPush(b, a.msg, a.at));
    }
    const end = reorderFlush(b, Infinity);
    return { windowMs, delivered: end.state.released, late: end.state.late, maxHeldMs };
  });
}

/** Runs the demo for `seed`. */
export function runPubSubDemo(seed: string): PubSubDemoReport {
  const cluster = pubsubCluster({ nodes: 3 });
  const ids = cluster.ids;
  const sim = new Simulation({
    seed,
    nodes: cluster.nodes,
    invariants: cluster.invariants,
    network: { minLatencyMs: 1, maxLatencyMs: 12, dropRate: 0.02, duplicateRate: 0.02, reorderRate: 0.05 },
    clocks: { n2: { offsetMs: 120, drift: 0.0005 }, n3: { offsetMs: -80, drift: -0.0002 } },
    plan: PLAN,
    clients: [
      { id: "p1", actor: producerClient({ nodes: ids, producer: "p1", topics: ["t", "u"], count: 30, timeoutMs: 300 }) },
      { id: "p2", actor: producerClient({ nodes: ids, producer: "p2", topics: ["u", "t"], count: 30, timeoutMs: 300 }) },
      { id: "c1", actor: consumerClient({ nodes: ids, group: "g", topic: "t", polls: 25, max: 5, timeoutMs: 300, thinkMs: 30 }) },
      { id: "c2", actor: consumerClient({ nodes: ids, group: "g", topic: "t", polls: 25, max: 5, timeoutMs: 300, thinkMs: 50 }) },
      { id: "c3", actor: consumerClient({ nodes: ids, group: "h", topic: "u", polls: 40, max: 4, timeoutMs: 300, thinkMs: 40 }) },
    ],
    maxTimeMs: 12_000,
  });
  sim.runUntil(10_000);
  const leader = ids.find((id) => (sim.node(id).state as BrokerState | undefined)?.raft.role === "leader");
  for (const topic of ["t", "u"]) if (leader !== undefined) sim.request(leader, `final-${topic}`, { op: "history", topic, from: 0, limit: 1_000 }, 10_000);
  sim.runUntil(11_000);
  const result = sim.result();
  const check = checkPubSubHistory(result.history);
  const reordering = reorderFigures(result.history as PubSubOp[], [0, 10, 50, 200]);
  const lines = [
    `3 brokers, seed ${JSON.stringify(seed)}: ${PLAN.map((a) => `${a.type}@${a.at}`).join(", ")}; clocks n2 +120 ms (drift 5e-4), n3 -80 ms (drift -2e-4)`,
    `Raft invariants: ${result.violation === undefined ? "held" : `BROKEN ${result.violation.invariant}: ${result.violation.message}`}`,
    `checker: ${check.ok ? "OK" : "VIOLATIONS"} — ${check.acked} acknowledged publishes, ${check.found} found in the final logs, ${check.unverified} unverified`,
    ...check.violations.map((v) => `  ${v.kind}: ${v.message} (ops ${v.ops.map((o) => `${o.client}#${o.id}`).join(", ")})`),
    "timestamp order across topics t and u, (HLC, producer, seq), by reordering window:",
    "  window ms | delivered | late | max held ms",
    ...reordering.map((r) => `  ${String(r.windowMs).padStart(9)} | ${String(r.delivered).padStart(9)} | ${String(r.late).padStart(4)} | ${r.maxHeldMs.toFixed(1)}`),
  ];
  return { lines, result, check, reordering, ok: result.violation === undefined && check.ok && leader !== undefined };
}

/** The offset-estimate table's settings (n2 against n1). */
export const OFFSET_GRID: readonly OffsetScenario[] = [
  ...[0, 250, -1_000].flatMap((skewMs) => [0, 1e-3].flatMap((drift) => [0, 0.3].map((loss) => ({ skewMs, drift, loss })))),
  { skewMs: 250, drift: 0, loss: 0, asymmetryMs: 5 },
  { skewMs: 250, drift: 0, loss: 0, asymmetryMs: 20 },
];

/** The offset-estimate table as text rows. */
export function offsetTable(grid: readonly OffsetScenario[] = OFFSET_GRID, seeds = 3): { rows: OffsetRow[]; lines: string[] } {
  const rows = grid.map((s) => measureOffsetError({ ...s, seeds }));
  const lines = [
    `clock-offset estimate of n2 by n1 (best of the last 8 probes, every 100 ms; 1–10 ms links; ${seeds} seeds, 5 s each):`,
    "  skew ms | drift | loss | asym ms | mean |err| ms | max |err| ms | mean bound ms | outside bound",
    ...rows.map(
      (r) =>
        `  ${String(r.skewMs).padStart(7)} | ${String(r.drift).padStart(5)} | ${String(r.loss).padStart(4)} | ${String(r.asymmetryMs ?? 0).padStart(7)} | ${r.meanErrorMs.toFixed(2).padStart(13)} | ${r.maxErrorMs.toFixed(2).padStart(12)} | ${r.meanBoundMs.toFixed(2).padStart(13)} | ${r.outsideBound}`,
    ),
  ];
  return { rows, lines };
}
