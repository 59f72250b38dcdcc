/**
 * The Raft row's load generator: closed-loop writers driven from one process as cheaply as a
 * client can be, so the row's CPU goes to the nodes. Each writer is one client instance (its own
 * random client id, its own session seq 1, 2, 3...) with exactly one put in flight: it sends a
 * put and waits for its reply before the next, as `KvClient.put` does, with the same check of the
 * answer (`ok: true`, else the put is retried with the same seq, at most once applied, after
 * following a redirect).
 *
 * Writers share connections, as etcd's benchmark does (`benchmark --clients 64 --conns 8`): the
 * writers on one node go round-robin over `conns` connections to it, so a connection carries
 * several sessions' requests at once. A node matches each request to its reply by client id and
 * request id (`inbound.ts`), and replies carry the request id, so request ids are drawn per
 * connection (never two in flight with the same id on one socket) and a reply finds its writer
 * by id. Frames queued in one turn of the event loop leave in one write per connection. What a
 * writer leaves out is what a load generator does not need: a timer, promise chain and frame walk
 * per request (one watchdog for all writers instead; replies are tiny objects of the node's own
 * making, parsed as they are).
 */
import { createConnection, type Socket } from "node:net";
import { randomUUID } from "node:crypto";

type Addr = { readonly host: string; readonly port: number };
type Reply = { kind?: string; id?: number; res?: { ok?: boolean; redirect?: string; error?: string }; error?: string };

/** Longest wait for one reply before the writer's connection is closed and the put retried (the same seq): KvClient's per-attempt timeout. A leader that steps down leaves its pending requests unanswered. */
const REPLY_TIMEOUT_MS = 2_000;

interface Waiting {
  readonly since: number;
  readonly resolve: (r: Reply) => void;
}

/** One connection to a node, shared by several writers; replies are matched by request id. */
class Conn {
  private socket: Socket | undefined;
  private buffer: Buffer = Buffer.alloc(0);
  private rid = 0;
  private readonly waiting = new Map<number, Waiting>();
  private outbox: Buffer[] = [];

  constructor(private readonly addr: Addr) {}

  /** Sends one request envelope (`client`'s `req`) and resolves with its reply, or a failure when the connection closes. */
  send(client: string, req: string): Promise<Reply> {
    const id = ++this.rid;
    const text = `{"kind":"request","client":"${client}","id":${id},"req":${req}}`;
    const frame = Buffer.allocUnsafe(4 + text.length);
    frame.writeUInt32BE(text.length, 0);
    frame.write(text, 4, "latin1");
    return new Promise((resolve) => {
      this.waiting.set(id, { since: Date.now(), resolve });
      this.open();
      // One write per connection per turn: requests issued while replies are handled go together.
      if (this.outbox.push(frame) === 1) setImmediate(() => this.flush());
    });
  }

  /** Closes the connection; every reply awaited on it resolves as a failure. */
  close(): void {
    this.socket?.destroy();
    this.gone(this.socket);
  }

  /** Closes the connection when a reply has been awaited longer than {@link REPLY_TIMEOUT_MS}. */
  checkTimeout(now: number): void {
    for (const w of this.waiting.values()) if (now - w.since > REPLY_TIMEOUT_MS) return this.close();
  }

  private flush(): void {
    const frames = this.outbox;
    this.outbox = [];
    const socket = this.socket;
    if (socket === undefined || frames.length === 0) return;
    socket.write(frames.length === 1 ? (frames[0] as Buffer) : Buffer.concat(frames));
  }

  private gone(socket: Socket | undefined): void {
    if (socket !== this.socket) return;
    this.socket = undefined;
    this.buffer = Buffer.alloc(0);
    this.outbox = [];
    const failed = [...this.waiting.values()];
    this.waiting.clear();
    for (const w of failed) w.resolve({ error: "connection closed" });
  }

  private open(): void {
    if (this.socket !== undefined) return;
    const socket = createConnection({ host: this.addr.host, port: this.addr.port });
    socket.setNoDelay(true);
    this.socket = socket;
    socket.on("data", (chunk: Buffer) => {
      let buf: Buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
      while (buf.length >= 4 && buf.length >= 4 + buf.readUInt32BE(0)) {
        const end = 4 + buf.readUInt32BE(0);
        const reply = JSON.parse(buf.toString("utf8", 4, end)) as Reply;
        buf = buf.subarray(end);
        const w = reply.id === undefined ? undefined : this.waiting.get(reply.id);
        if (w !== undefined) {
          this.waiting.delete(reply.id as number);
          w.resolve(reply);
        }
      }
      this.buffer = buf;
    });
    socket.on("error", () => this.gone(socket));
    socket.on("close", () => this.gone(socket));
  }
}

/** The connections writers share: `conns` per node, opened on first use. */
export class WriterPool {
  private readonly conns = new Map<string, Conn[]>();

  constructor(
    readonly cluster: Readonly<Record<string, Addr>>,
    private readonly perNode: number,
  ) {
    if (!Number.isSafeInteger(perNode) || perNode < 1) throw new Error(`connections per node: expected a whole number >= 1, got ${perNode}`);
  }

  /** Connection `slot` (taken modulo the count) to `node`. */
  conn(node: string, slot: number): Conn {
    let list = this.conns.get(node);
    if (list === undefined) {
      const addr = this.cluster[node];
      if (addr === undefined) throw new Error(`unknown node "${node}" (cluster: ${Object.keys(this.cluster).join(", ")})`);
      list = Array.from({ length: this.perNode }, () => new Conn(addr));
      this.conns.set(node, list);
    }
    return list[slot % this.perNode] as Conn;
  }

  /** Closes every connection. */
  close(): void {
    for (const list of this.conns.values()) for (const c of list) c.close();
  }

  /** Gives up on replies awaited too long (called by {@link watchWriters}). */
  checkTimeouts(now: number): void {
    for (const list of this.conns.values()) for (const c of list) c.checkTimeout(now);
  }
}

/** One client instance (its own session) with one put in flight, over connection `slot` of the pool's to its node; see the file's header. */
export class Writer {
  /** This writer's client id (random, as `KvClient`'s). */
  readonly client = `bench-${randomUUID()}`;
  private seq = 0;

  constructor(
    private readonly pool: WriterPool,
    private node: string,
    private readonly slot: number,
  ) {}

  /** Writes `value` under `key`; resolves once a node answered `ok: true`; retries (same seq) on anything else. */
  async put(key: string, value: string): Promise<void> {
    const seq = ++this.seq;
    // Keys and values of the bench are plain ASCII ([a-z0-9-]): no escaping needed, the same JSON as JSON.stringify.
    const req = `{"op":"put","key":"${key}","value":"${value}","session":{"client":"${this.client}","seq":${seq}}}`;
    const nodes = Object.keys(this.pool.cluster);
    for (let attempt = 0; ; attempt++) {
      const reply = await this.pool.conn(this.node, this.slot).send(this.client, req);
      if (reply.kind === "reply" && reply.res?.ok === true) return;
      if (attempt >= 200) throw new Error(`put ${key} of ${this.client}: no success after ${attempt} attempts: ${JSON.stringify(reply)}`);
      const redirect = reply.res?.redirect;
      if (redirect !== undefined && redirect in this.pool.cluster && redirect !== this.node) this.node = redirect;
      else {
        this.node = nodes[attempt % nodes.length] as string;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }
}

/** One watchdog for every connection of `pool` (instead of a timer per request); returns its stop function. */
export function watchWriters(pool: WriterPool): () => void {
  const timer = setInterval(() => pool.checkTimeouts(Date.now()), 250);
  return () => clearInterval(timer);
}
