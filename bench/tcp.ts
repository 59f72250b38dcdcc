/**
 * The TCP runtime on loopback, fsync on: real processes (`faultline coordinator`/`participant`/
 * `raft-node`) driven by concurrent clients for a few seconds each.
 */
import { beginTransaction, kvRequest, type Cluster } from "faultline/cli";
import { killAll, makeCluster, startProcess } from "../packages/cli/test/procs.js";
import { round3, type BenchRow } from "./row.js";

const SECONDS = 3;

/** Runs `clients` loops of `op` for SECONDS; returns completed operations per second. */
async function load(clients: number, op: (client: number, i: number) => Promise<unknown>): Promise<number> {
  const end = Date.now() + SECONDS * 1000;
  let done = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let i = 0; Date.now() < end; i++) {
        await op(c, i);
        done++;
      }
    }),
  );
  return done / (Number(process.hrtime.bigint() - start) / 1e9);
}

/** Measures 2PC transactions and Raft commits per second over TCP with fsync. */
export async function benchTcp(): Promise<BenchRow[]> {
  try {
    const tpc = await makeCluster(["coordinator", "p1", "p2", "p3"]);
    await Promise.all([startProcess("coordinator", "coordinator", tpc), ...["p1", "p2", "p3"].map((p) => startProcess("participant", p, tpc))]);
    const txs = await load(8, (c, i) => beginTransaction(tpc.nodes as Cluster, "coordinator", `b${c}-${i}`));
    killAll();
    const raft = await makeCluster(["n1", "n2", "n3"]);
    await Promise.all(["n1", "n2", "n3"].map((id) => startProcess("raft-node", id, raft)));
    let leader = (await kvRequest(raft.nodes as Cluster, { op: "get", key: "warmup" }, { timeoutMs: 20_000 })).node;
    const commits = await load(16, async (c, i) => {
      const res = await kvRequest(raft.nodes as Cluster, { op: "put", key: `k${c}`, value: `${i}`, session: { client: `b${c}`, seq: i + 1 } }, { client: `b${c}`, start: leader });
      leader = res.node;
    });
    return [
      { name: "tcp 2PC transactions per second (3 participants, loopback, fsync on, 8 clients)", value: round3(txs), unit: "tx/s" },
      { name: "tcp raft commits per second (3 nodes, loopback, fsync on, 16 clients)", value: round3(commits), unit: "commits/s" },
    ];
  } finally {
    killAll();
  }
}
