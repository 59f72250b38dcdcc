/**
 * Serves the wire protocol on one connection: commands become {@link PubSubRequest}s handed to
 * `backend` (in a broker process: a request to the local Raft node, answered once applied), the
 * answers become `+OK`/`-ERR`/`MSG` lines. Subscriptions poll the backend and push each message
 * once per connection; the client commits with ACK (at-least-once delivery: after a reconnect,
 * delivery resumes from the group's committed offset). Host timers are fine here: this is the
 * I/O edge, not the reducer.
 */
import type { Duplex } from "node:stream";
import type { PubSubRequest, PubSubResponse } from "../types.js";
import { encodeErr, encodeMsg, encodeOk } from "./encode.js";
import { wireFeed, wireParser, type WireCommand, type WireLimits } from "./protocol.js";

/** What the server needs: a way to run a request on the cluster. */
export type PubSubBackend = (req: PubSubRequest) => Promise<PubSubResponse>;

/** Options of {@link serveConnection}. */
export interface ServeOptions {
  readonly limits?: Partial<WireLimits>;
  /** How often a subscription polls (default 50 ms). */
  readonly pollMs?: number;
}

/** Why a refusal was refused, as one `-ERR` reason. */
function refusal(res: Extract<PubSubResponse, { ok: false }>): string {
  if (res.error !== undefined) return res.error;
  if (res.redirect !== undefined) return `not the leader: try ${res.redirect}`;
  return "no leader yet: retry";
}

/** Serves `socket` until it closes. Commands are answered in the order they arrive. */
export function serveConnection(socket: Duplex, backend: PubSubBackend, options: ServeOptions = {}): void {
  let parser = wireParser(options.limits);
  let chain: Promise<void> = Promise.resolve();
  let closed = false;
  const subs = new Map<string, { timer: ReturnType<typeof setTimeout>; next: number; busy: boolean }>();
  const write = (s: string) => {
    if (!closed) socket.write(s);
  };

  const poll = (key: string, c: Extract<WireCommand, { cmd: "SUB" }>) => {
    const sub = subs.get(key);
    if (sub === undefined || sub.busy || closed) return;
    sub.busy = true;
    backend({ op: "poll", topic: c.topic, group: c.group, max: c.max })
      .then((res) => {
        if (res.ok && res.op === "poll") {
          for (const m of res.messages) if (m.offset >= sub.next) write(encodeMsg(c.topic, m));
          sub.next = Math.max(sub.next, res.from + res.messages.length);
        }
      })
      .catch(() => undefined)
      .finally(() => {
        sub.busy = false;
        if (subs.get(key) === sub && !closed) sub.timer = setTimeout(() => poll(key, c), options.pollMs ?? 50);
      });
  };

  const run = async (c: WireCommand): Promise<string> => {
    switch (c.cmd) {
      case "PING":
        return "PONG\r\n";
      case "STATUS": {
        const res = await backend({ op: "status" });
        return res.ok ? `+STATUS ${JSON.stringify(res)}\r\n` : encodeErr(refusal(res));
      }
      case "PUB": {
        const res = await backend({ op: "publish", topic: c.topic, producer: c.producer, seq: c.seq, payload: c.payload });
        if (!res.ok) return encodeErr(refusal(res));
        return res.op === "publish" ? encodeOk(res.offset, res.lamport, `${res.hlc.wall}.${res.hlc.logical}`, ...(res.duplicate ? ["dup"] : [])) : encodeOk();
      }
      case "ACK": {
        const res = await backend({ op: "commit", topic: c.topic, group: c.group, offset: c.offset });
        return !res.ok ? encodeErr(refusal(res)) : encodeOk(res.op === "commit" ? res.offset : "");
      }
      case "HISTORY": {
        const res = await backend({ op: "history", topic: c.topic, from: c.from, limit: c.limit });
        if (!res.ok) return encodeErr(refusal(res));
        return res.op === "history" ? res.messages.map((m) => encodeMsg(c.topic, m)).join("") + encodeOk(res.end) : encodeOk();
      }
      case "SUB": {
        const key = `${c.topic} ${c.group}`;
        if (subs.has(key)) return encodeErr(`already subscribed to ${c.topic} as ${c.group}`);
        subs.set(key, { timer: setTimeout(() => poll(key, c), 0), next: 0, busy: false });
        return encodeOk();
      }
      case "UNSUB": {
        const key = `${c.topic} ${c.group}`;
        const sub = subs.get(key);
        if (sub === undefined) return encodeErr(`not subscribed to ${c.topic} as ${c.group}`);
        clearTimeout(sub.timer);
        subs.delete(key);
        return encodeOk();
      }
    }
  };

  socket.on("data", (chunk: Buffer) => {
    const r = wireFeed(parser, chunk);
    parser = r.parser;
    for (const item of r.items) {
      chain = chain.then(async () => write("error" in item ? encodeErr(item.error) : await run(item).catch((e: unknown) => encodeErr(`internal: ${String(e)}`))));
    }
  });
  socket.on("close", () => {
    closed = true;
    for (const s of subs.values()) clearTimeout(s.timer);
    subs.clear();
  });
  socket.on("error", () => undefined);
}
