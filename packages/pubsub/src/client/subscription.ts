/**
 * A subscription over the wire: SUB on a connection of its own (so pushed MSG lines never mix
 * with other answers), delivery from the group's committed offset, ACK to commit. When the
 * broker ends it (`END`: no longer the leader) or the connection drops, it re-subscribes at the
 * leader, which pushes again from the committed offset; messages this instance has already
 * handled are skipped, so each is handled once per instance (at-least-once across instances,
 * exactly-once observation with committed offsets).
 *
 * (Host time and timers are fine in this file: it is a client on real sockets, never part of a
 * simulated run; the reducers behind the brokers see time only through ctx.)
 */
import type { PubSubClient } from "./client.js";
import type { WireConnection } from "./connection.js";
import type { StoredMessage } from "../types.js";

/** Options of {@link PubSubClient.subscribe}. */
export interface SubscribeOptions {
  /** Called once per message, in offset order; the next is not handed over before it resolves. */
  readonly onMessage: (message: StoredMessage) => void | Promise<void>;
  /** Commit the offset past each message once `onMessage` resolves (default true). */
  readonly autoCommit?: boolean;
  /** Most messages a broker pushes ahead of commits (default 100). */
  readonly max?: number;
  /** Told of each (re)attachment failure; the subscription keeps trying until closed. */
  readonly onError?: (err: Error) => void;
}

const REDIRECT = /^not the leader: try (\S+)/;

/** A running subscription; see the module comment. */
export class Subscription {
  /** The next offset this instance has not handled yet. */
  next = 0;
  /** The largest offset a broker acknowledged committing. */
  committed = 0;
  /** The broker currently serving it, if attached. */
  broker: string | undefined;
  private conn: WireConnection | undefined;
  private work: Promise<void> = Promise.resolve();
  private closed = false;
  private attaching = false;
  private flushing = false;
  private flushed: Promise<void> = Promise.resolve();

  /** Use {@link PubSubClient.subscribe}. @internal */
  constructor(
    private readonly client: PubSubClient,
    readonly topic: string,
    readonly group: string,
    private readonly options: SubscribeOptions,
  ) {
    void this.attach(client.preferred);
  }

  /** Commits `offset` (the next offset the group wants) through this subscription's broker; resolves with the stored offset. */
  async commit(offset: number): Promise<number> {
    const conn = this.conn;
    if (conn === undefined) throw new Error(`subscription ${this.topic}/${this.group} is not attached to a broker`);
    const invokedAt = Date.now();
    const a = await conn.send({ cmd: "ACK", topic: this.topic, group: this.group, offset }, this.client.options.attemptTimeoutMs ?? 2_000);
    if (a.reply.kind !== "ok") throw new Error(`commit ${offset}: ${a.reply.kind === "err" ? a.reply.reason : a.reply.kind}`);
    const stored = Number(a.reply.words[0]);
    this.committed = Math.max(this.committed, stored);
    this.client.record({ op: "commit", topic: this.topic, group: this.group, offset }, { ok: true, op: "commit", offset: stored }, this.broker ?? "?", invokedAt);
    return stored;
  }

  /** Stops: closes the connection; messages not yet handled are not handed over. */
  close(): void {
    this.closed = true;
    this.conn?.close();
  }

  /** Resolves once every message received so far has been handled (and, with auto-commit, its commit answered or failed). */
  async idle(): Promise<void> {
    await this.work;
    await this.flushed;
    if (this.options.autoCommit !== false && this.next > this.committed && !this.closed && this.conn !== undefined) await (this.flushed = this.flush());
  }

  private fail(err: Error, retryAt: string): void {
    this.options.onError?.(err);
    if (this.closed) return;
    setTimeout(() => void this.attach(retryAt), this.client.options.retryDelayMs ?? 50);
  }

  private next_(node: string): string {
    const ids = Object.keys(this.client.options.brokers);
    return ids[(ids.indexOf(node) + 1) % ids.length] as string;
  }

  private async attach(node: string): Promise<void> {
    if (this.closed || this.attaching) return;
    this.attaching = true;
    let conn: WireConnection | undefined;
    // Everything one attachment delivers, contiguous from the group's offset its SUB reported:
    // recorded as one poll (a push is not a statement of the group's offset; the SUB answer is).
    const delivered: StoredMessage[] = [];
    // One way out per attachment, whichever of a refusal, an error or the connection's end comes first.
    let over = false;
    const retry = (err: Error, at: string) => {
      if (over) return;
      over = true;
      this.attaching = false;
      if (conn !== undefined && conn === this.conn) {
        this.conn = undefined;
        this.broker = undefined;
      }
      conn?.close();
      this.fail(err, at);
    };
    try {
      conn = await this.client.open(
        node,
        (item) => {
          if (conn !== this.conn) return;
          if (item.kind === "end") return retry(new Error(`${node} ended the subscription: ${item.reason}`), this.next_(node));
          const m = item.message;
          delivered.push(m);
          this.work = this.work.then(() => this.handle(m));
        },
        (err) => retry(err, this.next_(node)),
      );
      if (this.closed || over) return conn.close();
      this.conn = conn;
      const invokedAt = Date.now();
      const a = await conn.send({ cmd: "SUB", topic: this.topic, group: this.group, max: this.options.max ?? 100 }, this.client.options.attemptTimeoutMs ?? 2_000);
      if (a.reply.kind === "err") {
        const to = REDIRECT.exec(a.reply.reason)?.[1];
        return retry(new Error(`${node}: ${a.reply.reason}`), to !== undefined && to in this.client.options.brokers ? to : this.next_(node));
      }
      if (over) return;
      this.broker = node;
      this.attaching = false;
      const from = Number(a.reply.kind === "ok" ? a.reply.words[0] : 0);
      this.client.record({ op: "poll", topic: this.topic, group: this.group, max: this.options.max ?? 100 }, { ok: true, op: "poll", from, messages: delivered }, node, invokedAt);
      // What this instance handled but the group may not have stored (a commit lost with the old broker).
      if (this.options.autoCommit !== false && this.next > this.committed) void this.commit(this.next).catch(() => undefined);
    } catch (err) {
      retry(err as Error, this.next_(node));
    }
  }

  private async handle(m: StoredMessage): Promise<void> {
    if (this.closed || m.offset < this.next) return; // handled already (a redelivery after re-attaching)
    await this.options.onMessage(m);
    this.next = m.offset + 1;
    if (this.options.autoCommit !== false && !this.flushing) this.flushed = this.flush();
  }

  /** Auto-commit: one commit in flight at a time, each for the latest handled offset (commits coalesce). */
  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (!this.closed && this.next > this.committed && this.conn !== undefined) {
        const ok = await this.commit(this.next).then(
          () => true,
          () => false,
        );
        if (!ok) break; // re-attaching commits what was handled
      }
    } finally {
      this.flushing = false;
    }
  }
}
