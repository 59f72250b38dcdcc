/**
 * Runs one node of any protocol of the kernel's contract on real sockets: the same reducer as in
 * the simulator, with host time, OS randomness, real timers and a durable log on disk. It never
 * imports the simulator. Effects go through the kernel's interpreter (validated, records before
 * messages); a step that throws or emits a bad effect is logged, changes nothing, a request gets
 * an error reply, and the node keeps serving. Steps' records are group-committed (see
 * `commit.ts`): a step's messages and replies leave only once everything persisted up to it is
 * durable, except those the protocol marks as resting on no unsynced record
 * (`Protocol.beforeDurable`: a Raft leader's appends when it writes in parallel, its replies).
 */
import { randomFillSync } from "node:crypto";
import type { Socket } from "node:net";
import { interpretEffects, runInit, runStep, type AnyProtocol, type Ctx, type DurableWrite, type Effect, type EffectWorld, type Input, type NodeId } from "@faultline/kernel";
import type { ClusterAuth } from "./auth.js";
import { GroupCommit, type BatchStats, type DurableOp } from "./commit.js";
import { DEFAULT_FRAME_LIMITS, FrameError, encodeFrame, type FrameLimits } from "./frame.js";
import { Inbound } from "./inbound.js";
import type { Logger } from "./logger.js";
import { PeerLinks, type LinkHealth, type PeerAddress } from "./peers.js";
import { recordBody } from "./record.js";
import { DurableLog } from "./storage.js";

export type { PeerAddress } from "./peers.js";

/** Hooks for metrics; each is optional. */
export interface NodeObserver {
  /** Once, with the records loaded at start. */
  boot?(records: readonly unknown[]): void;
  /** After each step that ran: the input, its effects and the states around it. */
  step?(input: Input<unknown, unknown>, effects: readonly Effect<unknown, unknown, unknown>[], before: unknown, after: unknown): void;
  /** A reply sent to a client, `ms` after its request arrived. */
  reply?(res: unknown, ms: number): void;
  /** A group commit finished. */
  batch?(stats: BatchStats): void;
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
  /** Cluster id and shared secret peers prove in the handshake (default: cluster "default", empty secret — loopback demos only). */
  readonly auth?: ClusterAuth;
  /** Clients must send this token with each request (default: none needed). */
  readonly clientToken?: string;
  /** Refuse every client request with this error (for nodes that take none, e.g. a 2PC participant). */
  readonly refuseRequests?: string;
  /** Largest frame body (default 1 MiB); see also `frameLimits`. */
  readonly maxFrameBytes?: number;
  /** Bounds on decoded frames (depth, string and array sizes). */
  readonly frameLimits?: Partial<FrameLimits>;
  /** Outbound connection attempts give up after this long (default 1,000 ms). */
  readonly connectTimeoutMs?: number;
  /** A connection silent for this long is closed; pings keep healthy ones alive (default 5,000 ms). */
  readonly idleTimeoutMs?: number;
  /** A connection waiting longer than this for a reply is no longer spared by the idle timeout (default 30,000 ms). */
  readonly requestTimeoutMs?: number;
  /** Frames queued plus requests waiting, per connection, before its socket is paused (default 128). */
  readonly maxPipeline?: number;
  /** Truncate a damaged log at the damage instead of refusing to start. */
  readonly repair?: boolean;
  /** What `status` shows of the protocol's state (role, term, outcomes...); `tx` asks about one transaction. */
  readonly describe?: (state: unknown, query: { tx?: string }) => unknown;
  readonly observer?: NodeObserver;
  /** Called when the node cannot go on (its disk failed); it has stopped serving. */
  readonly onFatal?: (err: Error) => void;
}

/** A running node. */
export interface RunningNode {
  readonly port: number;
  /** What `faultline status` shows. */
  status(tx?: string): Record<string, unknown>;
  /**
   * Graceful stop: stops accepting connections and requests, waits up to `timeoutMs` for the
   * requests in flight to be answered (peers keep talking meanwhile), answers the rest with an
   * error saying their outcome is unknown, syncs, then closes. Resolves with the counts.
   */
  drain(timeoutMs: number): Promise<{ answered: number; unanswered: number }>;
  /** Stops serving now: closes sockets, timers and the log (everything written is synced). */
  close(): Promise<void>;
}

/** OS randomness drawn 4 KiB at a time: a follower draws an election timeout per AppendEntries, and a system call each was a visible share of its CPU. */
const pool = Buffer.alloc(4096);
let poolAt = pool.length;

function uniform(): number {
  // 53 random bits from the OS, as a double in [0, 1).
  if (poolAt + 8 > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const hi = pool.readUInt32BE(poolAt);
  const lo = pool.readUInt32BE(poolAt + 4);
  poolAt += 8;
  return (hi * 2 ** 21 + (lo >>> 11)) / 2 ** 53;
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

/** Node's setTimeout fires after 1 ms for longer delays; a longer timer waits this long (about 24.8 days). */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** A step's durable write, serialised (throws when a record cannot be, before anything is staged). */
function durableOps(batch: DurableWrite): DurableOp[] {
  const ops: DurableOp[] = [];
  if (batch.compacted) ops.push({ kind: "compact", body: recordBody(batch.snapshot) });
  if (batch.records.length > 0) ops.push({ kind: "records", bodies: batch.records.map(recordBody) });
  return ops;
}

/** Starts a node; resolves once it listens. Throws (before listening) on a damaged state file, naming it. */
export async function startNode(o: NodeOptions): Promise<RunningNode> {
  const { id, protocol, cluster, logger, observer = {} } = o;
  const limits: FrameLimits = { ...DEFAULT_FRAME_LIMITS, ...(o.maxFrameBytes !== undefined ? { maxBytes: o.maxFrameBytes } : {}), ...o.frameLimits };
  const idleMs = o.idleTimeoutMs ?? 5_000;
  const self = cluster[id];
  if (self === undefined) throw new Error(`unknown node "${id}": the cluster has ${Object.keys(cluster).join(", ")}`);
  const nodes = Object.keys(cluster);
  const auth = o.auth ?? { clusterId: "default", secret: "" };
  const storage = new DurableLog(o.dataDir, { repair: o.repair ?? false });
  const loaded = storage.open();
  const wal = `${o.dataDir}/wal.log`;
  if (loaded.torn) logger.log("warn", "dropped an incomplete last write (a crash mid-write)", { file: wal, offset: loaded.torn.offset, reason: loaded.torn.reason });
  if (loaded.repaired) logger.log("error", "repaired the log: everything after the offset is gone", { file: wal, offset: loaded.repaired.offset, reason: loaded.repaired.reason });
  logger.log("info", "loaded durable state", { records: loaded.records.length });

  const started = Date.now();
  const ctx: Ctx = { self: id, nodes, now: () => Date.now(), random: uniform };
  const timers = new Map<string, NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  const heardFrom = new Map<NodeId, number>();
  const arrived = new Map<string, number>();
  let closed = false;
  let state: unknown;
  let stepErrors = 0;
  let batches = 0;
  let lastBatch: BatchStats | undefined;
  let close: () => Promise<void> = async () => undefined;

  const commit = new GroupCommit(
    storage,
    (err) => {
      logger.log("error", "the durable log failed: stopping", { file: wal, error: err.message });
      void close().then(() => o.onFatal?.(err));
    },
    (stats) => {
      batches++;
      lastBatch = stats;
      observer.batch?.(stats);
    },
    // A follower may fsync on its loop; a leader with requests waiting keeps its loop for them.
    () => inbound.waiting === 0,
  );
  const links = new PeerLinks(id, cluster, auth, logger, limits, { connectTimeoutMs: o.connectTimeoutMs ?? 1_000, idleMs }, sockets);

  const send = (to: NodeId, msg: unknown) => {
    // A message to itself (a lone Raft leader's acknowledgement of its own append) is delivered
    // here, as a step of its own, once what came before it is durable (send runs after the commit).
    if (to === id) return void setImmediate(() => handle({ type: "message", from: id, msg }));
    let frame: Buffer;
    try {
      frame = encodeFrame({ kind: "msg", msg }, limits.maxBytes);
    } catch (err) {
      // One oversized message must not take the node down: it is not sent, and said so.
      logger.log("error", "message not sent: it does not fit in a frame", { to, phase: (msg as { type?: unknown } | null)?.type, error: err instanceof FrameError ? err.message : String(err) });
      return;
    }
    if (!links.send(to, frame)) logger.log("warn", "message to an unknown node dropped", { to });
  };
  const reply = (client: string, rid: number, res: unknown) => {
    const key = observer.reply ? `${client}/${rid}` : "";
    const since = arrived.get(key);
    if (since !== undefined) arrived.delete(key);
    try {
      if (inbound.reply(client, rid, { res }) && since !== undefined) observer.reply?.(res, Date.now() - since);
    } catch (err) {
      logger.log("error", "reply not sent: it does not fit in a frame", { client, id: rid, error: (err as Error).message });
      inbound.reply(client, rid, { error: "the reply does not fit in a frame" });
    }
  };

  // The real side of the kernel's interpreter: records are staged for the group commit, messages
  // and replies held until they are durable, timers armed at once.
  const early = protocol.beforeDurable;
  const world: EffectWorld = {
    isNode: (node) => node in cluster,
    write: (batch) => commit.stage(durableOps(batch)),
    // What the protocol marks as resting on no unsynced record leaves at once (Protocol.beforeDurable).
    send: (to, msg) => (early?.send?.(to, msg) === true ? send(to, msg) : commit.release(() => send(to, msg))),
    reply: (client, rid, res) => (early?.reply?.(res) === true ? reply(client, rid, res) : commit.release(() => reply(client, rid, res))),
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
  };

  const handle = (input: Input<unknown, unknown>) => {
    if (closed) return;
    const debug = logger.enabled?.("debug") !== false;
    const t0 = debug ? process.hrtime.bigint() : 0n;
    const before = state;
    let out: ReturnType<AnyProtocol["step"]>;
    try {
      out = runStep(protocol, state, input, ctx);
      interpretEffects(out.effects, world, id);
    } catch (err) {
      // A throwing step, a bad effect or a record that cannot be stored: nothing was applied.
      stepErrors++;
      const error = (err as Error).message;
      logger.log("error", "protocol error, input dropped", { input: input.type, ...describeInput(input), error });
      if (input.type === "request") {
        arrived.delete(`${input.client}/${input.id}`);
        inbound.reply(input.client, input.id, { error: `node ${id} failed to handle the request: ${error}` });
      }
      return;
    }
    state = out.state;
    observer.step?.(input, out.effects as readonly Effect<unknown, unknown, unknown>[], before, state);
    if (debug) logger.log("debug", "step", { input: input.type, ...describeInput(input), effects: out.effects.length, ms: Number(process.hrtime.bigint() - t0) / 1e6 });
  };

  const status = (tx?: string): Record<string, unknown> => {
    const now = Date.now();
    const peers: Record<NodeId, LinkHealth & { inboundLastHeardMsAgo: number | null }> = {};
    for (const [peer, h] of Object.entries(links.health(now))) peers[peer] = { ...h, inboundLastHeardMsAgo: heardFrom.has(peer) ? now - (heardFrom.get(peer) as number) : null };
    let described: unknown;
    try {
      described = o.describe?.(state, tx === undefined ? {} : { tx });
    } catch (err) {
      described = { error: (err as Error).message };
    }
    return { node: id, protocol: protocol.name, cluster: auth.clusterId, uptimeMs: now - started, peers, requestsWaiting: inbound.waiting, stepErrors, groupCommits: batches, lastBatch, ...(described === undefined ? {} : { state: described }) };
  };

  const inbound = new Inbound(
    {
      id,
      nodes,
      protocol,
      auth,
      logger,
      limits,
      idleMs,
      maxPipeline: o.maxPipeline ?? 128,
      maxRequestWaitMs: o.requestTimeoutMs ?? 30_000,
      ...(o.refuseRequests !== undefined ? { refuseRequests: o.refuseRequests } : {}),
      ...(o.clientToken !== undefined ? { clientToken: o.clientToken } : {}),
      deliver: (input) => {
        if (input.type === "request" && observer.reply) arrived.set(`${input.client}/${input.id}`, Date.now());
        handle(input);
      },
      status,
      heard: (peer) => heardFrom.set(peer, Date.now()),
    },
    sockets,
  );
  const server = inbound.server;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(self.port, self.host, () => resolve());
  });
  observer.boot?.(loaded.records);
  let boot: ReturnType<AnyProtocol["init"]>;
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
  links.start();
  const port = (server.address() as { port: number }).port;
  logger.log("info", "listening", { host: self.host, port });

  close = async () => {
    if (closed) return;
    closed = true;
    for (const t of timers.values()) clearTimeout(t);
    links.close();
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await commit.drain();
    storage.close();
    logger.log("info", "stopped");
  };
  return {
    port,
    status,
    close: () => close(),
    drain: async (timeoutMs) => {
      const inFlight = inbound.waiting;
      inbound.stopAccepting();
      logger.log("info", "draining", { requests: inFlight, timeoutMs });
      const deadline = Date.now() + timeoutMs;
      // Until every request is answered and no connection or frame has arrived for a moment:
      // connections still in the accept queue and frames still in socket buffers get an error
      // reply rather than a reset.
      const drainStart = Date.now();
      const quiet = () => inbound.waiting === 0 && inbound.queued === 0 && Date.now() - Math.max(inbound.lastActivity, drainStart) >= 100;
      while (Date.now() < deadline && !quiet()) await new Promise((r) => setTimeout(r, 5));
      await commit.drain();
      const left = inbound.pending();
      for (const [client, rid] of left) inbound.reply(client, rid, { error: `node ${id} shut down before answering: the request may or may not have taken effect` });
      await inbound.endClients(Math.max(100, deadline - Date.now())); // let the last replies leave
      await close();
      return { answered: inFlight - left.length, unanswered: left.length };
    },
  };
}
