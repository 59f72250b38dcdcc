/**
 * Where brokers take clients: each node of a cluster file may carry a `wirePort`, the port of
 * its text wire protocol (besides `port`, the peer and node-client port).
 *
 * ```json
 * { "nodes": { "n1": { "host": "127.0.0.1", "port": 7101, "wirePort": 4101 }, ... } }
 * ```
 */
import type { BrokerAddress } from "@faultline/pubsub";
import { readClusterFile, type ClusterFile } from "./cluster.js";
import { readConfigFile, SettingsError } from "./settings.js";

/** A cluster file read for pub/sub: the nodes, and each broker's wire address. */
export interface BrokerCluster extends ClusterFile {
  /** Wire addresses by node id (only the nodes that give a `wirePort`). */
  readonly wire: Readonly<Record<string, BrokerAddress>>;
}

/** Reads a cluster file and its nodes' `wirePort`s; errors name the file and the node. */
export function readBrokerCluster(path: string): BrokerCluster {
  const file = readClusterFile(path);
  const raw = (readConfigFile(path).nodes ?? {}) as Record<string, { wirePort?: unknown }>;
  const wire: Record<string, BrokerAddress> = {};
  for (const [id, addr] of Object.entries(file.nodes)) {
    const p = raw[id]?.wirePort;
    if (p === undefined) continue;
    if (typeof p !== "number" || !Number.isInteger(p) || p < 1 || p > 65_535) throw new SettingsError(`cluster file ${path}: nodes.${id}.wirePort: expected a port in 1..65535, got ${JSON.stringify(p)}`);
    if (p === addr.port) throw new SettingsError(`cluster file ${path}: nodes.${id}.wirePort: ${p} is the node's peer port too`);
    wire[id] = { host: addr.host, port: p };
  }
  return { ...file, wire };
}

/** The wire addresses clients use; fails naming the file when no node has one. */
export function brokerAddresses(cluster: BrokerCluster, path: string): Readonly<Record<string, BrokerAddress>> {
  if (Object.keys(cluster.wire).length === 0) throw new SettingsError(`cluster file ${path}: no node has a "wirePort" (the port \`faultline broker\` serves clients on)`);
  return cluster.wire;
}
