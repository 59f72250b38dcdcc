/**
 * The pub/sub TCP client against wire servers on loopback sockets whose backend is one in-memory
 * `pubsubMachine` (no processes): replies parsed in any chunking, exactly-once publishes when
 * replies are lost (and a planted naive retry caught), in-doubt publishes re-sent first,
 * redirects followed, AUTH required when a token is set, subscriptions moving on END.
 */
import { createServer, type Server, type Socket } from "node:net";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import {
  ConnectionLost,
  encodeErr,
  encodeMsg,
  encodeOk,
  PubSubClient,
  pubsubMachine,
  replyFeed,
  replyParser,
  serveConnection,
  WireConnection,
  type PubSubBackend,
  type PubSubCommand,
  type PubSubMachineState,
  type ServeOptions,
  type StoredMessage,
} from "@faultline/pubsub";

const servers: Server[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** One in-memory log; `backend` applies requests to it. */
function memoryLog() {
  const machine = pubsubMachine();
  let state: PubSubMachineState = machine.init();
  let wall = 1_000;
  const backend: PubSubBackend = async (req) => {
    if (req.op === "status") return { ok: true, op: "status", node: "mem", role: "leader", leader: "mem", term: 1, commitIndex: 0, peers: {} };
    const out = machine.apply(state, (req.op === "publish" ? { ...req, hlc: { wall: wall++, logical: 0 } } : req) as PubSubCommand);
    state = out.state;
    return out.result;
  };
  return { backend, log: (topic: string) => state.topics[topic] ?? [] };
}

/** A wire server; `wrap` may sabotage a connection's backend. */
async function serve(backend: PubSubBackend, options: ServeOptions = {}, wrap: (b: PubSubBackend, s: Socket) => PubSubBackend = (b) => b) {
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.push(socket);
    serveConnection(socket, wrap(backend, socket), { pollMs: 10, ...options });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { host: "127.0.0.1", port: (server.address() as { port: number }).port };
}

const msg = (offset: number, payload: string): StoredMessage => ({ offset, producer: "p", seq: offset + 1, payload, lamport: offset + 1, hlc: { wall: 5, logical: offset } });

describe("the reply parser", () => {
  it("reads what a broker writes, split into any chunks", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 40 }), { maxLength: 6 }), fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 1 }), (payloads, cuts) => {
        const text = payloads.map((p, i) => encodeMsg("t", msg(i, p))).join("") + encodeOk(payloads.length) + encodeErr("no\r\nleader") + "PONG\r\nEND t g not the leader: try n2\r\n";
        const bytes = Buffer.from(text, "utf8");
        let parser = replyParser();
        const items: unknown[] = [];
        for (let at = 0, i = 0; at < bytes.length; i++) {
          const n = cuts[i % cuts.length] as number;
          const r = replyFeed(parser, bytes.subarray(at, at + n));
          parser = r.parser;
          items.push(...r.items);
          at += n;
        }
        expect(items).toEqual([
          ...payloads.map((p, i) => ({ kind: "msg", topic: "t", message: msg(i, p) })),
          { kind: "ok", words: [String(payloads.length)] },
          { kind: "err", reason: "no leader" },
          { kind: "pong" },
          { kind: "end", topic: "t", group: "g", reason: "not the leader: try n2" },
        ]);
      }),
      { numRuns: 200 },
    );
  });
});

describe("the pub/sub client", () => {
  it("publishes exactly once when replies are lost after the append; a naive retry with a new seq duplicates (caught)", async () => {
    const mem = memoryLog();
    // Every third publish is applied, then its connection cut: the reply is lost.
    let n = 0;
    const flaky = (b: PubSubBackend, s: Socket): PubSubBackend => async (req) => {
      const res = await b(req);
      if (req.op === "publish" && ++n % 3 === 0) {
        s.destroy();
        return new Promise(() => undefined);
      }
      return res;
    };
    const addr = await serve(mem.backend, {}, flaky);
    const client = new PubSubClient({ brokers: { a: addr }, producer: "p1", attemptTimeoutMs: 500, retryDelayMs: 5 });
    const acks = [];
    for (let i = 1; i <= 12; i++) acks.push(await client.publish("t", `m${i}`));
    client.close();
    expect(acks.some((a) => a.duplicate)).toBe(true); // some replies were lost and the retry found the append
    expect(mem.log("t").map((m) => m.payload)).toEqual(Array.from({ length: 12 }, (_, i) => `m${i + 1}`));
    expect(acks.map((a) => a.offset)).toEqual(Array.from({ length: 12 }, (_, i) => i));

    // Planted: a retry that takes a fresh seq after a lost reply appends the message twice.
    const naive = memoryLog();
    n = 0;
    const naiveAddr = await serve(naive.backend, {}, flaky);
    let seq = 0;
    for (let i = 1; i <= 6; i++) {
      for (;;) {
        const conn = new WireConnection(naiveAddr);
        const ok = await conn.send({ cmd: "PUB", topic: "t", producer: "p1", seq: ++seq, payload: `m${i}` }, 500).then(
          () => true,
          (e: unknown) => (expect(e).toBeInstanceOf(ConnectionLost), false),
        );
        conn.close();
        if (ok) break;
      }
    }
    const payloads = naive.log("t").map((m) => m.payload);
    expect(new Set(payloads).size).toBeLessThan(payloads.length);
  });

  it("re-sends an in-doubt publish before the next one, so seqs never skip", async () => {
    const mem = memoryLog();
    let down = false;
    const addr = await serve(async (req) => {
      if (down && req.op === "publish") {
        await mem.backend(req); // applied, but the answer never comes
        return new Promise(() => undefined);
      }
      return mem.backend(req);
    });
    const client = new PubSubClient({ brokers: { a: addr }, producer: "p2", timeoutMs: 300, attemptTimeoutMs: 100, retryDelayMs: 5 });
    await client.publish("t", "one");
    down = true;
    await expect(client.publish("t", "two")).rejects.toThrow(/no broker answered PUB/);
    down = false;
    const three = await client.publish("t", "three");
    client.close();
    expect(three.seq).toBe(3);
    expect(mem.log("t").map((m) => [m.seq, m.payload])).toEqual([[1, "one"], [2, "two"], [3, "three"]]);
  });

  it("follows redirects to the leader and needs AUTH when the broker has a token", async () => {
    const mem = memoryLog();
    const leader = await serve(mem.backend, { token: "s3cret-token" });
    const follower = await serve(async () => ({ ok: false, redirect: "b" }), { token: "s3cret-token" });
    const client = new PubSubClient({ brokers: { a: follower, b: leader }, token: "s3cret-token", retryDelayMs: 5 });
    const ack = await client.publish("t", "x");
    expect(ack.broker).toBe("b");
    client.close();
    const intruder = new PubSubClient({ brokers: { b: leader }, timeoutMs: 500 });
    await expect(intruder.publish("t", "y")).rejects.toThrow(/auth: this broker requires AUTH/);
    const wrong = new PubSubClient({ brokers: { b: leader }, token: "wrong-token" });
    await expect(wrong.history("t")).rejects.toThrow(/auth: wrong token/);
    intruder.close();
    wrong.close();
    expect(mem.log("t").map((m) => m.payload)).toEqual(["x"]);
  });

  it("a subscription ended by its broker (END) moves to the leader and resumes at the committed offset", async () => {
    const mem = memoryLog();
    let deposed = false;
    // Broker a serves until deposed, then redirects everything to b; b serves the same log.
    const a = await serve(async (req) => (deposed && req.op !== "status" ? { ok: false, redirect: "b" } : mem.backend(req)));
    const b = await serve(mem.backend);
    const client = new PubSubClient({ brokers: { a, b }, producer: "p3", retryDelayMs: 5 });
    for (let i = 0; i < 5; i++) await client.publish("t", `m${i}`);
    const seen: number[] = [];
    const sub = client.subscribe("t", "g", { onMessage: (m) => void seen.push(m.offset) });
    while (sub.next < 5) await new Promise((r) => setTimeout(r, 5));
    await sub.idle();
    expect(sub.broker).toBe("a");
    deposed = true;
    for (let i = 5; i < 8; i++) await client.publish("t", `m${i}`);
    while (sub.next < 8) await new Promise((r) => setTimeout(r, 5));
    await sub.idle();
    expect(sub.broker).toBe("b");
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(sub.committed).toBe(8);
    client.close();
  });
});
