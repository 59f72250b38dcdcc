/**
 * Pub/sub on real sockets: 3 `faultline broker` processes on 127.0.0.1, a publisher and a
 * subscriber through `faultline/pubsub`'s client, then kill -9 of the leader mid-publish: the
 * publisher's in-flight publish is retried at the new leader without a duplicate, the subscriber
 * re-subscribes there from its group's committed offset, and the checker reads the whole history.
 *
 *   node --import tsx examples/pubsub/tcp.ts
 */
import { checkPubSubHistory, type PubSubOp } from "faultline/pubsub";
import { brokerClient, findLeader, makeBrokerCluster, startBroker } from "../../packages/cli/test/broker-procs.js";
import { killAll } from "../../packages/cli/test/procs.js";

const ids = ["n1", "n2", "n3"];
const history: PubSubOp[] = [];
try {
  const c = await makeBrokerCluster(ids);
  const procs = new Map(await Promise.all(ids.map(async (id) => [id, await startBroker(id, c)] as const)));
  const publisher = await brokerClient(c, { history, timeoutMs: 20_000 });
  const subscriber = await brokerClient(c, { history, timeoutMs: 20_000 });
  const leader = await findLeader(publisher, ids, 20_000);
  console.log(`3 brokers up; leader ${leader}`);
  const received: number[] = [];
  const sub = subscriber.subscribe("orders", "billing", { onMessage: (m) => void received.push(m.offset) });

  const publishing = (async () => {
    for (let i = 1; i <= 60; i++) await publisher.publish("orders", `order ${i}`);
  })();
  await new Promise((r) => setTimeout(r, 400));
  console.log(`kill -9 the leader ${leader} while publishing`);
  procs.get(leader)?.child.kill("SIGKILL");
  const t0 = Date.now();
  await publishing;
  console.log(`all 60 publishes acknowledged (${Date.now() - t0} ms after the kill); new leader ${await findLeader(publisher, ids.filter((id) => id !== leader))}`);
  while (sub.next < 60) await new Promise((r) => setTimeout(r, 50));
  await sub.idle();
  console.log(`subscriber handled offsets 0..${sub.next - 1} (${received.length} deliveries), group committed at ${sub.committed}`);
  const log = await publisher.history("orders", 0, 1000);
  const verdict = checkPubSubHistory(history);
  console.log(`log end ${log.end}; checker: ${verdict.ok ? "ok" : "VIOLATIONS"} (${verdict.acked} acknowledged publishes, ${verdict.found} found, ${verdict.violations.length} violations)`);
  publisher.close();
  subscriber.close();
  if (!verdict.ok) process.exitCode = 1;
} finally {
  killAll();
}
