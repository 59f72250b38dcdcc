/**
 * The cluster file every process of a run shares: where each node listens.
 *
 * ```json
 * { "nodes": { "coordinator": { "host": "127.0.0.1", "port": 7100 },
 *              "p1": { "host": "127.0.0.1", "port": 7101 } } }
 * ```
 */
import { isNonEmptyString, isObject, isPositiveInteger } from "@faultline/kernel";
import { readConfigFile, SettingsError } from "./settings.js";

/** A node's address. */
export interface Address {
  readonly host: string;
  readonly port: number;
}

/** Node id → address, in file order. */
export type Cluster = Readonly<Record<string, Address>>;

/** A cluster file: the nodes, and how they and their clients authenticate. */
export interface ClusterFile {
  readonly nodes: Cluster;
  /** Names the cluster (default "default"): nodes of another cluster are refused. */
  readonly clusterId: string;
  /** Shared secret peers prove in their handshake; absent only for loopback-only clusters. */
  readonly secret?: string;
  /** When set, nodes require it of clients (and the clients read it from here). */
  readonly clientToken?: string;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

/** Parses a cluster file's object: `nodes`, and the optional `cluster`, `secret` and `clientToken`. */
export function parseClusterFile(value: unknown, source: string): ClusterFile {
  const nodes = parseCluster(value, source);
  const v = value as Record<string, unknown>;
  for (const key of Object.keys(v)) if (!["nodes", "cluster", "secret", "clientToken"].includes(key)) throw new SettingsError(`${source}: unknown key "${key}" (known: nodes, cluster, secret, clientToken)`);
  const opt = (key: string, min: number): string | undefined => {
    const x = v[key];
    if (x === undefined) return undefined;
    if (typeof x !== "string" || x.length < min) throw new SettingsError(`${source}: "${key}" must be a string of at least ${min} characters`);
    return x;
  };
  const secret = opt("secret", 16);
  const clientToken = opt("clientToken", 8);
  if (secret === undefined) {
    const exposed = Object.entries(nodes).filter(([, a]) => !LOOPBACK.test(a.host));
    if (exposed.length > 0) throw new SettingsError(`${source}: "secret" is required when nodes listen beyond loopback (${exposed.map(([id]) => id).join(", ")}); add e.g. "secret": "<output of openssl rand -hex 32>"`);
  }
  return { nodes, clusterId: opt("cluster", 1) ?? "default", ...(secret !== undefined ? { secret } : {}), ...(clientToken !== undefined ? { clientToken } : {}) };
}

/** Parses and validates a cluster object; `source` prefixes error messages. */
export function parseCluster(value: unknown, source: string): Cluster {
  const nodes = (value as { nodes?: unknown } | null)?.nodes;
  if (!isObject(nodes)) throw new SettingsError(`${source}: "nodes" must be an object of id → { host, port }`);
  const out: Record<string, Address> = {};
  const seen = new Set<string>();
  for (const [id, addr] of Object.entries(nodes as Record<string, unknown>)) {
    const where = `${source}: nodes.${id}`;
    if (id.length === 0) throw new SettingsError(`${source}: a node id must not be empty`);
    const { host, port } = (addr ?? {}) as { host?: unknown; port?: unknown };
    if (!isNonEmptyString(host)) throw new SettingsError(`${where}.host: expected a host name, got ${JSON.stringify(host)}`);
    if (!isPositiveInteger(port) || port > 65_535) {
      throw new SettingsError(`${where}.port: expected a port in 1..65535, got ${JSON.stringify(port)}`);
    }
    const key = `${host}:${port}`;
    if (seen.has(key)) throw new SettingsError(`${where}.port: ${key} is already used by another node`);
    seen.add(key);
    out[id] = { host, port };
  }
  if (Object.keys(out).length === 0) throw new SettingsError(`${source}: "nodes" is empty`);
  return out;
}

/** Reads and validates a cluster file's nodes. */
export function readCluster(path: string): Cluster {
  return readClusterFile(path).nodes;
}

/** Reads and validates a whole cluster file. */
export function readClusterFile(path: string): ClusterFile {
  return parseClusterFile(readConfigFile(path), `cluster file ${path}`);
}

/** Checks that `id` is a node of `cluster`. */
export function requireNode(cluster: Cluster, id: string, source: string): Address {
  const addr = cluster[id];
  if (addr === undefined) throw new SettingsError(`${source}: unknown node "${id}" (cluster: ${Object.keys(cluster).join(", ")})`);
  return addr;
}
