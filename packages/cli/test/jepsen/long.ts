/**
 * The long Jepsen-style run, as a command:
 *
 *   JEPSEN_FAULTS=1000 JEPSEN_RUN_SECONDS=60 node --import tsx packages/cli/test/jepsen/long.ts
 *
 * JEPSEN_PROTOCOLS=raft or =2pc runs one protocol only (two processes can then run side by side).
 * Repeats runs of each protocol (JEPSEN_RUN_SECONDS of faults each, default 60) until each has
 * seen JEPSEN_FAULTS faults (default 1,000), then prints the totals; exits 1 at the first
 * violation, with the seed to replay it (`JEPSEN_SEED=<seed>` in jepsen.test.ts).
 */
import { raftRun, twoPhaseRun } from "./workloads.js";

const target = Number(process.env.JEPSEN_FAULTS ?? 1_000);
const runMs = Number(process.env.JEPSEN_RUN_SECONDS ?? 60) * 1_000;
const total = (f: Record<string, number>) => Object.values(f).reduce((a, b) => a + b, 0);
const add = (into: Record<string, number>, f: Record<string, number>) => {
  for (const [k, v] of Object.entries(f)) into[k] = (into[k] ?? 0) + v;
};

const protocols = (process.env.JEPSEN_PROTOCOLS ?? "raft,2pc").split(",");
const raft = { runs: 0, faults: {} as Record<string, number>, operations: 0, acknowledgedWrites: 0, ambiguousWrites: 0 };
while (protocols.includes("raft") && total(raft.faults) < target) {
  const r = await raftRun({ faultMs: runMs, seed: Math.floor(Math.random() * 2 ** 31) }).catch((err: Error) => err);
  if (r instanceof Error) {
    console.log(`raft run aborted, not counted (the harness, not the cluster): ${r.message.slice(0, 300)}`);
    continue;
  }
  raft.runs++;
  add(raft.faults, r.faults);
  raft.operations += r.operations;
  raft.acknowledgedWrites += r.acknowledgedWrites;
  raft.ambiguousWrites += r.ambiguousWrites;
  console.log(`raft run ${raft.runs}: ${JSON.stringify({ ...r, history: r.history.length })}`);
  if (!r.linearizable) {
    console.log(`NOT LINEARIZABLE (seed ${r.seed}): ${r.detail}`);
    process.exit(1);
  }
}
const tpc = { runs: 0, faults: {} as Record<string, number>, transactions: 0, committed: 0, aborted: 0, unanswered: 0 };
while (protocols.includes("2pc") && total(tpc.faults) < target) {
  const r = await twoPhaseRun({ faultMs: runMs, seed: Math.floor(Math.random() * 2 ** 31) }).catch((err: Error) => err);
  if (r instanceof Error) {
    console.log(`2pc run aborted, not counted (the harness, not the cluster): ${r.message.slice(0, 300)}`);
    continue;
  }
  tpc.runs++;
  add(tpc.faults, r.faults);
  tpc.transactions += r.transactions;
  tpc.committed += r.committed;
  tpc.aborted += r.aborted;
  tpc.unanswered += r.unanswered;
  console.log(`2pc run ${tpc.runs}: ${JSON.stringify({ ...r, replies: r.replies.size })}`);
  if (r.violations.length > 0) {
    console.log(`2PC VIOLATIONS (seed ${r.seed}): ${r.violations.slice(0, 10).join("; ")}`);
    process.exit(1);
  }
}
if (protocols.includes("raft")) console.log(`raft total: ${JSON.stringify({ ...raft, totalFaults: total(raft.faults), linearizable: true })}`);
if (protocols.includes("2pc")) console.log(`2pc total: ${JSON.stringify({ ...tpc, totalFaults: total(tpc.faults), violations: 0 })}`);
process.exit(0);
