/**
 * Runs one node of any protocol of the kernel's contract on real sockets: the same reducer as in
 * the simulator, with host time, OS randomness, real timers and a durable log on disk. It never
 * imports the simulator. Inputs are handled one at a time, in the order the event loop delivers
 * them; each step's records are fsynced before its messages and replies are written.
 */
import { randomBytes } from "node:crypto";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { ProtocolError, interpretEffects, runInit, runStep, type AnyProtocol, type Ctx, type EffectWorld, type Input, type NodeId } from "@faultline/kernel";
import { DEFAULT_MAX_FRAME_BYTES, FrameDecoder, FrameError, encodeFrame } from "./frame.js";
import type { Logger } from "./logger.js";
import { DurableLog } from "./storage.js";

/** Where a node listens. */
export interface PeerAddress {
  readonly host: string;
  readonly port: number;
}

/** Options of {@link startNode}. */
export interface NodeOptions {
  readonly id: NodeId;
  readonly protocol: AnyProtocol;
  /** Every node of the cluster (this one included), by id. */
  readonly cluster: Readonly<Record<NodeId, PeerAddress>>;
  /** Directory of this node's durable log. */
  readonly dataDir: string;
  readonly logger: Logger;
  readonly maxFrameBytes?: number;
  /** Outbound connection attempts give up after this long (default 1,000 ms). */
  readonly connectTimeoutMs?: number;
  /** A connection silent for this long is closed; pings keep healthy ones alive (default 5,000 ms). */
  readonly idleTimeoutMs?: number;
}

/** Frames between nodes and from clients. */
type Envelope =
  | { kind: "hello"; from: NodeId }
  | { kind: "msg"; msg: unknown }
  | { kind: "request"; client: string; id: number; req: unknown }
  | { kind: "reply"; id: number; res: unknown }
  | { kind: "ping" }
  | { kind: "pong" };

/** A running node. */
export interface RunningNode {
  readonly port: number;
  /** Stops serving: closes sockets, timers and the log. */
  close(): Promise<void>;
}

/** Node's setTimeout fires after 1 ms for longer delays; a longer timer waits this long (about 24.8 days). */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

function uniform(): number {
  // 53 random bits from the OS, as a double in [0, 1).
  const b = randomBytes(8);
  return (b.readUInt32BE(0) * 2 ** 21 + (b.readUInt32BE(4) >>> 11)) / 2 ** 53;
}

/** Checks an envelope's shape; returns what is wrong or undefined. */
function checkEnvelope(v: unknown, protocol: AnyProtocol): string | undefined {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return "frame: expected a JSON object";
  const e = v as Record<string, unknown>;
  switch (e.kind) {
    case "hello":
      return typeof e.from === "string" ? undefined : "hello.from: expected a node id";
    case "msg": {
      const bad = protocol.validateMessage?.(e.msg);
      return bad === undefined ? undefined : `msg.${bad}`;
    }
    case "request": {
      if (typeof e.client !== "string" || e.client.length === 0) return "request.client: expected a non-empty string";
      if (typeof e.id !== "number" || !Number.isInteger(e.id)) return "request.id: expected a whole number";
      const bad = protocol.validateRequest?.(e.req);
      return bad === undefined ? undefined : `request.req.${bad}`;
    }
    case "ping":
    case "pong":
      return undefined;
    default:
      return `kind: expected hello, msg, request, ping or pong, got ${JSON.stringify(e.kind) ?? "nothing"}`;
  }
}

/** Log fields of an input: the timer, the peer, and the protocol's own `type`, `tx` and `term` when its data has them. */
function describeInput(input: Input<unknown, unknown>): Record<string, unknown> {
  if (input.type === "timer") return { timer: input.timer };
  const data = (input.type === "message" ? input.msg : input.req) as Record<string, unknown> | null;
  const fields: Record<string, unknown> = input.type === "message" ? { from: input.from } : { client: input.client };
  if (typeof data === "object" && data !== null) {
    for (const key of ["type", "op", "tx", "term"]) if (data[key] !== undefined) fields[key === "type" ? "phase" : key] = data[key];
  }
  return fields;
}

/** Starts a node; resolves once it listens. Throws (before listening) on a corrupt state file. */
export async function startNode(o: NodeOptions): Promise<RunningNode> {
  const { id, protocol, cluster, logger } = o;
  const maxFrameBytes = o.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  const idleMs = o.idleTimeoutMs ?? 5_000;
  const self = cluster[id];
  if (self === undefined) throw new Error(`unknown node "${id}": the cluster has ${Object.keys(cluster).join(", ")}`);
  const nodes = Object.keys(cluster);
  const storage = new DurableLog(o.dataDir);
  const loaded = storage.open();
  if (loaded.torn) logger.log("warn", "dropped a torn last record", { file: `${o.dataDir}/wal.log`, offset: loaded.torn.offset, reason: loaded.torn.reason });
  logger.log("info", "loaded durable state", { records: loaded.records.length });

  const ctx: Ctx = { self: id, nodes, now: () => Date.now(), random: uniform };
  const timers = new Map<string, NodeJS.Timeout>();
  const clients = new Map<string, Socket>(); // `${client}/${id}` -> the socket to answer on
  const outbound = new Map<NodeId, { socket: Socket | null; queue: Buffer[]; backoff: number; timer?: NodeJS.Timeout }>();
  const sockets = new Set<Socket>();
  let closed = false;
  let state: unknown;

  // The kernel's interpreter validates a step's effects and writes its records (fsynced, as one
  // batch) before any of its messages or replies leave; this world is the real side of it.
  const world: EffectWorld = {
    isNode: (node) => node in cluster,
    write: (batch) => {
      if (batch.compacted) storage.compact(batch.snapshot);
      storage.append(batch.records);
    },
    send: (to, msg) => send(to, { kind: "msg", msg }),
    setTimer: (timer, key, afterMs) => {
      clearTimeout(timers.get(key));
      timers.set(
        key,
        setTimeout(() => {
          timers.delete(key);
          handle({ type: "timer", timer });
        }, Math.min(afterMs, MAX_TIMEOUT_MS)),
      );
    },
    cancelTimer: (_timer, key) => {
      clearTimeout(timers.get(key));
      timers.delete(key);
    },
    reply: (client, requestId, res) => {
      const key = `${client}/${requestId}`;
      const socket = clients.get(key);
      clients.delete(key);
      if (socket && !socket.destroyed) socket.write(encodeFrame({ kind: "reply", id: requestId, res }, maxFrameBytes));
    },
  };

  const handle = (input: Input<unknown, unknown>) => {
    if (closed) return;
    const started = process.hrtime.bigint();
    let out;
    try {
      out = runStep(protocol, state, input, ctx);
      interpretEffects(out.effects, world, id);
    } catch (err) {
      // A step that throws or emits a bad effect changes nothing: the input is dropped, the node keeps serving.
      if (!(err instanceof ProtocolError)) throw err;
      logger.log("error", "protocol error, input dropped", { input: input.type, ...describeInput(input), error: err.message });
      return;
    }
    state = out.state;
    logger.log("debug", "step", { input: input.type, ...describeInput(input), effects: out.effects.length, ms: Number(process.hrtime.bigint() - started) / 1e6 });
  };

  // ---- outbound: one connection per peer, reconnecting with exponential backoff ----
  const connect = (peer: NodeId) => {
    const link = outbound.get(peer);
    const addr = cluster[peer];
    if (!link || !addr || closed) return;
    const socket = createConnection({ host: addr.host, port: addr.port });
    sockets.add(socket);
    socket.setNoDelay(true);
    const giveUp = setTimeout(() => socket.destroy(new Error("connect timeout")), o.connectTimeoutMs ?? 1_000);
    socket.on("connect", () => {
      clearTimeout(giveUp);
      link.socket = socket;
      link.backoff = 50;
      socket.write(encodeFrame({ kind: "hello", from: id }, maxFrameBytes));
      for (const f of link.queue.splice(0)) socket.write(f);
      logger.log("debug", "connected", { peer });
    });
    socket.setTimeout(idleMs / 2, () => socket.write(encodeFrame({ kind: "ping" }, maxFrameBytes)));
    socket.on("data", () => undefined); // pongs
    socket.on("error", (err) => logger.log("debug", "peer connection failed", { peer, error: err.message }));
    socket.on("close", () => {
      clearTimeout(giveUp);
      sockets.delete(socket);
      if (link.socket === socket) link.socket = null;
      if (closed) return;
      link.timer = setTimeout(() => connect(peer), link.backoff);
      link.backoff = Math.min(link.backoff * 2, 1_000);
    });
  };
  const send = (to: NodeId, env: Envelope) => {
    const link = outbound.get(to);
    if (!link) {
      logger.log("warn", "message to an unknown node dropped", { to });
      return;
    }
    const frame = encodeFrame(env, maxFrameBytes);
    if (link.socket) link.socket.write(frame);
    else if (link.queue.length < 1_000) link.queue.push(frame); // the protocols resend; a bounded queue covers reconnects
  };

  // ---- inbound: peers (after hello) and clients ----
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    const decoder = new FrameDecoder(maxFrameBytes);
    const who = `${socket.remoteAddress}:${socket.remotePort}`;
    let peer: NodeId | undefined;
    socket.setTimeout(idleMs, () => {
      // A client waiting for its reply is not idle (a blocked 2PC coordinator may take long).
      for (const waiting of clients.values()) if (waiting === socket) return;
      logger.log("info", "closing an idle connection", { from: peer ?? who });
      socket.destroy();
    });
    const reject = (why: string) => {
      logger.log("error", "bad input, connection closed", { from: peer ?? who, error: why });
      socket.destroy();
    };
    socket.on("data", (chunk) => {
      let frames: unknown[];
      try {
        frames = decoder.push(chunk);
      } catch (err) {
        return reject(err instanceof FrameError ? err.message : String(err));
      }
      for (const f of frames) {
        const bad = checkEnvelope(f, protocol);
        if (bad !== undefined) return reject(bad);
        const env = f as Envelope;
        if (env.kind === "hello") {
          if (!(env.from in cluster) || env.from === id) return reject(`hello from unknown node "${env.from}" (cluster: ${nodes.join(", ")})`);
          peer = env.from;
        } else if (env.kind === "msg") {
          if (peer === undefined) return reject("a message before hello");
          handle({ type: "message", from: peer, msg: env.msg });
        } else if (env.kind === "request") {
          clients.set(`${env.client}/${env.id}`, socket);
          handle({ type: "request", client: env.client, id: env.id, req: env.req });
        } else if (env.kind === "ping") socket.write(encodeFrame({ kind: "pong" }, maxFrameBytes));
        if (socket.destroyed) return;
      }
    });
    socket.on("error", (err) => logger.log("debug", "connection error", { from: peer ?? who, error: err.message }));
    socket.on("close", () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(self.port, self.host, () => resolve());
  });
  for (const peer of nodes) if (peer !== id) outbound.set(peer, { socket: null, queue: [], backoff: 50 });
  let boot;
  try {
    boot = runInit(protocol, ctx, loaded.records);
    interpretEffects(boot.effects, world, id);
  } catch (err) {
    // Without a first state there is nothing to serve: stop listening and fail the start.
    await new Promise<void>((resolve) => server.close(() => resolve()));
    storage.close();
    throw err;
  }
  state = boot.state;
  for (const peer of outbound.keys()) connect(peer);
  const port = (server.address() as { port: number }).port;
  logger.log("info", "listening", { host: self.host, port });

  return {
    port,
    close: async () => {
      if (closed) return;
      closed = true;
      for (const t of timers.values()) clearTimeout(t);
      for (const link of outbound.values()) clearTimeout(link.timer);
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      storage.close();
      logger.log("info", "stopped");
    },
  };
}
