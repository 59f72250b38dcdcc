/**
 * Raft on real sockets: 3 raft-node processes on 127.0.0.1, writes and reads through the leader,
 * then kill -9 of the leader, a read of everything written, and the restarted node catching up.
 *
 *   node --import tsx examples/tcp/raft.ts
 */
import { kvRequest, type Cluster } from "faultline/cli";
import { killAll, makeCluster, startProcess } from "../../packages/cli/test/procs.js";

try {
  const c = await makeCluster(["n1", "n2", "n3"]);
  const cluster = c.nodes as Cluster;
  const procs = new Map(await Promise.all(["n1", "n2", "n3"].map(async (id) => [id, await startProcess("raft-node", id, c)] as const)));
  let leader = "";
  for (let i = 1; i <= 20; i++) leader = (await kvRequest(cluster, { op: "put", key: `k${i}`, value: `v${i}`, session: { client: "example", seq: i } }, { client: "example", start: leader || undefined })).node;
  console.log(`20 writes committed through leader ${leader}`);
  console.log("get k7:", JSON.stringify(await kvRequest(cluster, { op: "get", key: "k7" })));

  console.log(`\nfailure scenario: kill -9 the leader ${leader}`);
  procs.get(leader)?.child.kill("SIGKILL");
  const t0 = Date.now();
  const after = await kvRequest(cluster, { op: "put", key: "k21", value: "v21", session: { client: "example", seq: 21 } }, { client: "example", timeoutMs: 20_000 });
  console.log(`new leader ${after.node} committed a write ${Date.now() - t0} ms after the kill`);
  const values = await Promise.all(Array.from({ length: 21 }, (_, i) => kvRequest(cluster, { op: "get", key: `k${i + 1}` }).then((r) => r.value)));
  console.log(`all 21 values read back: ${values.every((v, i) => v === `v${i + 1}`)}`);
  await startProcess("raft-node", leader, c);
  console.log(`${leader} restarted from its file and rejoined as a follower`);
} finally {
  killAll();
}
