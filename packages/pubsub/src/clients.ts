/** Closed-loop simulated clients: a producer that publishes exactly once, a consumer group member. */
import type { ClientActor, NodeId } from "@faultline/kernel";
import type { PubSubRequest, PubSubResponse } from "./types.js";

/** Options shared by the clients. */
export interface ClientOptions {
  /** The brokers. */
  readonly nodes: readonly NodeId[];
  /** Give up waiting and retry elsewhere after this long (default 500 ms). */
  readonly timeoutMs?: number;
  /** Pause before retrying after a refusal without a leader to go to (default 20 ms). */
  readonly retryMs?: number;
  /** Pause between operations (default 5 ms). */
  readonly thinkMs?: number;
}

/** What a client is doing: its request in flight, where, and the brokers it steers away from. */
interface Loop {
  readonly target: NodeId;
  readonly current?: PubSubRequest;
  readonly avoid: readonly NodeId[];
}

function pick<T>(xs: readonly T[], r: () => number): T {
  return xs[Math.floor(r() * xs.length)] as T;
}

/** Another broker to try: not the one that failed, not a suspected one, when there is a choice. */
function elsewhere(nodes: readonly NodeId[], not: readonly NodeId[], r: () => number): NodeId {
  const ok = nodes.filter((n) => !not.includes(n));
  return pick(ok.length > 0 ? ok : nodes, r);
}

/** The retry after a refusal: to the named leader, or away from the brokers it names as suspected. */
function refused<S extends Loop>(s: S, res: Extract<PubSubResponse, { ok: false }>, nodes: readonly NodeId[], r: () => number): S {
  const avoid = res.suspects ?? [];
  return { ...s, avoid, target: res.redirect ?? elsewhere(nodes, [s.target, ...avoid], r) };
}

/** Options of {@link producerClient}. */
export interface ProducerOptions extends ClientOptions {
  /** The producer id (publishes carry it with seqs 1, 2, ...). */
  readonly producer: string;
  /** Topics to publish to, in turn (default ["t"]). */
  readonly topics?: readonly string[];
  /** How many messages (default 20). */
  readonly count?: number;
}

/** A {@link producerClient}'s state. */
export interface ProducerState extends Loop {
  readonly seq: number;
  readonly lamport: number;
}

/**
 * Publishes `count` messages, one at a time, seqs 1..count: a publish is retried with the same
 * seq until acknowledged (after a timeout, at another broker), so it appears once in the log.
 */
export function producerClient(o: ProducerOptions): ClientActor<ProducerState, PubSubRequest, PubSubResponse> {
  const { nodes, producer, topics = ["t"], count = 20, timeoutMs = 500, retryMs = 20, thinkMs = 5 } = o;
  const send = (s: ProducerState, afterMs: number) => ({ state: s, next: { node: s.target, req: s.current as PubSubRequest, afterMs, timeoutMs } });
  const fresh = (s: ProducerState) => {
    if (s.seq >= count) return { state: { ...s, current: undefined } };
    const seq = s.seq + 1;
    const req: PubSubRequest = { op: "publish", topic: topics[(seq - 1) % topics.length] as string, producer, seq, payload: `${producer}-${seq}`, lamport: s.lamport };
    return send({ ...s, seq, current: req }, thinkMs);
  };
  return {
    name: "pubsub-producer",
    start: (r) => fresh({ seq: 0, lamport: 0, target: pick(nodes, r), avoid: [] }),
    onReply: (s, { res }, r) => {
      if (res.ok && res.op === "publish") return fresh({ ...s, lamport: Math.max(s.lamport, res.lamport) });
      if (res.ok) return fresh(s);
      return send(refused(s, res, nodes, r), res.redirect === undefined ? retryMs : 0);
    },
    onTimeout: (s, _op, r) => send({ ...s, target: elsewhere(nodes, [s.target, ...s.avoid], r) }, 0),
  };
}

/** Options of {@link consumerClient}. */
export interface ConsumerOptions extends ClientOptions {
  readonly group: string;
  readonly topic?: string;
  /** How many polls (default 20). */
  readonly polls?: number;
  /** Most messages per poll (default 10). */
  readonly max?: number;
}

/** A {@link consumerClient}'s state. */
export interface ConsumerState extends Loop {
  readonly polls: number;
}

/**
 * A member of consumer group `group`: polls from the group's stored offset, then commits the
 * offset past what it received, through the log; retries an operation until it is answered.
 * A crash of the consumer (or of any broker) costs at most a re-delivery: never a gap.
 */
export function consumerClient(o: ConsumerOptions): ClientActor<ConsumerState, PubSubRequest, PubSubResponse> {
  const { nodes, group, topic = "t", polls = 20, max = 10, timeoutMs = 500, retryMs = 20, thinkMs = 5 } = o;
  const send = (s: ConsumerState, afterMs: number) => ({ state: s, next: { node: s.target, req: s.current as PubSubRequest, afterMs, timeoutMs } });
  const poll = (s: ConsumerState) => (s.polls >= polls ? { state: { ...s, current: undefined } } : send({ ...s, polls: s.polls + 1, current: { op: "poll", topic, group, max } }, thinkMs));
  return {
    name: "pubsub-consumer",
    start: (r) => poll({ polls: 0, target: pick(nodes, r), avoid: [] }),
    onReply: (s, { res }, r) => {
      if (res.ok && res.op === "poll" && res.messages.length > 0) return send({ ...s, current: { op: "commit", topic, group, offset: res.from + res.messages.length } }, 0);
      if (res.ok) return poll(s);
      return send(refused(s, res, nodes, r), res.redirect === undefined ? retryMs : 0);
    },
    onTimeout: (s, _op, r) => send({ ...s, target: elsewhere(nodes, [s.target, ...s.avoid], r) }, 0),
  };
}
