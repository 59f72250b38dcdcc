/**
 * The inbound half: peers (after the handshake) and clients. Frames are queued per connection
 * and handled round-robin, one per connection per turn, a bounded number before yielding to
 * I/O: a client pipelining thousands of requests cannot starve peers or other clients. Each
 * connection's pipeline (frames queued plus requests waiting for a reply) is bounded: past the
 * bound the socket is paused (TCP backpressure) until replies drain it. Every request is
 * answered, by the protocol or with an error; a connection silent for the idle timeout is
 * closed unless a reply it waits for is younger than the request timeout.
 */
import { createServer, type Server, type Socket } from "node:net";
import type { AnyProtocol, Input, NodeId } from "@faultline/kernel";
import { nonce, proof, proofMatches, tokenMatches, type ClusterAuth } from "./auth.js";
import { checkEnvelope, type Envelope } from "./envelope.js";
import { FrameDecoder, FrameError, encodeFrame, type FrameLimits } from "./frame.js";
import type { Logger } from "./logger.js";
import { writeCoalesced } from "./outbox.js";

/** What the inbound side needs of its node. */
export interface InboundHost {
  readonly id: NodeId;
  readonly nodes: readonly NodeId[];
  readonly protocol: AnyProtocol;
  readonly auth: ClusterAuth;
  readonly logger: Logger;
  readonly limits: FrameLimits;
  readonly idleMs: number;
  readonly maxPipeline: number;
  readonly maxRequestWaitMs: number;
  /** Set: requests are refused with this error (e.g. a participant, which takes none). */
  readonly refuseRequests?: string;
  /** Set: clients must present this token. */
  readonly clientToken?: string;
  deliver(input: Input<unknown, unknown>): void;
  status(tx: string | undefined): unknown;
  /** Called when a peer's frame arrives (for health). */
  heard(peer: NodeId): void;
}

interface Conn {
  readonly socket: Socket;
  readonly who: string;
  readonly queue: unknown[];
  readonly waiting: Map<string, number>;
  hello?: { from: NodeId; theirs: string; mine: string };
  peer?: NodeId;
  paused: boolean;
}

const MAX_UNSENT_BYTES = 4 * 1024 * 1024;
const FRAMES_PER_TURN = 256;

/** Accepts connections and turns their frames into inputs. */
export class Inbound {
  readonly server: Server;
  private readonly conns = new Set<Conn>();
  private readonly clients = new Map<string, Conn>();
  private scheduled = false;
  private cursor = 0;
  private draining = false;

  constructor(
    private readonly host: InboundHost,
    private readonly sockets: Set<Socket>,
  ) {
    this.server = createServer((socket) => this.accept(socket));
  }

  /** Requests waiting for a reply. */
  get waiting(): number {
    return this.clients.size;
  }

  /** Frames received and not yet handled. */
  get queued(): number {
    let n = 0;
    for (const c of this.conns) n += c.queue.length;
    return n;
  }

  /** Half-closes every client connection after what was written to it (peers stay); resolves once flushed, or after `ms`. */
  endClients(ms: number): Promise<void> {
    const flushed = [...this.conns].filter((c) => c.peer === undefined && !c.socket.destroyed).map((c) => new Promise<void>((resolve) => c.socket.end(() => resolve())));
    return Promise.race([Promise.all(flushed).then(() => undefined), new Promise<void>((resolve) => setTimeout(resolve, ms))]);
  }

  /**
   * Stops taking requests: each new one is answered with an error (so no client is left with a
   * reset connection and an unknown outcome); peers keep talking. The listener closes with the node.
   */
  stopAccepting(): void {
    this.draining = true;
  }

  /** Answers request `id` of `client`; false when no connection waits for it. */
  reply(client: string, id: number, body: { res: unknown } | { error: string }): boolean {
    const key = `${client}/${id}`;
    const conn = this.clients.get(key);
    if (!conn) return false;
    this.clients.delete(key);
    conn.waiting.delete(key);
    if (!conn.socket.destroyed) writeCoalesced(conn.socket, encodeFrame({ kind: "reply", id, ...body } satisfies Envelope, this.host.limits.maxBytes));
    this.maybeResume(conn);
    return true;
  }

  /** Every request still waiting, as `[client, id]`. */
  pending(): [string, number][] {
    return [...this.clients.keys()].map((k) => {
      const cut = k.lastIndexOf("/");
      return [k.slice(0, cut), Number(k.slice(cut + 1))];
    });
  }

  /** When the last connection was accepted or a frame arrived on a connection that is not a peer's (host ms). */
  lastActivity = 0;

  private accept(socket: Socket): void {
    this.lastActivity = Date.now();
    const { logger, idleMs, maxRequestWaitMs } = this.host;
    this.sockets.add(socket);
    socket.setNoDelay(true);
    const conn: Conn = { socket, who: `${socket.remoteAddress}:${socket.remotePort}`, queue: [], waiting: new Map(), paused: false };
    this.conns.add(conn);
    const decoder = new FrameDecoder(this.host.limits);
    socket.setTimeout(idleMs);
    socket.on("timeout", () => {
      const now = Date.now();
      for (const since of conn.waiting.values()) {
        if (now - since < maxRequestWaitMs) return void socket.setTimeout(idleMs); // its reply may still come: look again after another idle period
      }
      logger.log("info", conn.waiting.size > 0 ? "closing a connection whose requests were not answered in time" : "closing an idle connection", { from: conn.peer ?? conn.who, waiting: conn.waiting.size });
      socket.destroy();
    });
    socket.on("data", (chunk) => {
      // Clients only: peers talk all the time (heartbeats), and a drain waits for clients to be quiet.
      if (conn.peer === undefined) this.lastActivity = Date.now();
      let frames: unknown[];
      try {
        frames = decoder.push(chunk);
      } catch (err) {
        return this.reject(conn, err instanceof FrameError ? err.message : String(err));
      }
      if (conn.peer !== undefined) this.host.heard(conn.peer);
      for (const f of frames) conn.queue.push(f);
      if (conn.queue.length + conn.waiting.size >= this.host.maxPipeline && !conn.paused) {
        conn.paused = true;
        socket.pause();
      }
      this.schedule();
    });
    socket.on("error", (err) => logger.log("debug", "connection error", { from: conn.peer ?? conn.who, error: err.message }));
    socket.on("close", () => {
      this.sockets.delete(socket);
      this.conns.delete(conn);
      conn.queue.length = 0;
      for (const key of conn.waiting.keys()) if (this.clients.get(key) === conn) this.clients.delete(key);
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  /** Handles queued frames round-robin, one per connection per round, then yields. */
  private pump(): void {
    let budget = FRAMES_PER_TURN;
    let progressed = true;
    // One copy per turn (handling a frame may close connections), not one per round.
    const conns = [...this.conns];
    while (budget > 0 && progressed) {
      progressed = false;
      for (let i = 0; i < conns.length && budget > 0; i++) {
        const conn = conns[(this.cursor + i) % conns.length] as Conn;
        if (conn.queue.length === 0 || conn.socket.destroyed) continue;
        this.frame(conn, conn.queue.shift());
        this.maybeResume(conn);
        budget--;
        progressed = true;
      }
      this.cursor++;
    }
    for (const conn of this.conns) if (conn.queue.length > 0 && !conn.socket.destroyed) return this.schedule();
  }

  private maybeResume(conn: Conn): void {
    if (!conn.paused || conn.socket.destroyed) return;
    if (conn.queue.length + conn.waiting.size > this.host.maxPipeline / 2 || conn.socket.writableLength > MAX_UNSENT_BYTES) return;
    conn.paused = false;
    conn.socket.resume();
  }

  private reject(conn: Conn, why: string): void {
    this.host.logger.log("error", "bad input, connection closed", { from: conn.peer ?? conn.who, error: why });
    conn.socket.destroy();
  }

  private write(conn: Conn, env: Envelope): void {
    writeCoalesced(conn.socket, encodeFrame(env, this.host.limits.maxBytes));
  }

  private frame(conn: Conn, f: unknown): void {
    const { id: self, nodes, auth, protocol, logger } = this.host;
    const bad = checkEnvelope(f, protocol);
    if (bad !== undefined) return this.reject(conn, bad);
    const env = f as Envelope;
    switch (env.kind) {
      case "hello": {
        if (conn.hello || conn.peer) return this.reject(conn, "a second hello");
        if (env.cluster !== auth.clusterId) return this.refusePeer(conn, env.from, `it belongs to cluster "${env.cluster}", this node to "${auth.clusterId}"`);
        if (!nodes.includes(env.from) || env.from === self) return this.refusePeer(conn, env.from, `hello from unknown node "${env.from}" (cluster: ${nodes.join(", ")})`);
        if (env.to !== self) return this.refusePeer(conn, env.from, `hello meant for "${env.to}", this is "${self}"`);
        const mine = nonce();
        conn.hello = { from: env.from, theirs: env.nonce, mine };
        return this.write(conn, { kind: "welcome", nonce: mine, proof: proof(auth, "acceptor", env.from, self, env.nonce, mine) });
      }
      case "auth": {
        const h = conn.hello;
        if (!h || conn.peer) return this.reject(conn, "auth without a hello");
        if (!proofMatches(proof(auth, "connector", h.from, self, h.theirs, h.mine), env.proof)) return this.refusePeer(conn, h.from, "it failed authentication (wrong secret)");
        conn.peer = h.from;
        this.host.heard(h.from);
        return;
      }
      case "msg":
        if (conn.peer === undefined) return this.reject(conn, "a message before the peer authenticated");
        return this.host.deliver({ type: "message", from: conn.peer, msg: env.msg });
      case "request":
        return this.request(conn, env);
      case "status":
        if (this.host.clientToken !== undefined && conn.peer === undefined && !tokenMatches(this.host.clientToken, env.token)) return this.unauthorized(conn, env.id);
        return this.write(conn, { kind: "reply", id: env.id, res: this.host.status(env.tx) });
      case "ping":
        return this.write(conn, { kind: "pong" });
      case "pong":
        return;
      default:
        logger.log("debug", "unexpected frame", { kind: env.kind });
        return this.reject(conn, `a ${env.kind} frame is not expected by a node`);
    }
  }

  private request(conn: Conn, env: Extract<Envelope, { kind: "request" }>): void {
    const { clientToken, refuseRequests } = this.host;
    if (clientToken !== undefined && !tokenMatches(clientToken, env.token)) return this.unauthorized(conn, env.id);
    const key = `${env.client}/${env.id}`;
    const error = refuseRequests ?? (this.draining ? `node ${this.host.id} is shutting down: retry on another node` : this.clients.has(key) ? `request ${env.id} of client ${env.client} is already waiting for its reply` : undefined);
    if (error !== undefined) return this.write(conn, { kind: "reply", id: env.id, error });
    this.clients.set(key, conn);
    conn.waiting.set(key, Date.now());
    this.host.deliver({ type: "request", client: env.client, id: env.id, req: env.req });
  }

  private unauthorized(conn: Conn, id: number): void {
    this.host.logger.log("warn", "client refused: missing or wrong token", { from: conn.who });
    this.write(conn, { kind: "reply", id, error: "unauthorized: this node requires a client token" });
    conn.socket.end();
  }

  private refusePeer(conn: Conn, claimed: string, why: string): void {
    this.host.logger.log("error", "peer refused", { from: conn.who, claimed, error: why });
    conn.socket.destroy();
  }
}
