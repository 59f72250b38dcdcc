/** Client calls over TCP: begin a 2PC transaction; put, get and delete through a Raft cluster. */
import { request } from "@faultline/tcp";
import type { Cluster } from "./cluster.js";
import { requireNode } from "./cluster.js";

/** Asks the coordinator to run a transaction; resolves with `{ tx, outcome }`. */
export async function beginTransaction(cluster: Cluster, coordinator: string, tx?: string, timeoutMs = 10_000): Promise<unknown> {
  const addr = requireNode(cluster, coordinator, "--coordinator");
  return request(addr, `cli-${process.pid}`, tx === undefined ? { type: "begin" } : { type: "begin", tx }, timeoutMs);
}

/** A key-value request in the Raft store's shape. */
export type KvCommand = { op: "put"; key: string; value: string; session?: { client: string; seq: number } } | { op: "get"; key: string } | { op: "delete"; key: string; session?: { client: string; seq: number } };

/**
 * Sends `req` to the Raft cluster: starts anywhere, follows redirects to the leader, and tries
 * other nodes (after a pause) when a node is down or knows no leader, until `timeoutMs` is spent.
 */
export async function kvRequest(cluster: Cluster, req: KvCommand, options: { client?: string; timeoutMs?: number; start?: string } = {}): Promise<{ ok: boolean; value?: string; node: string }> {
  const ids = Object.keys(cluster);
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  let target = options.start ?? ids[0] ?? "";
  let attempt = 0;
  let lastError = "no attempt";
  while (Date.now() < deadline) {
    const addr = requireNode(cluster, target, "leader");
    try {
      const res = (await request(addr, options.client ?? `cli-${process.pid}`, req, Math.max(100, Math.min(2_000, deadline - Date.now())))) as { ok: boolean; value?: string; redirect?: string; error?: string };
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
