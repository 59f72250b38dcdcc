/**
 * Acknowledged publishes per second over TCP, side by side in one run:
 * - Faultline: 3 `faultline broker` processes on 127.0.0.1 (Raft, durable logs fsynced before
 *   every acknowledgement, group commit), driven through `faultline/pubsub`'s client: each
 *   publisher publishes one message at a time (producer id + seq, exactly once) and waits for
 *   its acknowledgement.
 * - NATS JetStream: 3 `nats-server` processes clustered on 127.0.0.1, an R3 file-backed stream,
 *   driven through the official `nats` client by the same workload: each publisher calls
 *   `js.publish` with a message id (JetStream's dedup) and waits for the ack. `sync_interval:
 *   always` (fsync every write) is set when the installed server knows it (2.10+); Debian's
 *   2.9.10 does not, and the row then says so: its writes are then flushed to the OS but fsynced
 *   only periodically, which favours it.
 * The row says "nats-server absent" when the binary is missing. A second Faultline row sends the
 * same publishes straight to the leader's node port, to show what the wire hop costs.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, StorageType, type NatsConnection } from "nats";
import { connectPubSub, type PubSubClient } from "faultline/pubsub";
import { Connection, newClientId } from "faultline/tcp";
import { killAll, freePorts } from "../packages/cli/test/procs.js";
import { findLeader, makeBrokerCluster, startBroker } from "../packages/cli/test/broker-procs.js";
import { round3, type BenchRow } from "./row.js";
import { closedLoops } from "./tcp.js";

const SECONDS = 4;
const PUBLISHERS = 32;
const PAYLOAD = "x".repeat(100);


/** Through the wire protocol; then the same load as requests straight to the leader's node port (no wire hop). */
async function faultlinePublishes(): Promise<{ wire: number; direct: number }> {
  const c = await makeBrokerCluster(["n1", "n2", "n3"]);
  await Promise.all(["n1", "n2", "n3"].map((id) => startBroker(id, c, ["--snapshot-threshold", "100000"])));
  const clients: PubSubClient[] = await Promise.all(Array.from({ length: PUBLISHERS }, () => connectPubSub({ brokers: c.wire, timeoutMs: 20_000 })));
  const conns: Connection[] = [];
  try {
    await (clients[0] as PubSubClient).publish("warmup", "w"); // waits for a leader
    // Topics spread over publishers, as streams' subjects are: the log of one topic is one array.
    const wire = (await closedLoops(PUBLISHERS, SECONDS, (p, i) => (clients[p] as PubSubClient).publish(`bench-${p % 8}`, `${PAYLOAD}${i}`))).rate;
    const leader = await findLeader(clients[0] as PubSubClient, ["n1", "n2", "n3"]);
    const ids = Array.from({ length: PUBLISHERS }, () => newClientId("direct"));
    for (let p = 0; p < PUBLISHERS; p++) conns.push(new Connection(c.nodes[leader] as { host: string; port: number }));
    const direct = (await closedLoops(PUBLISHERS, SECONDS, (p, i) =>
      (conns[p] as Connection).request(ids[p] as string, { op: "publish", topic: `direct-${p % 8}`, producer: ids[p], seq: i + 1, payload: `${PAYLOAD}${i}` }, 20_000),
    )).rate;
    return { wire, direct };
  } finally {
    for (const cl of clients) cl.close();
    for (const cn of conns) cn.close();
    killAll();
  }
}

/** Whether this nats-server accepts `sync_interval` (2.10+), by testing a config with it. */
function knowsSyncInterval(dir: string): boolean {
  const conf = join(dir, "probe.conf");
  writeFileSync(conf, `jetstream { store_dir: "${join(dir, "probe")}", sync_interval: always }\n`);
  return spawnSync("nats-server", ["-t", "-c", conf], { encoding: "utf8" }).status === 0;
}

async function natsPublishes(): Promise<{ rate: number; sync: boolean; version: string }> {
  const dir = mkdtempSync(join(tmpdir(), "faultline-nats-"));
  const version = spawnSync("nats-server", ["--version"], { encoding: "utf8" }).stdout.trim();
  const sync = knowsSyncInterval(dir);
  const ports = await freePorts(6);
  const servers: ChildProcess[] = [];
  let nc: NatsConnection | undefined;
  try {
    for (let i = 0; i < 3; i++) {
      const routes = [0, 1, 2].filter((j) => j !== i).map((j) => `"nats://127.0.0.1:${ports[3 + j]}"`);
      const conf = join(dir, `s${i}.conf`);
      writeFileSync(
        conf,
        [
          `server_name: s${i}`,
          `listen: "127.0.0.1:${ports[i]}"`,
          `jetstream { store_dir: "${join(dir, `s${i}`)}"${sync ? ", sync_interval: always" : ""} }`,
          `cluster { name: bench, listen: "127.0.0.1:${ports[3 + i]}", routes: [${routes.join(", ")}] }`,
        ].join("\n"),
      );
      servers.push(spawn("nats-server", ["-c", conf], { stdio: "ignore" }));
    }
    nc = await connect({ servers: [0, 1, 2].map((i) => `127.0.0.1:${ports[i]}`), maxReconnectAttempts: -1, reconnectTimeWait: 100 });
    // The meta leader takes a moment to be elected: retry reaching JetStream and creating the stream.
    for (let attempt = 0; ; attempt++) {
      try {
        const jsm = await nc.jetstreamManager({ timeout: 5_000 });
        await jsm.streams.add({ name: "BENCH", subjects: ["bench.>"], storage: StorageType.File, num_replicas: 3 });
        break;
      } catch (err) {
        if (attempt > 30) throw err;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    const js = nc.jetstream({ timeout: 20_000 });
    const enc = new TextEncoder();
    // The stream's own R3 leader may still be electing: retry the first publish until it is acked.
    for (let attempt = 0; ; attempt++) {
      try {
        await js.publish("bench.warmup", enc.encode("w"), { msgID: "warmup" });
        break;
      } catch (err) {
        if (attempt > 30) throw err;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    const rate = (await closedLoops(PUBLISHERS, SECONDS, (p, i) => js.publish(`bench.${p % 8}`, enc.encode(`${PAYLOAD}${i}`), { msgID: `p${p}-${i}` }))).rate;
    return { rate, sync, version };
  } finally {
    await nc?.close().catch(() => undefined);
    for (const s of servers) s.kill("SIGKILL");
  }
}

/** Faultline's and NATS JetStream's acknowledged publishes per second, measured in the same run. */
export async function benchPubSubTcp(): Promise<BenchRow[]> {
  const { wire: ours, direct } = await faultlinePublishes();
  const rows: BenchRow[] = [
    { name: `faultline acknowledged publishes/s over TCP (3 brokers, fsync on, ${PUBLISHERS} publishers, 100 B)`, value: round3(ours), unit: "publishes/s" },
    { name: "faultline, the same load sent straight to the leader's node port (no wire hop)", value: round3(direct), unit: "publishes/s" },
  ];
  if (spawnSync("nats-server", ["--version"]).error !== undefined) {
    rows.push({ name: "NATS JetStream acknowledged publishes/s: nats-server absent", value: 0, unit: "n/a" });
    return rows;
  }
  const nats = await natsPublishes();
  const how = nats.sync ? "sync_interval always" : `sync not per write: ${nats.version} lacks sync_interval`;
  rows.push(
    { name: `NATS JetStream acknowledged publishes/s (3 servers, R3 file stream, ${how}, ${PUBLISHERS} publishers, 100 B)`, value: round3(nats.rate), unit: "publishes/s" },
    { name: "faultline / NATS JetStream acknowledged publishes (same run)", value: round3(ours / nats.rate), unit: "x" },
  );
  return rows;
}
