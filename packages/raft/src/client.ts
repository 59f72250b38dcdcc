/** A closed-loop key-value client for Raft clusters: follows redirects, retries with its session. */
import type { ClientActor, NodeId } from "@faultline/kernel";
import type { KvRequest, KvResponse } from "./types.js";

/** Options of {@link kvClient}. */
export interface KvClientOptions {
  /** The cluster's node ids. */
  readonly nodes: readonly NodeId[];
  /** The session's client name (put it in every write so retries apply once). */
  readonly name: string;
  /** Operations to run (default 20). */
  readonly ops?: number;
  /** Keys to pick from (default "a", "b", "c"). */
  readonly keys?: readonly string[];
  /** Share of reads (default 0.3). */
  readonly readShare?: number;
  /** Pause between operations and before retrying after a redirect (default 5 / 20 ms). */
  readonly thinkMs?: number;
  readonly retryMs?: number;
  /** Give up waiting and retry after this long (default 600 ms). */
  readonly timeoutMs?: number;
}

/** What a {@link kvClient} has done. */
export interface KvClientState {
  readonly done: number;
  readonly seq: number;
  /** The operation in flight (retried until it succeeds). */
  readonly current?: KvRequest;
  readonly target: NodeId;
}

/**
 * Runs `ops` random puts and gets. A redirect sends the same request to the named leader; a
 * timeout or a redirect without a leader retries at another node. Writes carry the session
 * (name, seq), so a write retried after a timeout is applied at most once.
 */
export function kvClient(options: KvClientOptions): ClientActor<KvClientState, KvRequest, KvResponse> {
  const { nodes, name, ops = 20, keys = ["a", "b", "c"], readShare = 0.3, thinkMs = 5, retryMs = 20, timeoutMs = 600 } = options;
  const pick = <T>(xs: readonly T[], r: () => number): T => xs[Math.floor(r() * xs.length)] as T;
  const ask = (state: KvClientState, afterMs: number) => ({ state, next: { node: state.target, req: state.current as KvRequest, afterMs, timeoutMs } });
  const fresh = (s: KvClientState, r: () => number) => {
    if (s.done >= ops) return { state: { ...s, current: undefined } };
    const seq = s.seq + 1;
    const key = pick(keys, r);
    const current: KvRequest = r() < readShare ? { op: "get", key } : { op: "put", key, value: `${name}-${seq}`, session: { client: name, seq } };
    return ask({ ...s, seq, current }, thinkMs);
  };
  return {
    name: "kv-client",
    start: (r) => fresh({ done: 0, seq: 0, target: pick(nodes, r) }, r),
    onReply: (s, reply, r) => {
      if (reply.res.ok) return fresh({ ...s, done: s.done + 1 }, r);
      const target = reply.res.redirect ?? pick(nodes, r);
      return ask({ ...s, target }, reply.res.redirect === undefined ? retryMs : 0);
    },
    onTimeout: (s, _op, r) => ask({ ...s, target: pick(nodes, r) }, 0),
  };
}
