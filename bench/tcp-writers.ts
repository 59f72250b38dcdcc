/**
 * The Raft row's load generator: closed-loop writers, each one client instance on its own
 * connection to the leader, driven from one process as cheaply as a client can be, so the row's
 * CPU goes to the nodes. Each writer sends one put and waits for its reply before the next, as
 * `KvClient.put` does: the same request on the wire (a random client id, a session with seq 1,
 * 2, 3..., one frame), the same check of the answer (`ok: true`, else the put is retried with the
 * same seq, at most once applied, after following a redirect). What it leaves out is what a load
 * generator does not need: a timer, promise chain and frame walk per request (one watchdog for all
 * writers instead; replies are tiny objects of the node's own making, parsed as they are).
 */
import { createConnection, type Socket } from "node:net";
import { randomUUID } from "node:crypto";

type Addr = { readonly host: string; readonly port: number };
type Reply = { kind?: string; id?: number; res?: { ok?: boolean; redirect?: string; error?: string }; error?: string };

/** Longest wait for one reply before the writer reconnects and retries (the same seq): KvClient's per-attempt timeout. A leader that steps down leaves its pending requests unanswered. */
const REPLY_TIMEOUT_MS = 2_000;

/** One client instance writing through its own connection; see the file's header. */
export class Writer {
  /** This writer's client id (random, as `KvClient`'s). */
  readonly client = `bench-${randomUUID()}`;
  private seq = 0;
  private rid = 0;
  private socket: Socket | undefined;
  private buffer: Buffer = Buffer.alloc(0);
  private waiting: { id: number; since: number; resolve: (r: Reply) => void } | undefined;

  constructor(
    private readonly cluster: Readonly<Record<string, Addr>>,
    private node: string,
  ) {}

  /** Writes `value` under `key`; resolves once a node answered `ok: true`; retries (same seq) on anything else. */
  async put(key: string, value: string): Promise<void> {
    const seq = ++this.seq;
    // Keys and values of the bench are plain ASCII ([a-z0-9-]): no escaping needed, the same JSON as JSON.stringify.
    const req = `{"op":"put","key":"${key}","value":"${value}","session":{"client":"${this.client}","seq":${seq}}}`;
    for (let attempt = 0; ; attempt++) {
      const reply = await this.send(req);
      if (reply.kind === "reply" && reply.res?.ok === true) return;
      if (attempt >= 200) throw new Error(`put ${key} of ${this.client}: no success after ${attempt} attempts: ${JSON.stringify(reply)}`);
      const redirect = reply.res?.redirect;
      if (redirect !== undefined && redirect in this.cluster && redirect !== this.node) this.node = redirect;
      else {
        this.node = Object.keys(this.cluster)[attempt % Object.keys(this.cluster).length] as string;
        await new Promise((r) => setTimeout(r, 50));
      }
      this.close();
    }
  }

  /** Closes the connection (a reply awaited resolves as a failure). */
  close(): void {
    this.socket?.destroy();
    this.socket = undefined;
    this.buffer = Buffer.alloc(0);
    this.fail("connection closed");
  }

  /** Gives up on a reply awaited longer than {@link REPLY_TIMEOUT_MS} (called by {@link watchWriters}). */
  checkTimeout(now: number): void {
    if (this.waiting !== undefined && now - this.waiting.since > REPLY_TIMEOUT_MS) this.close();
  }

  private fail(error: string): void {
    const w = this.waiting;
    this.waiting = undefined;
    w?.resolve({ error });
  }

  private send(req: string): Promise<Reply> {
    const id = ++this.rid;
    const text = `{"kind":"request","client":"${this.client}","id":${id},"req":${req}}`;
    const frame = Buffer.allocUnsafe(4 + text.length);
    frame.writeUInt32BE(text.length, 0);
    frame.write(text, 4, "latin1");
    return new Promise((resolve) => {
      this.waiting = { id, since: Date.now(), resolve };
      this.open().write(frame);
    });
  }

  private open(): Socket {
    if (this.socket !== undefined) return this.socket;
    const addr = this.cluster[this.node] as Addr;
    const socket = createConnection({ host: addr.host, port: addr.port });
    socket.setNoDelay(true);
    this.socket = socket;
    socket.on("data", (chunk: Buffer) => {
      let buf: Buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
      while (buf.length >= 4 && buf.length >= 4 + buf.readUInt32BE(0)) {
        const end = 4 + buf.readUInt32BE(0);
        const reply = JSON.parse(buf.toString("utf8", 4, end)) as Reply;
        buf = buf.subarray(end);
        const w = this.waiting;
        if (w !== undefined && reply.id === w.id) {
          this.waiting = undefined;
          w.resolve(reply);
        }
      }
      this.buffer = buf;
    });
    const gone = () => {
      if (this.socket === socket) this.socket = undefined;
      this.buffer = Buffer.alloc(0);
      this.fail("connection closed");
    };
    socket.on("error", gone);
    socket.on("close", gone);
    return socket;
  }
}

/** One watchdog for every writer (instead of a timer per request); returns its stop function. */
export function watchWriters(writers: readonly Writer[]): () => void {
  const timer = setInterval(() => {
    const now = Date.now();
    for (const w of writers) w.checkTimeout(now);
  }, 250);
  return () => clearInterval(timer);
}
