/**
 * Clients for nodes on TCP. A client id names one client instance: {@link newClientId} draws a
 * random one (never a process id, which containers and wrap-around reuse), and request ids
 * count up within the process, so `client/id` never repeats.
 */
import { randomUUID } from "node:crypto";
import { createConnection, type Socket } from "node:net";
import type { Envelope } from "./envelope.js";
import { DEFAULT_MAX_FRAME_BYTES, FrameDecoder, encodeFrame } from "./frame.js";
import type { PeerAddress } from "./peers.js";

let nextId = 0;

/** A fresh client id: random, so two client instances never share one. */
export function newClientId(prefix = "c"): string {
  return `${prefix}-${randomUUID()}`;
}

/** A node answered with an error instead of a protocol reply (wrong node, shutting down, unauthorized...). */
export class NodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NodeError";
  }
}

/** Options of {@link request}. */
export interface RequestOptions {
  /** Sent with each request when the node requires a client token. */
  readonly token?: string;
}

function exchange(addr: PeerAddress, frame: (id: number) => Envelope, timeoutMs: number): Promise<unknown> {
  const id = ++nextId;
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: addr.host, port: addr.port });
    const decoder = new FrameDecoder(DEFAULT_MAX_FRAME_BYTES);
    let done = false;
    const finish = (err: Error | null, value?: unknown) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(value);
    };
    const timer = setTimeout(() => finish(new Error(`no reply from ${addr.host}:${addr.port} within ${timeoutMs} ms`)), timeoutMs);
    socket.on("connect", () => socket.write(encodeFrame(frame(id))));
    socket.on("data", (chunk) => {
      try {
        for (const f of decoder.push(chunk)) {
          const env = f as { kind?: string; id?: number; res?: unknown; error?: unknown };
          if (env.kind !== "reply" || env.id !== id) continue;
          if (typeof env.error === "string") finish(new NodeError(env.error));
          else finish(null, env.res);
        }
      } catch (err) {
        finish(err as Error);
      }
    });
    socket.on("error", (err) => finish(err));
    socket.on("close", () => finish(new Error(`connection to ${addr.host}:${addr.port} closed before a reply`)));
  });
}

/**
 * Sends `req` to the node at `addr` as `client` and resolves with its reply; rejects on timeout,
 * a closed connection, or a {@link NodeError} when the node refuses the request.
 */
export function request(addr: PeerAddress, client: string, req: unknown, timeoutMs = 5_000, options: RequestOptions = {}): Promise<unknown> {
  return exchange(addr, (id) => ({ kind: "request", client, id, req, ...(options.token !== undefined ? { token: options.token } : {}) }), timeoutMs);
}

/** Asks a node for its status (role, term, peers' health...); `tx` asks about one transaction. */
export function nodeStatus(addr: PeerAddress, options: RequestOptions & { tx?: string; timeoutMs?: number } = {}): Promise<unknown> {
  return exchange(
    addr,
    (id) => ({ kind: "status", id, ...(options.tx !== undefined ? { tx: options.tx } : {}), ...(options.token !== undefined ? { token: options.token } : {}) }),
    options.timeoutMs ?? 5_000,
  );
}

/**
 * One long-lived connection to a node carrying many requests at once (replies matched by id).
 * Cheaper than {@link request} for load: no connection per request.
 */
export class Connection {
  private socket: Socket | null = null;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();

  constructor(
    readonly addr: PeerAddress,
    private readonly options: RequestOptions = {},
  ) {}

  /** Sends `req` as `client`; rejects on timeout, a closed connection or a {@link NodeError}. */
  request(client: string, req: unknown, timeoutMs = 5_000): Promise<unknown> {
    const id = ++nextId;
    const socket = this.open();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`no reply from ${this.addr.host}:${this.addr.port} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(id, { resolve, reject, timer });
      socket.write(encodeFrame({ kind: "request", client, id, req, ...(this.options.token !== undefined ? { token: this.options.token } : {}) } satisfies Envelope));
    });
  }

  /** Closes the connection; requests waiting fail. */
  close(): void {
    this.socket?.destroy();
    this.socket = null;
  }

  private open(): Socket {
    if (this.socket && !this.socket.destroyed) return this.socket;
    const socket = createConnection({ host: this.addr.host, port: this.addr.port });
    socket.setNoDelay(true);
    this.socket = socket;
    const decoder = new FrameDecoder(DEFAULT_MAX_FRAME_BYTES);
    const failAll = (err: Error) => {
      if (this.socket === socket) this.socket = null;
      for (const [id, w] of this.waiting) {
        clearTimeout(w.timer);
        this.waiting.delete(id);
        w.reject(err);
      }
    };
    socket.on("data", (chunk) => {
      let frames: unknown[];
      try {
        frames = decoder.push(chunk);
      } catch (err) {
        socket.destroy();
        return failAll(err as Error);
      }
      for (const f of frames) {
        const env = f as { kind?: string; id?: number; res?: unknown; error?: unknown };
        const w = env.kind === "reply" && typeof env.id === "number" ? this.waiting.get(env.id) : undefined;
        if (!w) continue;
        this.waiting.delete(env.id as number);
        clearTimeout(w.timer);
        if (typeof env.error === "string") w.reject(new NodeError(env.error));
        else w.resolve(env.res);
      }
    });
    socket.on("error", (err) => failAll(err));
    socket.on("close", () => failAll(new Error(`connection to ${this.addr.host}:${this.addr.port} closed before a reply`)));
    return socket;
  }
}
