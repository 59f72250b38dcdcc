/** In-process nodes on 127.0.0.1 for tests: free ports, Raft clusters with a shared secret, raw sockets. */
import { mkdtempSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { raftProtocol } from "@faultline/raft";
import { FrameDecoder, encodeFrame, startNode, type NodeOptions, type RunningNode } from "@faultline/tcp";

/** Free loopback ports, found by binding port 0. */
export async function freePorts(n: number): Promise<number[]> {
  const ports: number[] = [];
  for (let i = 0; i < n; i++) {
    ports.push(
      await new Promise<number>((resolve, reject) => {
        const s = createServer();
        s.once("error", reject);
        s.listen(0, "127.0.0.1", () => {
          const port = (s.address() as { port: number }).port;
          s.close(() => resolve(port));
        });
      }),
    );
  }
  return ports;
}

/** A log line as tests see it. */
export type LogLine = { node: string; level: string; msg: string } & Record<string, unknown>;

/** A cluster of in-process Raft nodes sharing one secret; `start`/`stop` one node at a time. */
export async function raftCluster(ids: string[], extra: Partial<NodeOptions> = {}) {
  const ports = await freePorts(ids.length);
  const cluster = Object.fromEntries(ids.map((id, i) => [id, { host: "127.0.0.1", port: ports[i] as number }]));
  const root = mkdtempSync(join(tmpdir(), "faultline-tcp-"));
  const logs: LogLine[] = [];
  const running = new Map<string, RunningNode>();
  const auth = { clusterId: "test", secret: "s3cret-s3cret-s3cret" };
  const start = async (id: string, more: Partial<NodeOptions> = {}) => {
    const node = await startNode({
      id,
      protocol: raftProtocol({ electionTimeoutMinMs: 150, electionTimeoutMaxMs: 300, heartbeatIntervalMs: 30 }),
      cluster,
      dataDir: join(root, id),
      logger: { log: (level, msg, fields) => logs.push({ node: id, level, msg, ...fields }) },
      auth,
      ...extra,
      ...more,
    });
    running.set(id, node);
    return node;
  };
  const stop = async (id: string) => {
    await running.get(id)?.close();
    running.delete(id);
  };
  /** The node every running node names as leader, once they agree. */
  const leader = async (timeoutMs = 10_000): Promise<string> => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const roles = [...running.entries()].map(([id, n]) => [id, (n.status().state ?? {}) as { role?: string }] as const);
      const leaders = roles.filter(([, s]) => s.role === "leader");
      if (leaders.length === 1) return leaders[0]?.[0] as string;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error("no single leader in time");
  };
  return { cluster, root, logs, running, auth, start, stop, leader, closeAll: async () => Promise.all([...running.keys()].map(stop)) };
}

/** Describe for Raft, as the CLI shows it (role, term and commit index are enough for tests). */
export const describeRole = (s: unknown) => {
  const r = s as { role: string; term: number; commitIndex: number };
  return { role: r.role, term: r.term, commit: r.commitIndex };
};

/** A raw connection: write frames or bytes, read decoded frames, see when it closes. */
export function rawSocket(port: number) {
  const socket = createConnection({ host: "127.0.0.1", port });
  const decoder = new FrameDecoder();
  const frames: unknown[] = [];
  let closed = false;
  socket.on("data", (d) => {
    try {
      frames.push(...decoder.push(d));
    } catch {
      socket.destroy();
    }
  });
  socket.on("error", () => undefined);
  const closedP = new Promise<void>((resolve) => socket.on("close", () => ((closed = true), resolve())));
  return {
    socket,
    frames,
    send: (v: unknown) => socket.write(encodeFrame(v)),
    sendBytes: (b: Buffer) => socket.write(b),
    closed: () => closed,
    /** Resolves at close, or after `ms` (then destroys the socket). */
    closedWithin: (ms: number) => Promise.race([closedP.then(() => true), new Promise<boolean>((r) => setTimeout(() => (socket.destroy(), r(false)), ms))]),
    /** Waits for a frame matching `pred`. */
    next: async (pred: (f: Record<string, unknown>) => boolean, ms = 3_000) => {
      const deadline = Date.now() + ms;
      while (Date.now() < deadline) {
        const f = frames.find((x) => pred(x as Record<string, unknown>));
        if (f) return f as Record<string, unknown>;
        if (closed) break;
        await new Promise((r) => setTimeout(r, 5));
      }
      throw new Error(`no matching frame (closed: ${closed}, got ${JSON.stringify(frames).slice(0, 200)})`);
    },
  };
}
