/**
 * `faultline broker`: one Raft node running the pub/sub state machine (`brokerProtocol`) on the
 * TCP runtime — the same settings, durable log, peer authentication, pino logs, prom-client
 * metrics, status and SIGTERM drain as `raft-node` — plus a server of the text wire protocol for
 * clients (`nc`-friendly; `faultline pub|sub|history` use it). Each wire command becomes a
 * request to the node itself over a small pool of local connections, answered once applied.
 */
import { createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { Counter, Gauge, type Registry } from "prom-client";
import pretty from "pino-pretty";
import { brokerProtocol, phiLevel, serveConnection, type BrokerState, type PubSubRequest, type PubSubResponse } from "@faultline/pubsub";
import { composeObservers, Connection, newClientId, pinoLogger, rootLogger, runtimeMetrics, serveMetrics, startNode, type Level, type NodeObserver } from "@faultline/tcp";
import { readBrokerCluster } from "./brokers.js";
import { requireNode } from "./cluster.js";
import { describeRaft } from "./inspect.js";
import { protocolMetrics } from "./metrics.js";
import { NODE_SETTINGS, PROTOCOL_SETTINGS } from "./processes.js";
import { readConfigFile, resolveSettings, SettingsError, wholeSetting, type SettingSpec } from "./settings.js";

/** The broker's own settings, besides every node's and Raft's. */
export const BROKER_SETTINGS: SettingSpec[] = [
  { name: "wirePort", kind: "integer", describe: "port of the text wire protocol for clients (default: the node's wirePort in the cluster file)" },
  { name: "dedupWindow", kind: "positive", describe: "per-producer dedup retention, in publishes", default: 16 },
  { name: "probeIntervalMs", kind: "positive", describe: "heartbeat and clock-offset probe interval between brokers", default: 100 },
  { name: "phiThreshold", kind: "positive", describe: "phi-accrual level above which a peer is suspected", default: 8 },
  { name: "maxPayload", kind: "positive", describe: "largest payload, bytes", default: 65_536 },
  { name: "maxTopicLength", kind: "positive", describe: "longest topic, group or producer name, characters", default: 64 },
  { name: "pollMs", kind: "positive", describe: "how often a subscription polls for new messages", default: 50 },
  { name: "maxWireConnections", kind: "positive", describe: "wire connections accepted at once; more are refused with -ERR", default: 1_024 },
];

/** Every setting `faultline broker` takes. */
export const ALL_BROKER_SETTINGS: SettingSpec[] = [...NODE_SETTINGS, ...PROTOCOL_SETTINGS["raft-node"], ...BROKER_SETTINGS];


/** Raft and pub/sub metrics of a broker (Raft's read from the broker state's `raft` part). */
function brokerMetrics(registry: Registry, wire: () => number): NodeObserver {
  const raft = protocolMetrics("raft-node", registry);
  const publishes = new Counter({ name: "faultline_pubsub_publishes_total", help: "Publishes acknowledged by this broker", labelNames: ["duplicate"], registers: [registry] });
  new Gauge({ name: "faultline_pubsub_wire_connections", help: "Open wire-protocol client connections", registers: [registry], collect() { this.set(wire()); } });
  const raftOf = (s: unknown) => (s as BrokerState | undefined)?.raft;
  return {
    step: (input, effects, before, after) => raft.step?.(input, effects, raftOf(before), raftOf(after)),
    reply: (res, ms) => {
      raft.reply?.(res, ms);
      const r = res as PubSubResponse;
      if (r.ok && r.op === "publish") publishes.inc({ duplicate: String(r.duplicate) });
    },
  };
}

/** Starts a broker process; on SIGTERM or SIGINT it closes the wire port, drains the node, and exits 0. */
export async function runBrokerProcess(flags: Record<string, unknown>): Promise<void> {
  const configPath = flags.config as string | undefined;
  const s = resolveSettings(ALL_BROKER_SETTINGS, { flags, env: process.env, ...(configPath === undefined ? {} : { file: { path: configPath, values: readConfigFile(configPath) } }) });
  const file = readBrokerCluster(s.cluster as string);
  const id = s.id as string;
  const self = requireNode(file.nodes, id, "--id");
  const wirePort = (s.wirePort as number | undefined) ?? file.wire[id]?.port;
  if (wirePort === undefined) throw new SettingsError(`--wire-port: missing (give it, or "wirePort" for node ${id} in ${s.cluster as string})`);
  const root = rootLogger(s.logLevel as Level, s.logPretty ? pretty({ colorize: process.stderr.isTTY, destination: 2, sync: true }) : undefined);
  const logger = pinoLogger(root, id);
  if (file.secret === undefined) logger.log("warn", "the cluster file has no secret: peers are not authenticated (allowed on loopback only)", { cluster: s.cluster });
  const probeIntervalMs = s.probeIntervalMs as number;
  const phiThreshold = s.phiThreshold as number;
  const protocol = brokerProtocol({
    raft: { electionTimeoutMinMs: s.electionTimeoutMinMs as number, electionTimeoutMaxMs: s.electionTimeoutMaxMs as number, heartbeatIntervalMs: s.heartbeatIntervalMs as number, snapshotThreshold: wholeSetting(s, "snapshotThreshold") },
    dedupWindow: wholeSetting(s, "dedupWindow"),
    probeIntervalMs,
    phiThreshold,
    maxPayload: wholeSetting(s, "maxPayload"),
    maxTopicLength: wholeSetting(s, "maxTopicLength"),
  });
  const sockets = new Set<Socket>();
  const metrics = s.metricsPort === undefined ? undefined : runtimeMetrics(id);
  const node = await startNode({
    id,
    protocol,
    cluster: file.nodes,
    dataDir: (s.data as string | undefined) ?? join("data", id),
    logger,
    auth: { clusterId: file.clusterId, secret: file.secret ?? "" },
    ...(file.clientToken !== undefined ? { clientToken: file.clientToken } : {}),
    repair: s.repair as boolean,
    // What `faultline status` shows: Raft's fields, each peer's suspicion, and the wire port.
    describe: (state) => {
      const b = state as BrokerState;
      const now = Date.now();
      const suspicion = Object.fromEntries(
        Object.entries(b.peers).map(([p, peer]) => {
          const phi = phiLevel(peer.phi, now, { expectedMs: probeIntervalMs });
          return [p, { phi: Number.isFinite(phi) ? Math.round(phi * 100) / 100 : 1e9, suspected: phi > phiThreshold }];
        }),
      );
      return { ...describeRaft(b.raft), suspicion, wirePort, wireConnections: sockets.size };
    },
    ...(metrics ? { observer: composeObservers(metrics.observer, brokerMetrics(metrics.registry, () => sockets.size)) } : {}),
    onFatal: () => process.exit(1),
  });
  if (metrics) {
    const server = await serveMetrics(metrics.registry, s.metricsPort as number);
    logger.log("info", "metrics", { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/metrics` });
    server.unref();
  }

  // The wire server's backend: requests to this very node, over a few pipelined local connections.
  const local = Array.from({ length: 4 }, () => new Connection(self, file.clientToken !== undefined ? { token: file.clientToken } : {}));
  const client = newClientId(`wire-${id}`);
  let turn = 0;
  const backend = async (req: PubSubRequest) => (await (local[turn++ % local.length] as Connection).request(client, req, 5_000)) as PubSubResponse;
  const maxConnections = wholeSetting(s, "maxWireConnections");
  const wire: Server = createServer({ allowHalfOpen: true }, (socket) => {
    if (sockets.size >= maxConnections) {
      socket.end(`-ERR too many connections (limit ${maxConnections})\r\n`);
      return;
    }
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.setNoDelay(true);
    serveConnection(socket, backend, { pollMs: s.pollMs as number, limits: { maxPayload: wholeSetting(s, "maxPayload"), maxName: wholeSetting(s, "maxTopicLength") }, ...(file.clientToken !== undefined ? { token: file.clientToken } : {}) });
  });
  await new Promise<void>((resolve, reject) => {
    wire.once("error", (err) => reject(new Error(`wire port ${self.host}:${wirePort}: ${err.message}`)));
    wire.listen(wirePort, self.host, () => resolve());
  });
  logger.log("info", "wire listening", { host: self.host, port: wirePort });
  logger.log("info", "started", { role: "broker" });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log("info", "shutting down", { signal });
    wire.close();
    node.drain(s.drainTimeoutMs as number).then(
      (r) => {
        logger.log("info", "drained", r);
        for (const c of local) c.close();
        for (const sock of sockets) sock.destroy();
        process.exit(0);
      },
      () => process.exit(1),
    );
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
}
