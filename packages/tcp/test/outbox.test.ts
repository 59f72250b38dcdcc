/** Coalesced writes: frames written to a socket in one callback leave in one writev system call, in order. */
import { createConnection, createServer, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { writeCoalesced } from "../src/outbox.js";

/** A connected pair on loopback: the server's end (written to) and the client's (read from). */
async function socketPair(): Promise<{ server: Socket; client: Socket; close: () => void }> {
  const listener = createServer();
  await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
  const accepted = new Promise<Socket>((resolve) => listener.once("connection", resolve));
  const client = createConnection({ host: "127.0.0.1", port: (listener.address() as { port: number }).port });
  const server = await accepted;
  return { server, client, close: () => (client.destroy(), server.destroy(), listener.close()) };
}

describe("writeCoalesced", () => {
  it("sends the frames of one callback with one writev, in order, and the next callback's with another", async () => {
    const { server, client, close } = await socketPair();
    try {
      // Socket's own stream hooks: _write is one write system call, _writev one writev.
      const calls: string[] = [];
      const s = server as unknown as { _write: (...a: unknown[]) => void; _writev: (chunks: { chunk: Buffer }[], cb: unknown) => void };
      const write = s._write.bind(server);
      const writev = s._writev.bind(server);
      s._write = (...a: unknown[]) => (calls.push("write"), write(...a));
      s._writev = (chunks, cb) => (calls.push(`writev ${chunks.length}`), writev(chunks, cb));
      let received = "";
      client.on("data", (d: Buffer) => (received += d.toString()));
      for (let i = 0; i < 10; i++) writeCoalesced(server, Buffer.from(`${i},`));
      await new Promise((r) => setImmediate(r));
      for (let i = 10; i < 13; i++) writeCoalesced(server, Buffer.from(`${i},`));
      const want = Array.from({ length: 13 }, (_, i) => `${i},`).join("");
      const deadline = Date.now() + 5_000;
      while (received.length < want.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      expect(received).toBe(want);
      expect(calls).toEqual(["writev 10", "writev 3"]);
    } finally {
      close();
    }
  });
});
