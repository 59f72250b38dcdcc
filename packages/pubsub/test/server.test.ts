/**
 * The wire server over real loopback sockets, with an in-memory backend (one pubsubMachine): the
 * transcript a `nc` session would show, and a connection that stays usable after bad input.
 */
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pubsubMachine, serveConnection, type PubSubCommand, type PubSubMachineState, type PubSubRequest, type PubSubResponse } from "@faultline/pubsub";

let server: Server;
let port = 0;
const open: Socket[] = [];
beforeAll(async () => {
  const machine = pubsubMachine();
  let state: PubSubMachineState = machine.init();
  let wall = 1_000; // the stamp a broker's HLC would give: one per publish received, duplicates included
  const backend = async (req: PubSubRequest): Promise<PubSubResponse> => {
    if (req.op === "status") return { ok: false, error: "no status in this backend" };
    const cmd = (req.op === "publish" ? { ...req, hlc: { wall: wall++, logical: 0 } } : req) as PubSubCommand;
    const out = machine.apply(state, cmd);
    state = out.state;
    return out.result;
  };
  server = createServer((socket) => serveConnection(socket, backend, { pollMs: 10, limits: { maxPayload: 16 } }));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(() => {
  for (const s of open) s.destroy();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Connects; `until(text)` waits for the transcript to contain `text`. */
async function connect() {
  const socket: Socket = createConnection(port, "127.0.0.1");
  open.push(socket);
  await new Promise<void>((resolve) => socket.once("connect", resolve));
  let received = "";
  socket.on("data", (d) => (received += d.toString("utf8")));
  const until = (text: string) =>
    new Promise<string>((resolve, reject) => {
      const deadline = Date.now() + 5_000;
      const check = () => (received.includes(text) ? resolve(received) : Date.now() > deadline ? reject(new Error(`waited for ${JSON.stringify(text)}, got ${JSON.stringify(received)}`)) : setTimeout(check, 5));
      check();
    });
  return { send: (s: string) => socket.write(s), until, end: () => socket.destroy(), text: () => received };
}

describe("the wire server", () => {
  it("publishes exactly once, reads history, pushes subscribed messages, commits offsets", async () => {
    const c = await connect();
    c.send("PING\r\nPUB orders p1 1 5\r\nhello\r\nPUB orders p1 1 5\r\nhello\r\nPUB orders p1 2 2\r\nhi\r\n");
    await c.until("+OK 1 2 1002.0\r\n");
    expect(c.text()).toBe("PONG\r\n+OK 0 1 1000.0\r\n+OK 0 1 1000.0 dup\r\n+OK 1 2 1002.0\r\n");
    c.send("HISTORY orders 0 10\r\nSUB orders g\r\n");
    await c.until("MSG orders 1 p1 2 2 1002.0 2\r\nhi\r\n+OK 2\r\n+OK 0\r\n");
    await c.until("+OK 0\r\nMSG orders 0 p1 1 1 1000.0 5\r\nhello\r\nMSG orders 1 p1 2 2 1002.0 2\r\nhi\r\n");
    c.send("ACK orders g 2\r\nUNSUB orders g\r\n");
    await c.until("+OK 2\r\n+OK\r\n");
    c.end();
    // A new connection of the same group resumes after the committed offset.
    const d = await connect();
    d.send("PUB orders p1 3 3\r\nnew\r\nSUB orders g 5\r\n");
    await d.until("MSG orders 2 p1 3 3 1003.0 3\r\nnew\r\n");
    expect(d.text()).not.toContain("hello");
    d.end();
  });

  it("answers bad input with -ERR and keeps the connection usable", async () => {
    const c = await connect();
    c.send("FROB x\r\nPUB t p 1 20\r\n01234567890123456789\r\nACK t g nine\r\nPUB t p 0 1\r\nx\r\nUNSUB t g\r\nPING\r\n");
    const text = await c.until("PONG\r\n");
    expect(text.split("\r\n").slice(0, 6)).toEqual([
      '-ERR unknown command "FROB" (known: PUB, SUB, UNSUB, ACK, HISTORY, PING, STATUS, AUTH)',
      "-ERR payload: 20 bytes is over the limit of 16",
      '-ERR offset: expected a whole number, got "nine"',
      "-ERR seq: must be at least 1, got 0",
      "-ERR not subscribed to t as g",
      "PONG",
    ]);
    c.end();
  });
});
