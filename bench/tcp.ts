/**
 * The TCP runtime on loopback, fsync on: real processes (`faultline coordinator`/`participant`/
 * `raft-node`) driven by concurrent clients for a few seconds each, and the same disk's raw
 * write+fsync rate measured in the same run, so the Raft figure reads as a ratio to the disk.
 *
 * A Raft commit's path: the client's request wakes the leader, which sends the entry to its idle
 * followers at once and writes it in parallel (`parallelLeaderWrite`, thesis §10.2.1: it counts
 * itself only once its own fsync returns); a follower writes and fsyncs the AppendEntries on its
 * event loop (one step, nothing in flight: no thread-pool hop) and acknowledges; one
 * acknowledgement plus the leader's own durable write (or two acknowledgements) commit it, and
 * the reply leaves at once (replies are about majority-durable entries, so they do not wait for
 * the leader's later batches). That is four process wake-ups and one follower fsync per round.
 *
 * The CPU rows say what bounds it: every commit costs the node processes and the clients' process
 * that many microseconds of CPU (JSON framing, a socket write and read at each hop, the key-value
 * apply on each node), so on a machine with C free cores commits/s cannot pass C * 1e6 / (their
 * sum), whatever the disk. The clients are lean writers (`tcp-writers.ts`): 64 sessions with one
 * put in flight each, sharing `FAULTLINE_TCP_CONNS` connections (etcd's benchmark shape, 64 clients
 * over 8 connections, and one connection per client: a row each), so their process costs little
 * beside the nodes. On a shared, loaded machine the processes get a fraction of a core each and
 * the figures swing between runs: run the row several times and read the ratio.
 */
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { beginTransaction, KvClient, statusOf, type Cluster } from "faultline/cli";
import { killAll, makeCluster, startProcess, type Proc } from "../packages/cli/test/procs.js";
import { cpuMsOf, cpuSplitOf, mainThreadCpuMsOf, rawFsyncPerSecond, writeCallsOf } from "./host.js";
import { round3, type BenchRow } from "./row.js";
import { Writer, WriterPool, watchWriters } from "./tcp-writers.js";

/**
 * The Raft row's clients: `writers` (default), 64 lean closed-loop writers of `tcp-writers.ts`; `kv`, 64 `KvClient`s (the CLI's
 * client: a timer, promise chain and frame walk per request; about 1.5x the CPU per commit of `writers` in the clients' process).
 */
const CLIENTS = process.env.FAULTLINE_TCP_CLIENTS ?? "writers";

/**
 * Seconds the Raft row's writers run before each measured loop (`FAULTLINE_TCP_WARMUP`, default
 * 4): the row is the steady state, not the nodes' first seconds, when V8 is still compiling their
 * hot paths on the same two cores. With 1 s, on a loaded machine, the first row of a run showed
 * 25-35 % more CPU per commit than the same row run again after it; with 4 s the two agree.
 */
const WARMUP = Number(process.env.FAULTLINE_TCP_WARMUP ?? 4);

/** Closed-loop clients of the Raft row, each its own session with one put in flight. */
const CLIENT_COUNT = 64;

/**
 * Connections the Raft row's writers share (`FAULTLINE_TCP_CONNS`, a comma-separated list, one
 * row per entry; default "8,64"): 64 clients over 8 connections is etcd's benchmark shape
 * (`benchmark --clients 64 --conns 8`), 8 sessions multiplexed on each connection; 64 gives
 * every client a connection of its own. Ignored with `FAULTLINE_TCP_CLIENTS=kv` (a connection each).
 */
const CONNS = (process.env.FAULTLINE_TCP_CONNS ?? "8,64").split(",").map((c) => {
  const n = Number(c);
  if (!Number.isSafeInteger(n) || n < 1 || n > CLIENT_COUNT) throw new Error(`FAULTLINE_TCP_CONNS: expected whole numbers from 1 to ${CLIENT_COUNT}, got "${c}"`);
  return n;
});

/** Set (`FAULTLINE_TCP_NODE_PROF=<dir>`): the Raft nodes are CPU-profiled (`cpu-prof-hook.mjs`), their profiles written to that directory when the bench stops them. */
const PROFILE = process.env.FAULTLINE_TCP_NODE_PROF;

/** Seconds each closed loop runs (`FAULTLINE_TCP_SECONDS`, default 3): longer runs steady the CPU-per-commit rows on a loaded machine. */
const SECONDS = Number(process.env.FAULTLINE_TCP_SECONDS ?? 3);

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

/** What one shape of the Raft load measured. */
interface RaftLoad {
  readonly shape: string;
  readonly commits: number;
  readonly raw: number;
  /** CPU (user + system) of one raw write+fsync: what a batch's fsync costs a node besides its wait. */
  readonly rawCpuUs: number;
  /** Share of the raw probe's time the disk was busy. */
  readonly rawDiskBusy: number;
  readonly perLeaderFsync: number;
  /** Commits per fsync of a follower (their mean): the size of the AppendEntries batches. */
  readonly perFollowerFsync: number;
  readonly nodeUs: number;
  /** Of which the leader's, user and system (kernel: system calls, the loopback's TCP work). */
  readonly leaderUs: { readonly user: number; readonly system: number };
  /** Of the leader's, what its threads other than the main one used (the thread pool's fsyncs, V8's workers). */
  readonly leaderOtherThreadsUs: number;
  /** The two followers', summed, user and system. */
  readonly followersUs: { readonly user: number; readonly system: number };
  readonly writes: number;
  readonly clientUs: number;
}

/** Runs the 64 closed loops over `conns` connections against a running cluster; the disk's raw rate measured just before and after. */
async function raftLoad(raft: Awaited<ReturnType<typeof makeCluster>>, byId: ReadonlyMap<string, Proc>, leader: string, conns: number): Promise<RaftLoad> {
  const nodes = [...byId.values()];
  const nodesCpu = () => nodes.reduce((sum, p) => sum + cpuMsOf(p.child.pid), 0);
  const nodesWrites = () => nodes.reduce((sum, p) => sum + writeCallsOf(p.child.pid), 0);
  const pool = new WriterPool(raft.nodes, conns);
  // Writer c uses connection c of its node's (modulo their count): `conns` connections, 64 / conns sessions on each.
  const clients = Array.from({ length: CLIENT_COUNT }, (_, c) => (CLIENTS === "kv" ? new KvClient(raft.nodes as Cluster) : new Writer(pool, leader, c)));
  const unwatch = watchWriters(pool);
  const put = (c: number, i: number) => {
    const client = clients[c] as KvClient | Writer;
    return client instanceof Writer ? client.put(`k${c}`, `${i}`) : client.put(`k${c}`, `${i}`, 20_000);
  };
  try {
    if (WARMUP > 0) await closedLoops(CLIENT_COUNT, WARMUP, put);
    const before = rawFsyncPerSecond();
    const start = await groupCommits(raft.nodes as Cluster);
    const cpuBefore = nodesCpu();
    const leaderProc = byId.get(leader);
    const leaderBefore = cpuSplitOf(leaderProc?.child.pid);
    const leaderMainBefore = mainThreadCpuMsOf(leaderProc?.child.pid);
    const followerProcs = [...byId].filter(([id]) => id !== leader).map(([, p]) => p);
    const followersSplit = () => followerProcs.map((p) => cpuSplitOf(p.child.pid)).reduce((a, b) => ({ user: a.user + b.user, system: a.system + b.system }), { user: 0, system: 0 });
    const followersBefore = followersSplit();
    const writesBefore = nodesWrites();
    const clientCpu = process.cpuUsage();
    const { rate: commits, done } = await closedLoops(CLIENT_COUNT, SECONDS, put);
    const clientUs = process.cpuUsage(clientCpu);
    const nodesUs = (nodesCpu() - cpuBefore) * 1000;
    const leaderAfter = cpuSplitOf(leaderProc?.child.pid);
    const leaderMain = mainThreadCpuMsOf(leaderProc?.child.pid) - leaderMainBefore;
    const followersAfter = followersSplit();
    const writes = nodesWrites() - writesBefore;
    const end = await groupCommits(raft.nodes as Cluster);
    const after = rawFsyncPerSecond();
    // Commits per fsync of the leader: how much group commit (runtime and Raft batching) gathers.
    const leaderFsyncs = end.leader !== undefined && end.leader === start.leader ? (end.fsyncs[end.leader] as number) - (start.fsyncs[end.leader] as number) : Number.NaN;
    // The followers' too: each AppendEntries a follower gets is one fsync of its own (synced inline, one step at a time).
    const followerFsyncs = Object.keys(end.fsyncs)
      .filter((id) => id !== end.leader)
      .reduce((sum, id) => sum + (end.fsyncs[id] as number) - (start.fsyncs[id] as number), 0);
    const shape = CLIENTS === "kv" ? `${CLIENT_COUNT} KvClients, ${CLIENT_COUNT} connections` : `${CLIENT_COUNT} clients over ${conns} connections`;
    return { shape, commits, raw: (before.rate + after.rate) / 2, rawCpuUs: (before.cpuUs + after.cpuUs) / 2, rawDiskBusy: (before.diskBusy + after.diskBusy) / 2, perLeaderFsync: done / leaderFsyncs, perFollowerFsync: (2 * done) / followerFsyncs, nodeUs: nodesUs / done, leaderUs: { user: ((leaderAfter.user - leaderBefore.user) * 1000) / done, system: ((leaderAfter.system - leaderBefore.system) * 1000) / done }, leaderOtherThreadsUs: ((leaderAfter.user + leaderAfter.system - leaderBefore.user - leaderBefore.system - leaderMain) * 1000) / done, followersUs: { user: ((followersAfter.user - followersBefore.user) * 1000) / done, system: ((followersAfter.system - followersBefore.system) * 1000) / done }, writes: writes / done, clientUs: (clientUs.user + clientUs.system) / done };
  } finally {
    unwatch();
    pool.close();
    for (const c of clients) if (c instanceof KvClient) c.close();
  }
}

/** Measures 2PC transactions and Raft commits per second over TCP with fsync, beside the disk's raw fsync rate. */
export async function benchTcp(): Promise<BenchRow[]> {
  try {
    const tpc = await makeCluster(["coordinator", "p1", "p2", "p3"]);
    await Promise.all([startProcess("coordinator", "coordinator", tpc), ...["p1", "p2", "p3"].map((p) => startProcess("participant", p, tpc))]);
    const { rate: txs } = await closedLoops(8, SECONDS, (c, i) => beginTransaction(tpc.nodes as Cluster, "coordinator", `b${c}-${i}`));
    killAll();
    const raft = await makeCluster(["n1", "n2", "n3"]);
    // Spawned processes inherit the environment: --cpu-prof for the nodes only.
    const options = process.env.NODE_OPTIONS;
    if (PROFILE !== undefined) {
      process.env.NODE_OPTIONS = `${options ?? ""} --import ${fileURLToPath(new URL("cpu-prof-hook.mjs", import.meta.url))}`;
      process.env.FAULTLINE_PROF_DIR = PROFILE;
    }
    const nodes = await Promise.all(["n1", "n2", "n3"].map((id) => startProcess("raft-node", id, raft))).finally(() => {
      if (options === undefined) delete process.env.NODE_OPTIONS;
      else process.env.NODE_OPTIONS = options;
    });
    const kv = new KvClient(raft.nodes as Cluster);
    const leader = (await kv.get("warmup", 20_000)).node;
    kv.close();
    const rows: BenchRow[] = [{ name: "tcp 2PC transactions per second (3 participants, loopback, fsync on, 8 clients)", value: round3(txs), unit: "tx/s" }];
    for (const conns of CONNS) {
      const r = await raftLoad(raft, new Map(nodes.map((p, i) => [`n${i + 1}`, p])), leader, conns);
      const shape = `3 nodes, loopback, fsync on, ${r.shape}`;
      rows.push(
        { name: `tcp raft commits per second (${shape})`, value: round3(r.commits), unit: "commits/s" },
        { name: `raw write+fsync per second on the same disk (just before and after the ${r.shape} row)`, value: round3(r.raw), unit: "fsyncs/s" },
        { name: `tcp raft commits per raw fsync (${r.shape}; goal >= 10)`, value: round3(r.commits / r.raw), unit: "x" },
        // Low: the probe spent its second waiting for CPU (the journal's kernel thread, its own wake-up), not for the disk, and the ratio above is not the disk's.
        { name: `share of the raw probe's time the disk was busy (${r.shape} row; /sys/dev/block io_ticks, other I/O included)`, value: round3(r.rawDiskBusy), unit: "share" },
        // In a VM each fsync costs the caller CPU too (here 100-170 µs of system time): a node's batch fsyncs are a large share of its system time.
        { name: `CPU per raw write+fsync, user + system (just before and after the ${r.shape} row)`, value: round3(r.rawCpuUs), unit: "µs" },
        { name: `tcp raft commits per leader fsync (${r.shape}; batch size; NaN when leadership moved)`, value: round3(r.perLeaderFsync), unit: "commits" },
        { name: `tcp raft commits per follower fsync (${r.shape}; the followers' mean: entries per AppendEntries)`, value: round3(r.perFollowerFsync), unit: "commits" },
        { name: `tcp raft CPU per commit, the 3 node processes (${r.shape}; Linux /proc; 10 ms ticks)`, value: round3(r.nodeUs), unit: "µs" },
        { name: `tcp raft CPU per commit, the leader alone, user (${r.shape})`, value: round3(r.leaderUs.user), unit: "µs" },
        { name: `tcp raft CPU per commit, the leader alone, system (${r.shape})`, value: round3(r.leaderUs.system), unit: "µs" },
        { name: `tcp raft CPU per commit, the leader's threads other than its main one (${r.shape}; its thread pool's batch fsyncs, V8's workers)`, value: round3(r.leaderOtherThreadsUs), unit: "µs" },
        // System time includes each fsync's own CPU (about 100-170 µs of it per write+fsync in this VM): fewer, larger batches pay.
        { name: `tcp raft CPU per commit, the 2 followers, user (${r.shape})`, value: round3(r.followersUs.user), unit: "µs" },
        { name: `tcp raft CPU per commit, the 2 followers, system (${r.shape})`, value: round3(r.followersUs.system), unit: "µs" },
        // Each write is a system call with the loopback's TCP work behind it: a large share of the nodes' CPU.
        { name: `tcp raft write system calls per commit, the 3 node processes (${r.shape}; Linux /proc)`, value: round3(r.writes), unit: "calls" },
        { name: `tcp raft CPU per commit, the clients' process (${r.shape})`, value: round3(r.clientUs), unit: "µs" },
        // What the CPU alone allows: 10x the raw fsync rate needs this ceiling above 10 * raw, i.e. nodes + clients under cores * 1e6 / (10 * raw) µs per commit.
        { name: `tcp raft commits per second the CPU allows (${r.shape}; ${availableParallelism()} cores * 1e6 / CPU per commit of the nodes and the clients)`, value: round3((availableParallelism() * 1e6) / (r.nodeUs + r.clientUs)), unit: "commits/s" },
      );
    }
    if (PROFILE !== undefined) {
      // A profile is written at exit, not at kill -9: stop the nodes gracefully.
      for (const p of nodes) p.child.kill("SIGTERM");
      await Promise.all(nodes.map((p) => p.exited));
    }
    return rows;
  } finally {
    killAll();
  }
}
