/**
 * The TCP runtime on loopback, fsync on: real processes (`faultline coordinator`/`participant`/
 * `raft-node`) driven by concurrent clients for a few seconds each, and the same disk's raw
 * write+fsync rate measured in the same run, so the Raft figure reads as a ratio to the disk.
 *
 * Where a Raft commit's time goes (persist-before-send kept): the leader's fsync of the batch
 * holding the entry, the follower's fsync of the AppendEntries carrying it, and the network hops
 * between three processes; the reply then waits for whatever the leader staged meanwhile. Nodes
 * use little CPU (7-15% each at a few hundred commits/s): a commit's latency is a chain of fsyncs
 * and process wake-ups, so commits/s is about 64 clients over that chain, and each leader fsync
 * gathers the requests of one cycle (the "commits per leader fsync" row).
 */
import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beginTransaction, KvClient, statusOf, type Cluster } from "faultline/cli";
import { killAll, makeCluster, startProcess } from "../packages/cli/test/procs.js";
import { round3, type BenchRow } from "./row.js";

const SECONDS = 3;

/** Runs `clients` closed loops of `op` for `seconds`; returns completed operations per second and their count. */
export async function closedLoops(clients: number, seconds: number, op: (client: number, i: number) => Promise<unknown>): Promise<{ rate: number; done: number }> {
  const end = Date.now() + seconds * 1000;
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
  return { rate: done / (Number(process.hrtime.bigint() - start) / 1e9), done };
}

/** Raw write+fsync of 100 bytes per call, for one second, in a directory on the same file system as the nodes' data. */
function rawFsyncPerSecond(): number {
  const dir = mkdtempSync(join(tmpdir(), "faultline-fsync-"));
  const fd = openSync(join(dir, "probe"), "w");
  const bytes = Buffer.alloc(100, 1);
  let n = 0;
  const start = process.hrtime.bigint();
  while (Number(process.hrtime.bigint() - start) < 1e9) {
    writeSync(fd, bytes);
    fsyncSync(fd);
    n++;
  }
  const s = Number(process.hrtime.bigint() - start) / 1e9;
  closeSync(fd);
  rmSync(dir, { recursive: true });
  return n / s;
}

/** Each Raft node's group commits (fsyncs of batches) so far, and which one leads, from `status`. */
async function groupCommits(cluster: Cluster): Promise<{ fsyncs: Record<string, number>; leader: string | undefined }> {
  const fsyncs: Record<string, number> = {};
  let leader: string | undefined;
  for (const id of Object.keys(cluster)) {
    const s = (await statusOf(cluster, id)) as { groupCommits?: number; state?: { role?: string } };
    fsyncs[id] = s.groupCommits ?? 0;
    if (s.state?.role === "leader") leader = id;
  }
  return { fsyncs, leader };
}

/** Measures 2PC transactions and Raft commits per second over TCP with fsync, beside the disk's raw fsync rate. */
export async function benchTcp(): Promise<BenchRow[]> {
  try {
    const tpc = await makeCluster(["coordinator", "p1", "p2", "p3"]);
    await Promise.all([startProcess("coordinator", "coordinator", tpc), ...["p1", "p2", "p3"].map((p) => startProcess("participant", p, tpc))]);
    const { rate: txs } = await closedLoops(8, SECONDS, (c, i) => beginTransaction(tpc.nodes as Cluster, "coordinator", `b${c}-${i}`));
    killAll();
    const raft = await makeCluster(["n1", "n2", "n3"]);
    await Promise.all(["n1", "n2", "n3"].map((id) => startProcess("raft-node", id, raft)));
    const clients = Array.from({ length: 64 }, () => new KvClient(raft.nodes as Cluster));
    await (clients[0] as KvClient).get("warmup", 20_000);
    const before = rawFsyncPerSecond();
    const start = await groupCommits(raft.nodes as Cluster);
    const { rate: commits, done } = await closedLoops(64, SECONDS, (c, i) => (clients[c] as KvClient).put(`k${c}`, `${i}`, 20_000));
    const end = await groupCommits(raft.nodes as Cluster);
    const after = rawFsyncPerSecond();
    // Commits per fsync of the leader: how much group commit (runtime and Raft batching) gathers.
    const leaderFsyncs = end.leader !== undefined && end.leader === start.leader ? (end.fsyncs[end.leader] as number) - (start.fsyncs[end.leader] as number) : Number.NaN;
    for (const c of clients) c.close();
    const raw = (before + after) / 2;
    return [
      { name: "tcp 2PC transactions per second (3 participants, loopback, fsync on, 8 clients)", value: round3(txs), unit: "tx/s" },
      { name: "tcp raft commits per second (3 nodes, loopback, fsync on, 64 clients)", value: round3(commits), unit: "commits/s" },
      { name: "raw write+fsync per second on the same disk (same run, before and after)", value: round3(raw), unit: "fsyncs/s" },
      { name: "tcp raft commits per raw fsync (group commit; goal >= 10)", value: round3(commits / raw), unit: "x" },
      { name: "tcp raft commits per leader fsync (batch size; NaN when leadership moved)", value: round3(done / leaderFsyncs), unit: "commits" },
    ];
  } finally {
    killAll();
  }
}
