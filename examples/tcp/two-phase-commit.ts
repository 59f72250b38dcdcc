/**
 * Two-phase commit on real sockets: a coordinator and 3 participant processes on 127.0.0.1, a few
 * transactions, then kill -9 of the coordinator in the middle of one, a restart, and the outcome.
 *
 *   node --import tsx examples/tcp/two-phase-commit.ts
 */
import { beginTransaction, type Cluster } from "faultline/cli";
import { readLog } from "faultline/tcp";
import { participantLog, type ParticipantRecord } from "faultline/two-phase-commit";
import { killAll, makeCluster, startProcess } from "../../packages/cli/test/procs.js";

const stateOf = (dir: string, tx: string) => participantLog(readLog(dir) as ParticipantRecord[]).get(tx)?.state ?? "working";

try {
  const c = await makeCluster(["coordinator", "p1", "p2", "p3"]);
  const cluster = c.nodes as Cluster;
  console.log(`cluster: ${JSON.stringify(c.nodes)}`);
  const slow = ["--vote-timeout-ms", "60000", "--resend-interval-ms", "100"];
  let coordinator = await startProcess("coordinator", "coordinator", c, slow);
  await Promise.all([startProcess("participant", "p1", c), startProcess("participant", "p2", c, ["--commit-probability", "0.7"])]);
  let p3 = await startProcess("participant", "p3", c);
  for (let i = 1; i <= 4; i++) console.log(`begin tx-${i}:`, JSON.stringify(await beginTransaction(cluster, "coordinator", `tx-${i}`)));

  console.log("\nfailure scenario: p3 goes down, tx-5 waits for its vote, the coordinator is killed -9 mid-transaction");
  p3.child.kill("SIGKILL");
  const pending = beginTransaction(cluster, "coordinator", "tx-5", 3_000).catch((e: Error) => `no answer (${e.message})`);
  await new Promise((r) => setTimeout(r, 500));
  coordinator.child.kill("SIGKILL");
  console.log("client of tx-5:", await pending);
  console.log("participants while the coordinator is down:", ["p1", "p2"].map((p) => `${p}=${stateOf(c.data(p), "tx-5")}`).join(" "), "(blocked: they voted and wait)");
  p3 = await startProcess("participant", "p3", c);
  coordinator = await startProcess("coordinator", "coordinator", c, slow);
  console.log("coordinator restarted from its log; asking again for tx-5:", JSON.stringify(await beginTransaction(cluster, "coordinator", "tx-5")));
  await new Promise((r) => setTimeout(r, 500));
  console.log("participants now:", ["p1", "p2", "p3"].map((p) => `${p}=${stateOf(c.data(p), "tx-5")}`).join(" "));
} finally {
  killAll();
}
