/**
 * Readers for searches: a history reader that reads random ranges of a topic while faults run
 * (what the checker compares offset by offset), and a final reader that, once the faults stopped,
 * reads every topic from offset 0 through the leader, so the checker can tell a lost publish
 * from one nobody looked for.
 */
import type { ClientActor, NodeId } from "@faultline/kernel";
import type { PubSubRequest, PubSubResponse } from "../types.js";

/** Options of {@link historyReader}. */
export interface HistoryReaderOptions {
  readonly nodes: readonly NodeId[];
  readonly topics: readonly string[];
  /** How many reads (default 10). */
  readonly reads?: number;
  /** Most messages per read (default 5). */
  readonly limit?: number;
  /** Pause between reads (default 40 ms). */
  readonly thinkMs?: number;
  /** Give up waiting and ask another broker after this long (default 500 ms). */
  readonly timeoutMs?: number;
}

/** A {@link historyReader}'s or {@link finalReader}'s state. */
export interface ReaderState {
  readonly done: number;
  readonly target: NodeId;
  readonly current?: PubSubRequest;
}

const pick = <T>(xs: readonly T[], r: () => number): T => xs[Math.floor(r() * xs.length)] as T;

/** The retry after a refusal or a timeout: to the named leader, else to another broker. */
function retarget(nodes: readonly NodeId[], from: NodeId, res: PubSubResponse | undefined, r: () => number): NodeId {
  if (res !== undefined && !res.ok && res.redirect !== undefined) return res.redirect;
  const others = nodes.filter((n) => n !== from);
  return pick(others.length > 0 ? others : nodes, r);
}

/** Reads `reads` random ranges (offset 0–15, up to `limit` messages) of random topics, each retried until answered. */
export function historyReader(o: HistoryReaderOptions): ClientActor<ReaderState, PubSubRequest, PubSubResponse> {
  const { nodes, topics, reads = 10, limit = 5, thinkMs = 40, timeoutMs = 500 } = o;
  const send = (s: ReaderState, afterMs: number) => ({ state: s, next: { node: s.target, req: s.current as PubSubRequest, afterMs, timeoutMs } });
  const fresh = (s: ReaderState, r: () => number) => {
    if (s.done >= reads) return { state: { ...s, current: undefined } };
    const req: PubSubRequest = { op: "history", topic: pick(topics, r), from: Math.floor(r() * 16), limit: 1 + Math.floor(r() * limit) };
    return send({ ...s, done: s.done + 1, current: req }, thinkMs);
  };
  return {
    name: "pubsub-history-reader",
    start: (r) => fresh({ done: 0, target: pick(nodes, r) }, r),
    onReply: (s, { res }, r) => (res.ok ? fresh(s, r) : send({ ...s, target: retarget(nodes, s.target, res, r) }, res.redirect === undefined ? 20 : 0)),
    onTimeout: (s, _op, r) => send({ ...s, target: retarget(nodes, s.target, undefined, r) }, 0),
  };
}

/** Options of {@link finalReader}. */
export interface FinalReaderOptions {
  readonly nodes: readonly NodeId[];
  readonly topics: readonly string[];
  /** When to start (virtual ms): after the faults stop. */
  readonly startMs: number;
  /** Most messages per read; a topic longer than this is read in pages (default 1000). */
  readonly limit?: number;
}

/** Reads every topic whole from offset 0, in pages, through whichever broker answers (the leader). */
export function finalReader(o: FinalReaderOptions): ClientActor<ReaderState & { readonly from: number }, PubSubRequest, PubSubResponse> {
  const { nodes, topics, startMs, limit = 1000 } = o;
  type S = ReaderState & { readonly from: number };
  const read = (s: S, afterMs: number) => {
    if (s.done >= topics.length) return { state: { ...s, current: undefined } };
    const req: PubSubRequest = { op: "history", topic: topics[s.done] as string, from: s.from, limit };
    return { state: { ...s, current: req }, next: { node: s.target, req, afterMs, timeoutMs: 400 } };
  };
  return {
    name: "pubsub-final-reader",
    start: (r) => read({ done: 0, from: 0, target: pick(nodes, r) }, startMs),
    onReply: (s, { res }, r) => {
      if (res.ok && res.op === "history") return read(res.end > res.from + res.messages.length ? { ...s, from: res.from + res.messages.length } : { ...s, done: s.done + 1, from: 0 }, 0);
      if (res.ok) return read({ ...s, done: s.done + 1, from: 0 }, 0);
      return read({ ...s, target: retarget(nodes, s.target, res, r) }, res.redirect === undefined ? 20 : 0);
    },
    onTimeout: (s, _op, r) => read({ ...s, target: retarget(nodes, s.target, undefined, r) }, 0),
  };
}
