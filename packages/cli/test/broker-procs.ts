/** Real `faultline broker` processes on 127.0.0.1, for the kill -9 test, the example and the bench. */
import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectPubSub, type BrokerAddress, type PubSubClient, type PubSubClientOptions } from "@faultline/pubsub";
import { faultline, freePorts, type Proc } from "./procs.js";

/** A broker cluster file on fresh ports: each node with a peer `port` and a `wirePort`; `extra` adds top-level keys (e.g. `clientToken`). */
export async function makeBrokerCluster(ids: string[], extra: Record<string, unknown> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "faultline-broker-"));
  const ports = await freePorts(ids.length * 2);
  const nodes = Object.fromEntries(ids.map((id, i) => [id, { host: "127.0.0.1", port: ports[2 * i] as number, wirePort: ports[2 * i + 1] as number }]));
  const file = join(dir, "cluster.json");
  writeFileSync(file, JSON.stringify({ cluster: `broker-${randomBytes(4).toString("hex")}`, secret: randomBytes(16).toString("hex"), nodes, ...extra }));
  const wire: Record<string, BrokerAddress> = Object.fromEntries(ids.map((id) => [id, { host: "127.0.0.1", port: nodes[id]!.wirePort }]));
  return { dir, file, nodes, wire, data: (id: string) => join(dir, "data", id) };
}

/** A broker cluster as {@link makeBrokerCluster} returns it. */
export type BrokerCluster = Awaited<ReturnType<typeof makeBrokerCluster>>;

/** Starts `faultline broker` for `id` and waits until its wire port listens. */
export async function startBroker(id: string, c: BrokerCluster, extra: string[] = []): Promise<Proc> {
  const p = faultline(["broker", "--id", id, "--cluster", c.file, "--data", c.data(id), ...extra]);
  const deadline = Date.now() + 90_000; // tsx starts slowly on a loaded machine
  while (!p.output().includes('"msg":"wire listening"')) {
    if (Date.now() > deadline || p.child.exitCode !== null || p.child.signalCode !== null) {
      p.child.kill("SIGKILL");
      throw new Error(`broker ${id} did not start (exit ${p.child.exitCode ?? p.child.signalCode ?? "none: timed out"}): ${p.output()}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return p;
}

/** A client of the cluster's wire ports. */
export function brokerClient(c: BrokerCluster, options: Omit<PubSubClientOptions, "brokers"> = {}): Promise<PubSubClient> {
  return connectPubSub({ brokers: c.wire, ...options });
}

/** The broker every live broker's STATUS names as leader and that says it leads, once they agree (polls until `timeoutMs`). */
export async function findLeader(client: PubSubClient, ids: readonly string[], timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const id of ids) {
      const s = (await client.status(id).catch(() => undefined)) as { role?: string } | undefined;
      if (s?.role === "leader") return id;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no leader among ${ids.join(", ")} within ${timeoutMs} ms`);
}
