/**
 * Outbound links to peers: one connection per peer, authenticated by the handshake of
 * `auth.ts` before anything else is sent on it, reconnecting with exponential backoff, pinged
 * when quiet. Frames for a peer whose link is down wait in a bounded queue (the protocols resend).
 */
import { createConnection, type Socket } from "node:net";
import type { NodeId } from "@faultline/kernel";
import { nonce, proof, proofMatches, type ClusterAuth } from "./auth.js";
import type { Envelope } from "./envelope.js";
import { FrameDecoder, encodeFrame, type FrameLimits } from "./frame.js";
import type { Logger } from "./logger.js";
import { writeCoalesced } from "./outbox.js";

/** Where a node listens. */
export interface PeerAddress {
  readonly host: string;
  readonly port: number;
}

interface Link {
  socket: Socket | null;
  ready: boolean;
  queue: Buffer[];
  queuedBytes: number;
  backoff: number;
  timer?: NodeJS.Timeout;
  lastHeard: number;
  refusals: number;
}

/** Health of the link to one peer, for `status`. */
export interface LinkHealth {
  readonly connected: boolean;
  /** Milliseconds since this node last heard from the peer on its own link; null if never. */
  readonly lastHeardMsAgo: number | null;
  /** Handshakes the peer failed (wrong cluster or secret). */
  readonly refusals: number;
}

const MAX_QUEUE_BYTES = 8 * 1024 * 1024;

/** The outbound half of a node's peer connections. */
export class PeerLinks {
  private readonly links = new Map<NodeId, Link>();
  private closed = false;

  constructor(
    private readonly self: NodeId,
    private readonly cluster: Readonly<Record<NodeId, PeerAddress>>,
    private readonly auth: ClusterAuth,
    private readonly logger: Logger,
    private readonly limits: FrameLimits,
    private readonly timing: { connectTimeoutMs: number; idleMs: number },
    private readonly sockets: Set<Socket>,
  ) {
    for (const peer of Object.keys(cluster)) if (peer !== self) this.links.set(peer, { socket: null, ready: false, queue: [], queuedBytes: 0, backoff: 50, lastHeard: -1, refusals: 0 });
  }

  /** Opens every link. */
  start(): void {
    for (const peer of this.links.keys()) this.connect(peer);
  }

  /** Sends an encoded frame to `to` (queued while its link is down); false for an unknown node. */
  send(to: NodeId, frame: Buffer): boolean {
    const link = this.links.get(to);
    if (!link) return false;
    if (link.ready && link.socket) writeCoalesced(link.socket, frame);
    else if (link.queue.length < 1_000 && link.queuedBytes + frame.length <= MAX_QUEUE_BYTES) {
      link.queue.push(frame);
      link.queuedBytes += frame.length;
    }
    return true;
  }

  /** Health of every link. */
  health(now: number): Record<NodeId, LinkHealth> {
    const out: Record<NodeId, LinkHealth> = {};
    for (const [peer, l] of this.links) out[peer] = { connected: l.ready, lastHeardMsAgo: l.lastHeard < 0 ? null : now - l.lastHeard, refusals: l.refusals };
    return out;
  }

  /** Stops reconnecting (the sockets are closed by the node). */
  close(): void {
    this.closed = true;
    for (const link of this.links.values()) clearTimeout(link.timer);
  }

  private connect(peer: NodeId): void {
    const link = this.links.get(peer);
    const addr = this.cluster[peer];
    if (!link || !addr || this.closed) return;
    const socket = createConnection({ host: addr.host, port: addr.port });
    this.sockets.add(socket);
    socket.setNoDelay(true);
    const decoder = new FrameDecoder(this.limits);
    const mine = nonce();
    const giveUp = setTimeout(() => socket.destroy(new Error("connect timeout")), this.timing.connectTimeoutMs);
    const drop = (level: "warn" | "error", msg: string, fields: Record<string, unknown>) => {
      this.logger.log(level, msg, { peer, ...fields });
      socket.destroy();
    };
    socket.on("connect", () => {
      socket.write(encodeFrame({ kind: "hello", from: this.self, to: peer, cluster: this.auth.clusterId, nonce: mine } satisfies Envelope));
    });
    // Ping whenever the link has been quiet for half the idle timeout (a listener, not a one-shot callback).
    socket.setTimeout(this.timing.idleMs / 2);
    socket.on("timeout", () => {
      socket.write(encodeFrame({ kind: "ping" } satisfies Envelope));
      socket.setTimeout(this.timing.idleMs / 2);
    });
    socket.on("data", (chunk) => {
      let frames: unknown[];
      try {
        frames = decoder.push(chunk);
      } catch (err) {
        return drop("error", "bad frame from a peer, connection closed", { error: (err as Error).message });
      }
      link.lastHeard = Date.now();
      for (const f of frames) {
        const env = f as Partial<Envelope> & Record<string, unknown>;
        if (link.ready || env.kind === "pong") continue;
        if (env.kind !== "welcome" || typeof env.nonce !== "string") return drop("error", "peer refused: expected a welcome to the handshake", { got: String(env.kind) });
        if (!proofMatches(proof(this.auth, "acceptor", this.self, peer, mine, env.nonce), env.proof)) {
          link.refusals++;
          return drop("error", "peer refused: it failed authentication (another cluster, or a different secret)", { cluster: this.auth.clusterId });
        }
        clearTimeout(giveUp);
        socket.write(encodeFrame({ kind: "auth", proof: proof(this.auth, "connector", this.self, peer, mine, env.nonce) } satisfies Envelope));
        link.socket = socket;
        link.ready = true;
        link.backoff = 50;
        for (const frame of link.queue.splice(0)) socket.write(frame);
        link.queuedBytes = 0;
        this.logger.log("debug", "connected", { peer });
      }
    });
    socket.on("error", (err) => this.logger.log("debug", "peer connection failed", { peer, error: err.message }));
    socket.on("close", () => {
      clearTimeout(giveUp);
      this.sockets.delete(socket);
      if (link.socket === socket) {
        link.socket = null;
        link.ready = false;
      }
      if (this.closed) return;
      link.timer = setTimeout(() => this.connect(peer), link.backoff);
      link.backoff = Math.min(link.backoff * 2, 1_000);
    });
  }
}
