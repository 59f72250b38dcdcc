/** The long-running processes: a node of a protocol on TCP, configured from flags, a config file and the environment. */
import { join } from "node:path";
import type { AnyProtocol } from "@faultline/kernel";
import { raftProtocol } from "@faultline/raft";
import { composeObservers, pinoLogger, rootLogger, runtimeMetrics, serveMetrics, startNode, type Level, type NodeObserver } from "@faultline/tcp";
import pretty from "pino-pretty";
import { coordinatorProtocol, participantProtocol } from "@faultline/two-phase-commit";
import { readClusterFile, requireNode, type Cluster } from "./cluster.js";
import { describeRaft, OutcomeLedger } from "./inspect.js";
import { protocolMetrics } from "./metrics.js";
import { readConfigFile, resolveSettings, SettingsError, wholeSetting, type SettingSpec } from "./settings.js";

/** Settings every node process takes. */
export const NODE_SETTINGS: SettingSpec[] = [
  { name: "id", kind: "string", describe: "this node's id in the cluster file", required: true },
  { name: "cluster", kind: "string", describe: "cluster file: { nodes: { id: { host, port } } }", required: true },
  { name: "data", kind: "string", describe: "directory of the node's durable log (default ./data/<id>)" },
  { name: "logLevel", kind: "level", describe: "debug, info, warn or error", default: "info" },
  { name: "repair", kind: "boolean", describe: "truncate a damaged log at the damage instead of refusing to start (loses what follows it)", default: false },
  { name: "drainTimeoutMs", kind: "positive", describe: "on SIGTERM, wait this long for requests in flight before exiting", default: 5_000 },
  { name: "logPretty", kind: "boolean", describe: "render logs for humans (pino-pretty) instead of JSON lines", default: false },
  { name: "metricsPort", kind: "integer", describe: "serve Prometheus metrics on http://127.0.0.1:<port>/metrics (0: any free port; off when unset)" },
];

/** Protocol settings per process kind. */
export const PROTOCOL_SETTINGS: Record<"coordinator" | "participant" | "raft-node", SettingSpec[]> = {
  coordinator: [
    { name: "coordinator", kind: "string", describe: "the coordinator's id (the other nodes are participants)", default: "coordinator" },
    { name: "voteTimeoutMs", kind: "positive", describe: "abort when votes are missing after this long", default: 1_000 },
    { name: "resendIntervalMs", kind: "positive", describe: "resend PREPARE and decisions this often", default: 200 },
  ],
  participant: [
    { name: "coordinator", kind: "string", describe: "the coordinator's id", default: "coordinator" },
    { name: "commitProbability", kind: "probability", describe: "probability of voting YES", default: 1 },
    { name: "statusIntervalMs", kind: "positive", describe: "ask for the outcome this often while uncertain", default: 300 },
  ],
  "raft-node": [
    { name: "electionTimeoutMinMs", kind: "positive", describe: "shortest election timeout", default: 300 },
    { name: "electionTimeoutMaxMs", kind: "positive", describe: "longest election timeout", default: 600 },
    { name: "heartbeatIntervalMs", kind: "positive", describe: "leader heartbeat interval", default: 75 },
    { name: "snapshotThreshold", kind: "positive", describe: "compact the Raft log into a snapshot after this many applied entries (each compaction writes the whole state machine)", default: 1_000 },
    { name: "snapshotCatchUpEntries", kind: "integer", describe: "entries a compaction keeps for followers just behind the snapshot, sent instead of the snapshot (etcd's SnapshotCatchUpEntries)", default: 1_000 },
    { name: "parallelLeaderWrite", kind: "boolean", describe: "the leader sends entries while writing them, counting itself once its write is durable (Raft thesis 10.2.1)", default: true },
  ],
};

/** Resolves settings for `kind` from commander's options (flags), `--config` and the environment. */
export function nodeSettings(kind: keyof typeof PROTOCOL_SETTINGS, flags: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env) {
  const specs = [...NODE_SETTINGS, ...PROTOCOL_SETTINGS[kind]];
  const configPath = flags.config as string | undefined;
  const file = configPath === undefined ? undefined : { path: configPath, values: readConfigFile(configPath) };
  return resolveSettings(specs, { flags, env, ...(file ? { file } : {}) });
}

function protocolFor(kind: keyof typeof PROTOCOL_SETTINGS, s: Record<string, string | number | boolean>, cluster: Cluster): AnyProtocol {
  if (kind === "raft-node") {
    return raftProtocol({
      electionTimeoutMinMs: s.electionTimeoutMinMs as number,
      electionTimeoutMaxMs: s.electionTimeoutMaxMs as number,
      heartbeatIntervalMs: s.heartbeatIntervalMs as number,
      parallelLeaderWrite: s.parallelLeaderWrite as boolean,
      snapshotCatchUpEntries: s.snapshotCatchUpEntries as number,
      snapshotThreshold: wholeSetting(s, "snapshotThreshold"),
    });
  }
  const coordinator = s.coordinator as string;
  requireNode(cluster, coordinator, "--coordinator");
  const participants = Object.keys(cluster).filter((n) => n !== coordinator);
  if (kind === "coordinator") {
    if (s.id !== coordinator) throw new SettingsError(`--id "${s.id}" is not the coordinator "${coordinator}"`);
    return coordinatorProtocol({ coordinator, participants, voteTimeoutMs: s.voteTimeoutMs as number, resendIntervalMs: s.resendIntervalMs as number });
  }
  if (!participants.includes(s.id as string)) throw new SettingsError(`--id "${s.id}" is not a participant (participants: ${participants.join(", ")})`);
  return participantProtocol({ coordinator, participants, commitProbability: { [s.id as string]: s.commitProbability as number }, statusIntervalMs: s.statusIntervalMs as number });
}

/** Starts a node process; on SIGTERM or SIGINT it drains (stops accepting, answers what is in flight, syncs) and exits 0. */
export async function runNodeProcess(kind: keyof typeof PROTOCOL_SETTINGS, flags: Record<string, unknown>): Promise<void> {
  const s = nodeSettings(kind, flags);
  const file = readClusterFile(s.cluster as string);
  const cluster = file.nodes;
  const id = s.id as string;
  requireNode(cluster, id, "--id");
  const root = rootLogger(s.logLevel as Level, s.logPretty ? pretty({ colorize: process.stderr.isTTY, destination: 2, sync: true }) : undefined);
  const logger = pinoLogger(root, id);
  if (file.secret === undefined) logger.log("warn", "the cluster file has no secret: peers are not authenticated (allowed on loopback only)", { cluster: s.cluster });
  const protocol = protocolFor(kind, s, cluster);
  const ledger = kind === "raft-node" ? undefined : new OutcomeLedger(kind);
  const ledgerObserver: NodeObserver = {
    boot: (records) => ledger?.fold(records),
    step: (_input, effects) => ledger?.foldEffects(effects),
  };
  const metrics = s.metricsPort === undefined ? undefined : runtimeMetrics(id);
  const observer = metrics ? composeObservers(ledgerObserver, metrics.observer, protocolMetrics(kind, metrics.registry)) : ledgerObserver;
  const node = await startNode({
    id,
    protocol,
    cluster,
    dataDir: (s.data as string | undefined) ?? join("data", id),
    logger,
    auth: { clusterId: file.clusterId, secret: file.secret ?? "" },
    ...(file.clientToken !== undefined ? { clientToken: file.clientToken } : {}),
    ...(kind === "participant" ? { refuseRequests: `${id} is a two-phase commit participant and takes no requests: send them to the coordinator "${s.coordinator as string}"` } : {}),
    repair: s.repair as boolean,
    describe: (state, q) => {
      if (kind === "raft-node") return describeRaft(state);
      return q.tx !== undefined ? ledger?.lookup(state, q.tx) : { outcomes: ledger?.counts() };
    },
    observer,
    onFatal: () => process.exit(1),
  });
  if (metrics) {
    const server = await serveMetrics(metrics.registry, s.metricsPort as number);
    logger.log("info", "metrics", { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/metrics` });
    server.unref();
  }
  logger.log("info", "started", { role: kind });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log("info", "shutting down", { signal });
    node.drain(s.drainTimeoutMs as number).then(
      (r) => {
        logger.log("info", "drained", r);
        process.exit(0);
      },
      () => process.exit(1),
    );
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
}
