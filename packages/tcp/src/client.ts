/** A client for nodes on TCP: one request, one reply, with a timeout. */
import { createConnection } from "node:net";
import { DEFAULT_MAX_FRAME_BYTES, FrameDecoder, encodeFrame } from "./frame.js";
import type { PeerAddress } from "./runtime.js";

let nextId = 0;

/** Sends `req` to the node at `addr` as `client` and resolves with its reply; rejects on timeout or a closed connection. */
export function request(addr: PeerAddress, client: string, req: unknown, timeoutMs = 5_000): Promise<unknown> {
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
    socket.on("connect", () => socket.write(encodeFrame({ kind: "request", client, id, req })));
    socket.on("data", (chunk) => {
      try {
        for (const f of decoder.push(chunk)) {
          const env = f as { kind?: string; id?: number; res?: unknown };
          if (env.kind === "reply" && env.id === id) finish(null, env.res);
        }
      } catch (err) {
        finish(err as Error);
      }
    });
    socket.on("error", (err) => finish(err));
    socket.on("close", () => finish(new Error(`connection to ${addr.host}:${addr.port} closed before a reply`)));
  });
}
