/**
 * Client calls over TCP: begin a 2PC transaction; put, get and delete through a Raft cluster;
 * ask a node for its status.
 *
 * At-most-once: every client instance draws a random id (never a process id: containers and
 * wrap-around reuse those), and numbers its writes 1, 2, 3...; a retried write keeps its number,
 * so the cluster applies it at most once. A write whose reply never came (a timeout, a node shut
 * down before answering) may or may not have been applied: the outcome is unknown, not failed.
 */
import { Connection, newClientId, nodeStatus, request, type RequestOptions } from "@faultline/tcp";
import type { Cluster } from "./cluster.js";
import { requireNode } from "./cluster.js";

/** Asks the coordinator to run a transaction; resolves with `{ tx, outcome }`. Without `tx`, the coordinator names it after this client's random id. */
export async function beginTransaction(cluster: Cluster, coordinator: string, tx?: string, timeoutMs = 10_000, options: RequestOptions = {}): Promise<unknown> {
  const addr = requireNode(cluster, coordinator, "--coordinator");
  return request(addr, newClientId("cli"), tx === undefined ? { type: "begin" } : { type: "begin", tx }, timeoutMs, options);
}

/** Asks one node for its status (`tx`: one transaction's outcome as that node knows it). */
export async function statusOf(cluster: Cluster, node: string, options: RequestOptions & { tx?: string; timeoutMs?: number } = {}): Promise<unknown> {
  return nodeStatus(requireNode(cluster, node, "--node"), options);
}

/** A session: who writes, and the number of this write for that writer. */
export type Session = { client: string; seq: number };

/** A key-value request in the Raft store's shape. */
export type KvCommand = { op: "put"; key: string; value: string; session?: Session } | { op: "get"; key: string } | { op: "delete"; key: string; session?: Session };

/** A Raft reply, with the node that gave it. */
export type KvResult = { ok: boolean; value?: string; node: string };

type Send = (node: string, req: KvCommand, timeoutMs: number) => Promise<unknown>;

async function untilAnswered(cluster: Cluster, req: KvCommand, timeoutMs: number, start: string | undefined, send: Send): Promise<KvResult> {
  const ids = Object.keys(cluster);
  const deadline = Date.now() + timeoutMs;
  let target = start ?? ids[0] ?? "";
  let attempt = 0;
  let lastError = "no attempt";
  while (Date.now() < deadline) {
    requireNode(cluster, target, "leader");
    try {
      const res = (await send(target, req, Math.max(100, Math.min(2_000, deadline - Date.now())))) as { ok: boolean; value?: string; redirect?: string; error?: string };
      if (res.ok) return { ...res, node: target };
      if (res.redirect !== undefined && res.redirect !== target && res.redirect in cluster) {
        target = res.redirect;
        continue;
      }
      lastError = res.error ?? "no leader known";
    } catch (err) {
      lastError = (err as Error).message;
    }
    attempt++;
    target = ids[attempt % ids.length] as string;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no answer from the Raft cluster in time: ${lastError}`);
}

/**
 * Sends `req` to the Raft cluster: starts anywhere, follows redirects to the leader, and tries
 * other nodes (after a pause) when a node is down or knows no leader, until `timeoutMs` is spent.
 * Without `client`, a random one is drawn for this call.
 */
export async function kvRequest(cluster: Cluster, req: KvCommand, options: { client?: string; timeoutMs?: number; start?: string; token?: string } = {}): Promise<KvResult> {
  const client = options.client ?? newClientId("kv");
  const opts: RequestOptions = options.token !== undefined ? { token: options.token } : {};
  return untilAnswered(cluster, req, options.timeoutMs ?? 10_000, options.start, (node, r, ms) => request(cluster[node] as { host: string; port: number }, client, r, ms, opts));
}

/**
 * One key-value client instance: a random id, writes numbered 1, 2, 3..., one long-lived
 * connection per node, and the leader remembered between calls.
 */
export class KvClient {
  /** This instance's client id. */
  readonly client = newClientId("kv");
  private seq = 0;
  private leader: string | undefined;
  private readonly conns = new Map<string, Connection>();

  constructor(
    private readonly cluster: Cluster,
    private readonly options: RequestOptions = {},
  ) {}

  /** Writes `value` under `key` (at most once, even when retried inside this call). */
  put(key: string, value: string, timeoutMs = 10_000): Promise<KvResult> {
    return this.run({ op: "put", key, value, session: { client: this.client, seq: ++this.seq } }, timeoutMs);
  }

  /** Reads `key` through the log (linearizable). */
  get(key: string, timeoutMs = 10_000): Promise<KvResult> {
    return this.run({ op: "get", key }, timeoutMs);
  }

  /** Deletes `key` (at most once). */
  delete(key: string, timeoutMs = 10_000): Promise<KvResult> {
    return this.run({ op: "delete", key, session: { client: this.client, seq: ++this.seq } }, timeoutMs);
  }

  /** Closes the connections. */
  close(): void {
    for (const c of this.conns.values()) c.close();
    this.conns.clear();
  }

  private async run(req: KvCommand, timeoutMs: number): Promise<KvResult> {
    const res = await untilAnswered(this.cluster, req, timeoutMs, this.leader, (node, r, ms) => {
      let conn = this.conns.get(node);
      if (!conn) this.conns.set(node, (conn = new Connection(this.cluster[node] as { host: string; port: number }, this.options)));
      return conn.request(this.client, r, ms);
    });
    this.leader = res.node;
    return res;
  }
}
