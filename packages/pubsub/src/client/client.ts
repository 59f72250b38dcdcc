/**
 * A client for brokers on TCP, over the text wire protocol (`faultline broker`).
 *
 * - **Publish, exactly once.** The client is one producer (a random id unless given); its
 *   publishes go one at a time with seqs 1, 2, 3... A publish is retried with the same seq —
 *   after a timeout, a closed connection, a redirect or a leader change — until acknowledged, so
 *   the brokers' dedup table answers a retry of an appended message with its first offset
 *   (`duplicate: true`) instead of appending it again. A publish that fails without an answer
 *   (the call's deadline passed) is *in doubt*: the next publish first re-sends it, so the
 *   producer's seqs never skip and nothing is appended twice.
 * - **Subscribe** from the group's committed offset ({@link Subscription}), commit with ACK.
 * - **History** from any offset, paged.
 * Leaders are found by following `-ERR not the leader: try <id>`; brokers that do not answer are
 * skipped in turn.
 *
 * (Host time and timers are fine in this file: it is a client on real sockets, never part of a
 * simulated run; the reducers behind the brokers see time only through ctx.)
 */
import { randomUUID } from "node:crypto";
import type { PubSubOp } from "../checker.js";
import { ConnectionLost, WireConnection, type BrokerAddress, type WireAnswer } from "./connection.js";
import { Subscription, type SubscribeOptions } from "./subscription.js";
import type { Hlc } from "../time/hlc.js";
import type { PubSubRequest, PubSubResponse, StoredMessage } from "../types.js";
import type { WireCommand } from "../wire/protocol.js";

/** Options of {@link connectPubSub}. */
export interface PubSubClientOptions {
  /** Every broker's wire address, by node id (the ids brokers name in redirects). */
  readonly brokers: Readonly<Record<string, BrokerAddress>>;
  /** The brokers' client token, when they require one (sent as AUTH). */
  readonly token?: string;
  /** This client's producer id (default: random, so two clients never share one). */
  readonly producer?: string;
  /** Seq of this producer's first publish (default 1); a producer the brokers know must go on from its last seq + 1. */
  readonly firstSeq?: number;
  /** How long one call may take, retries included (default 10,000 ms). */
  readonly timeoutMs?: number;
  /** How long one attempt at one broker may take (default 2,000 ms). */
  readonly attemptTimeoutMs?: number;
  /** Pause before trying another broker when none answered (default 50 ms). */
  readonly retryDelayMs?: number;
  /** When given, every completed operation is appended here, in the checker's shape ({@link checkPubSubHistory}). */
  readonly history?: PubSubOp[];
}

/** A publish's acknowledgement. */
export interface PublishAck {
  readonly topic: string;
  readonly producer: string;
  readonly seq: number;
  readonly offset: number;
  readonly lamport: number;
  readonly hlc: Hlc;
  /** The broker had appended it already (an earlier attempt succeeded). */
  readonly duplicate: boolean;
  /** The broker that answered. */
  readonly broker: string;
}

/** A broker refused the request for good (bad topic, payload too large, seq too old...): retrying cannot help. */
export class PubSubError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PubSubError";
  }
}

/** Refusals that mean "not here, not now": another broker, or the same one later, may accept. */
const RETRIABLE = /^(not the leader|no leader yet|leadership lost|entry lost to another leader|internal:)/;
const REDIRECT = /^not the leader: try (\S+)/;
let opIds = 0;

/** Connects to a cluster of brokers: resolves once one of them answers PING. */
export async function connectPubSub(options: PubSubClientOptions): Promise<PubSubClient> {
  const client = new PubSubClient(options);
  await client.ping();
  return client;
}

/** A pub/sub client for brokers on TCP; see the module comment. */
export class PubSubClient {
  /** This client's producer id. */
  readonly producer: string;
  private seq = 0;
  private inDoubt: { topic: string; payload: string; seq: number } | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private leader: string | undefined;
  private readonly conns = new Map<string, WireConnection>();
  private readonly subs = new Set<Subscription>();
  private readonly ids: string[];

  constructor(readonly options: PubSubClientOptions) {
    this.ids = Object.keys(options.brokers);
    if (this.ids.length === 0) throw new PubSubError("brokers: at least one broker is needed");
    this.producer = options.producer ?? `p-${randomUUID()}`;
    const first = options.firstSeq ?? 1;
    if (!Number.isSafeInteger(first) || first < 1) throw new PubSubError(`firstSeq: expected a whole number >= 1, got ${first}`);
    this.seq = first - 1;
  }

  /** PING through the cluster: resolves with the broker that answered. */
  async ping(): Promise<string> {
    return (await this.call({ cmd: "PING" }, { leaderOnly: false })).broker;
  }

  /** Publishes `payload` to `topic` exactly once (see the module comment); publishes of one client are sent one at a time, in call order. */
  publish(topic: string, payload: string): Promise<PublishAck> {
    const run = async (): Promise<PublishAck> => {
      if (this.inDoubt !== undefined) await this.settle(this.inDoubt);
      const seq = this.seq + 1;
      const ack = await this.settle({ topic, payload, seq });
      return ack;
    };
    const p = this.queue.then(run, run);
    this.queue = p.catch(() => undefined);
    return p;
  }

  /** Sends one publish until answered; on an unanswered deadline it stays in doubt. */
  private async settle(m: { topic: string; payload: string; seq: number }): Promise<PublishAck> {
    const req: PubSubRequest = { op: "publish", topic: m.topic, producer: this.producer, seq: m.seq, payload: m.payload };
    try {
      const { answer, broker, invokedAt } = await this.call({ cmd: "PUB", topic: m.topic, producer: this.producer, seq: m.seq, payload: m.payload });
      const [offset, lamport, stamp = "0.0", dup] = answer.reply.kind === "ok" ? answer.reply.words : [];
      const [wall, logical] = stamp.split(".").map(Number);
      const ack: PublishAck = { topic: m.topic, producer: this.producer, seq: m.seq, offset: Number(offset), lamport: Number(lamport), hlc: { wall: wall ?? 0, logical: logical ?? 0 }, duplicate: dup === "dup", broker };
      this.record(req, { ok: true, op: "publish", offset: ack.offset, lamport: ack.lamport, hlc: ack.hlc, duplicate: ack.duplicate }, broker, invokedAt);
      this.seq = m.seq;
      this.inDoubt = undefined;
      return ack;
    } catch (err) {
      // A refusal appended nothing: the seq is free again. Anything else may have appended it.
      this.inDoubt = err instanceof PubSubError ? undefined : m;
      if (err instanceof PubSubError) this.seq = m.seq - 1;
      else this.seq = m.seq;
      throw err;
    }
  }

  /** Committed messages of `topic` from offset `from`, at most `limit` (read in pages of at most 100), and the log's end. */
  async history(topic: string, from = 0, limit = 100): Promise<{ messages: StoredMessage[]; end: number }> {
    const messages: StoredMessage[] = [];
    let end = from;
    for (let at = from; messages.length < limit; ) {
      const page = Math.min(100, limit - messages.length);
      const { answer, broker, invokedAt } = await this.call({ cmd: "HISTORY", topic, from: at, limit: page });
      end = Number(answer.reply.kind === "ok" ? answer.reply.words[0] : at);
      this.record({ op: "history", topic, from: at, limit: page }, { ok: true, op: "history", from: at, messages: answer.messages, end }, broker, invokedAt);
      messages.push(...answer.messages);
      at += answer.messages.length;
      if (answer.messages.length < page) break;
    }
    return { messages, end };
  }

  /** Commits `group`'s offset in `topic` (the next offset it wants; never moves back): resolves with the stored offset. */
  async commit(topic: string, group: string, offset: number): Promise<number> {
    const { answer, broker, invokedAt } = await this.call({ cmd: "ACK", topic, group, offset });
    const stored = Number(answer.reply.kind === "ok" ? answer.reply.words[0] : offset);
    this.record({ op: "commit", topic, group, offset }, { ok: true, op: "commit", offset: stored }, broker, invokedAt);
    return stored;
  }

  /** One broker's STATUS (role, leader, term, and each peer's phi suspicion level and clock offset). */
  async status(node: string): Promise<unknown> {
    const addr = this.options.brokers[node];
    if (addr === undefined) throw new PubSubError(`unknown broker "${node}" (brokers: ${this.ids.join(", ")})`);
    const answer = await this.attempt(node, { cmd: "STATUS" }, this.options.attemptTimeoutMs ?? 2_000);
    if (answer.reply.kind === "err") throw new PubSubError(answer.reply.reason);
    return answer.reply.kind === "status" ? answer.reply.status : undefined;
  }

  /** Subscribes `group` to `topic` from its committed offset; see {@link Subscription}. */
  subscribe(topic: string, group: string, options: SubscribeOptions): Subscription {
    const sub = new Subscription(this, topic, group, options);
    this.subs.add(sub);
    return sub;
  }

  /** Closes every connection and subscription. */
  close(): void {
    for (const s of this.subs) s.close();
    this.subs.clear();
    for (const c of this.conns.values()) c.close();
    this.conns.clear();
  }

  /** Appends a completed operation to the recorded history, if one is kept. @internal */
  record(req: PubSubRequest, res: PubSubResponse, node: string, invokedAt: number, completedAt = Date.now()): void {
    this.options.history?.push({ client: this.producer, id: ++opIds, node, req, invokedAt, completedAt, res });
  }

  /** The broker to try first. @internal */
  get preferred(): string {
    return this.leader ?? (this.ids[0] as string);
  }

  /** Opens a dedicated connection to `node` (authenticated when a token is set). @internal */
  async open(node: string, onPush: ConstructorParameters<typeof WireConnection>[1], onClose: ConstructorParameters<typeof WireConnection>[2]): Promise<WireConnection> {
    const conn = new WireConnection(this.options.brokers[node] as BrokerAddress, onPush, onClose);
    if (this.options.token !== undefined) {
      const a = await conn.send({ cmd: "AUTH", token: this.options.token }, this.options.attemptTimeoutMs ?? 2_000);
      if (a.reply.kind === "err") throw new PubSubError(a.reply.reason);
    }
    return conn;
  }

  private async attempt(node: string, cmd: WireCommand, timeoutMs: number): Promise<WireAnswer> {
    let conn = this.conns.get(node);
    if (conn === undefined || conn.dead) {
      const opened = this.open(node, undefined, undefined);
      conn = await opened;
      this.conns.set(node, conn);
    }
    return conn.send(cmd, timeoutMs);
  }

  /**
   * Runs `cmd` at the leader (or, with `leaderOnly: false`, at any broker that answers): follows
   * redirects, tries the next broker after a failure, until the call's deadline. @internal
   */
  async call(cmd: WireCommand, o: { leaderOnly?: boolean } = {}): Promise<{ answer: WireAnswer; broker: string; invokedAt: number }> {
    const invokedAt = Date.now();
    const deadline = invokedAt + (this.options.timeoutMs ?? 10_000);
    let target = this.preferred;
    let lastError = "no attempt";
    for (let attempt = 0; Date.now() < deadline; attempt++) {
      try {
        const answer = await this.attempt(target, cmd, Math.max(50, Math.min(this.options.attemptTimeoutMs ?? 2_000, deadline - Date.now())));
        if (answer.reply.kind !== "err") {
          if (o.leaderOnly !== false) this.leader = target;
          return { answer, broker: target, invokedAt };
        }
        const reason = answer.reply.reason;
        if (!RETRIABLE.test(reason)) throw new PubSubError(reason);
        lastError = `${target}: ${reason}`;
        const to = REDIRECT.exec(reason)?.[1];
        if (to !== undefined && to !== target && to in this.options.brokers) {
          target = to;
          continue;
        }
      } catch (err) {
        if (err instanceof PubSubError) throw err;
        lastError = `${target}: ${(err as Error).message}`;
        if (!(err instanceof ConnectionLost)) lastError += " (unexpected)";
      }
      if (this.leader === target) this.leader = undefined;
      target = this.ids[(this.ids.indexOf(target) + 1) % this.ids.length] as string;
      await new Promise((r) => setTimeout(r, this.options.retryDelayMs ?? 50));
    }
    throw new ConnectionLost(`no broker answered ${cmd.cmd} within ${this.options.timeoutMs ?? 10_000} ms (last: ${lastError})`);
  }
}
