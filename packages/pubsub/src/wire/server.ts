/**
 * Serves the wire protocol on one connection: commands become {@link PubSubRequest}s handed to
 * `backend` (in a broker process: a request to the local Raft node, answered once applied), the
 * answers become `+OK`/`-ERR`/`MSG` lines. Subscriptions poll the backend and push each message
 * once per connection; the client commits with ACK (at-least-once delivery: after a reconnect,
 * delivery resumes from the group's committed offset). Host timers are fine here: this is the
 * I/O edge, not the reducer. Create the server with `allowHalfOpen: true` so that a client that
 * half-closes after its commands (as `nc` does) still gets their answers.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { Duplex, Writable } from "node:stream";
import type { PubSubRequest, PubSubResponse, StoredMessage } from "../types.js";
import { encodeErr, encodeMsg, encodeOk } from "./encode.js";
import { wireFeed, wireParser, type WireCommand, type WireLimits } from "./protocol.js";

/** What the server needs: a way to run a request on the cluster. */
export type PubSubBackend = (req: PubSubRequest) => Promise<PubSubResponse>;

/** Options of {@link serveConnection}. */
export interface ServeOptions {
  readonly limits?: Partial<WireLimits>;
  /** How often a subscription polls (default 50 ms). */
  readonly pollMs?: number;
  /** When set, every command but PING and AUTH is refused until the client sends `AUTH <token>`. */
  readonly token?: string;
  /** Most subscriptions one connection may hold (default 16). */
  readonly maxSubscriptions?: number;
  /** Commands read but not yet answered before the socket is paused (default 256): backpressure for pipelining clients. */
  readonly maxQueued?: number;
}

/** Why a refusal was refused, as one `-ERR` reason. */
function refusal(res: Extract<PubSubResponse, { ok: false }>): string {
  if (res.error !== undefined) return res.error;
  if (res.redirect !== undefined) return `not the leader: try ${res.redirect}`;
  return "no leader yet: retry";
}

const digest = (s: string) => createHash("sha256").update(s).digest();

/** A subscriber slower than this many unsent bytes is not polled for more until it catches up. */
const MAX_UNSENT = 1 << 20;

type Sub = { timer: ReturnType<typeof setTimeout> | undefined; next: number; busy: boolean };

/** Serves `socket` until it closes. Commands are answered in the order they arrive. */
export function serveConnection(socket: Duplex, backend: PubSubBackend, options: ServeOptions = {}): void {
  let parser = wireParser(options.limits);
  let chain: Promise<void> = Promise.resolve();
  let closed = false;
  let queued = 0;
  let authed = options.token === undefined;
  const pollMs = options.pollMs ?? 50;
  const maxQueued = options.maxQueued ?? 256;
  const subs = new Map<string, Sub>();
  const write = (s: string) => {
    if (!closed) socket.write(s);
  };
  const push = (topic: string, sub: Sub, messages: readonly StoredMessage[], from: number): string => {
    const text = messages.filter((m) => m.offset >= sub.next).map((m) => encodeMsg(topic, m)).join("");
    sub.next = Math.max(sub.next, from + messages.length);
    return text;
  };

  const schedule = (key: string, sub: Sub, c: Extract<WireCommand, { cmd: "SUB" }>) => {
    if (subs.get(key) === sub && !closed) sub.timer = setTimeout(() => poll(key, c), pollMs);
  };
  const poll = (key: string, c: Extract<WireCommand, { cmd: "SUB" }>) => {
    const sub = subs.get(key);
    if (sub === undefined || sub.busy || closed) return;
    if ((socket as Partial<Writable>).writableLength !== undefined && (socket as Writable).writableLength > MAX_UNSENT) return schedule(key, sub, c);
    sub.busy = true;
    backend({ op: "poll", topic: c.topic, group: c.group, max: c.max })
      .then((res) => {
        if (subs.get(key) !== sub) return;
        if (res.ok && res.op === "poll") write(push(c.topic, sub, res.messages, res.from));
        else if (!res.ok && (res.redirect !== undefined || res.error !== undefined)) {
          // Deposed (or refused): the subscription ends here; the client resubscribes at the leader.
          subs.delete(key);
          write(`END ${c.topic} ${c.group} ${refusal(res).replace(/[\r\n]+/g, " ")}\r\n`);
        }
      })
      .catch(() => undefined) // the node is busy or restarting: poll again
      .finally(() => {
        sub.busy = false;
        schedule(key, sub, c);
      });
  };

  const run = async (c: WireCommand): Promise<string> => {
    if (c.cmd === "AUTH") {
      if (options.token === undefined) return encodeOk();
      authed = timingSafeEqual(digest(c.token), digest(options.token));
      return authed ? encodeOk() : encodeErr("auth: wrong token");
    }
    if (!authed && c.cmd !== "PING") return encodeErr("auth: this broker requires AUTH <token> first");
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
        if (subs.size >= (options.maxSubscriptions ?? 16)) return encodeErr(`too many subscriptions on this connection (limit ${options.maxSubscriptions ?? 16})`);
        // The first poll answers the SUB itself: a follower refuses it with a redirect, and
        // nothing is subscribed; the leader answers +OK followed by the first messages.
        const res = await backend({ op: "poll", topic: c.topic, group: c.group, max: c.max });
        if (!res.ok) return encodeErr(refusal(res));
        if (closed) return "";
        const sub: Sub = { timer: undefined, next: 0, busy: false };
        subs.set(key, sub);
        const first = res.op === "poll" ? push(c.topic, sub, res.messages, res.from) : "";
        schedule(key, sub, c);
        return encodeOk(res.op === "poll" ? res.from : 0) + first;
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
      queued++;
      if (queued >= maxQueued) socket.pause();
      chain = chain.then(async () => {
        write("error" in item ? encodeErr(item.error) : await run(item).catch((e: unknown) => encodeErr(`internal: ${e instanceof Error ? e.message : String(e)}`)));
        queued--;
        if (queued < maxQueued && socket.isPaused()) socket.resume();
      });
    }
  });
  // A client that half-closes (`nc` at the end of its input) still gets every answer; the
  // connection ends after them, unless subscriptions are still pushing.
  socket.on("end", () => {
    void chain.then(() => {
      if (subs.size === 0) socket.end();
    });
  });
  socket.on("close", () => {
    closed = true;
    for (const s of subs.values()) clearTimeout(s.timer);
    subs.clear();
  });
  socket.on("error", () => undefined);
}
