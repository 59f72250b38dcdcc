/**
 * Three brokers on real sockets (the TCP runtime's startNode, durable logs fsynced), each with a
 * wire server whose backend is a request to its own node. A producer publishes over the wire,
 * following "-ERR not the leader: try nX"; the leader is stopped mid-run and the producer retries
 * the same seq elsewhere: the log ends with every acknowledged seq exactly once.
 */
import { mkdtempSync } from "node:fs";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { request, startNode, type RunningNode } from "@faultline/tcp";
import { brokerProtocol, serveConnection, type PubSubResponse } from "@faultline/pubsub";

const ids = ["n1", "n2", "n3"];
const nodes = new Map<string, RunningNode>();
const wires = new Map<string, { server: Server; port: number }>();
const sockets: Socket[] = [];

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

afterAll(async () => {
  for (const s of sockets) s.destroy();
  for (const w of wires.values()) w.server.close();
  await Promise.all([...nodes.values()].map((n) => n.close()));
});

/** One wire exchange: sends `line`, resolves with the first complete answer line (and a payload line after MSG, if any). */
function exchange(port: number, text: string, until: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(port, "127.0.0.1");
    sockets.push(socket);
    let got = "";
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`timeout after ${JSON.stringify(text)}: got ${JSON.stringify(got)}`));
    }, 4_000);
    socket.on("data", (d) => {
      got += d.toString("utf8");
      if (until.test(got)) {
        clearTimeout(timer);
        socket.destroy();
        resolve(got);
      }
    });
    socket.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    socket.on("connect", () => socket.write(text));
  });
}

describe("brokers over TCP with the wire protocol", () => {
  it("loses and duplicates no acknowledged publish when the leader stops mid-run", async () => {
    const ports = await Promise.all(ids.map(() => freePort()));
    const cluster = Object.fromEntries(ids.map((id, i) => [id, { host: "127.0.0.1", port: ports[i] as number }]));
    const protocol = brokerProtocol({ raft: { electionTimeoutMinMs: 150, electionTimeoutMaxMs: 300, heartbeatIntervalMs: 40 } });
    for (const id of ids) {
      nodes.set(id, await startNode({ id, protocol, cluster, dataDir: mkdtempSync(join(tmpdir(), `pubsub-${id}-`)), logger: { log: () => undefined } }));
      let n = 0;
      const backend = async (req: Parameters<Parameters<typeof serveConnection>[1]>[0]) => (await request(cluster[id]!, `wire-${id}-${++n}`, req, 2_000)) as PubSubResponse;
      const server = createServer((socket) => serveConnection(socket, backend));
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      wires.set(id, { server, port: (server.address() as { port: number }).port });
    }
    const acked = new Map<number, number>();
    let target = "n1";
    let stopped: string | undefined;
    for (let seq = 1; seq <= 30; seq++) {
      for (let attempt = 0; ; attempt++) {
        if (attempt > 100) throw new Error(`seq ${seq}: no acknowledgement`);
        if (seq === 15 && stopped === undefined && attempt === 0) {
          // Stop the leader between two publishes; the producer finds the new one.
          const status = await exchange(wires.get(target)!.port, "STATUS\r\n", /\r\n/);
          const leader = /"leader":"(n\d)"/.exec(status)?.[1] ?? target;
          await nodes.get(leader)!.close();
          wires.get(leader)!.server.close();
          stopped = leader;
          target = ids.find((id) => id !== leader) as string;
        }
        const answer = await exchange(wires.get(target)!.port, `PUB orders p1 ${seq} ${`m${seq}`.length}\r\nm${seq}\r\n`, /\r\n/).catch((e: Error) => `-ERR ${e.message}\r\n`);
        const ok = /^\+OK (\d+)/.exec(answer);
        if (ok) {
          acked.set(seq, Number(ok[1]));
          break;
        }
        const redirect = /try (n\d)/.exec(answer)?.[1];
        target = redirect !== undefined && redirect !== stopped ? redirect : (ids.filter((id) => id !== stopped && id !== target)[attempt % 2] ?? target);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    const history = await exchange(wires.get(target)!.port, "HISTORY orders 0 100\r\n", /\+OK \d+\r\n/);
    const seqs = [...history.matchAll(/^MSG orders (\d+) p1 (\d+) /gm)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(seqs.map(([, s]) => s)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    for (const [offset, seq] of seqs) expect(acked.get(seq as number)).toBe(offset);
    expect(stopped).toBeDefined();
  }, 60_000);
});
