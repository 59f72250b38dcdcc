/**
 * The client's side of the wire protocol: an incremental, pure parser of what a broker sends
 * (`+OK`, `-ERR`, `PONG`, `+STATUS <json>`, `MSG` lines with their payloads, and `END` when the
 * broker ends a subscription). The mirror image of `protocol.ts`.
 */
import type { StoredMessage } from "../types.js";

/** One item a broker sent. */
export type WireReply =
  | { readonly kind: "ok"; readonly words: readonly string[] }
  | { readonly kind: "err"; readonly reason: string }
  | { readonly kind: "pong" }
  | { readonly kind: "status"; readonly status: unknown }
  | { readonly kind: "msg"; readonly topic: string; readonly message: StoredMessage }
  /** The broker ended a subscription (it lost leadership, or the subscription failed). */
  | { readonly kind: "end"; readonly topic: string; readonly group: string; readonly reason: string };

/** The reply parser's state. */
export interface ReplyParser {
  readonly buffer: Buffer;
  /** A MSG header waiting for its payload. */
  readonly pending?: { readonly topic: string; readonly head: Omit<StoredMessage, "payload">; readonly bytes: number };
}

/** A broker sent something this parser cannot read: the connection is out of step and must be closed. */
export class WireReplyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WireReplyError";
  }
}

/** A fresh reply parser. */
export function replyParser(): ReplyParser {
  return { buffer: Buffer.alloc(0) };
}

const MSG = /^MSG (\S+) (\d+) (\S+) (\d+) (\d+) (\d+)\.(\d+) (\d+)$/;

function parseLine(line: string): WireReply | NonNullable<ReplyParser["pending"]> {
  if (line === "PONG") return { kind: "pong" };
  if (line === "+OK" || line.startsWith("+OK ")) return { kind: "ok", words: line.slice(3).trim().split(" ").filter((w) => w.length > 0) };
  if (line.startsWith("-ERR")) return { kind: "err", reason: line.slice(4).trim() };
  if (line.startsWith("+STATUS ")) {
    try {
      return { kind: "status", status: JSON.parse(line.slice(8)) as unknown };
    } catch {
      throw new WireReplyError(`STATUS: not JSON: ${line.slice(0, 80)}`);
    }
  }
  if (line.startsWith("END ")) {
    const [, topic = "", group = "", ...reason] = line.split(" ");
    return { kind: "end", topic, group, reason: reason.join(" ") };
  }
  const m = MSG.exec(line);
  if (m === null) throw new WireReplyError(`unreadable line from the broker: ${JSON.stringify(line.slice(0, 80))}`);
  const n = (i: number) => Number(m[i]);
  return { topic: m[1] as string, head: { offset: n(2), producer: m[3] as string, seq: n(4), lamport: n(5), hlc: { wall: n(6), logical: n(7) } }, bytes: n(8) };
}

/** Feeds `chunk`; returns the complete items, in order, and the next state. Throws {@link WireReplyError} on input no broker sends. */
export function replyFeed(parser: ReplyParser, chunk: Buffer): { parser: ReplyParser; items: WireReply[] } {
  let buf = parser.buffer.length === 0 ? chunk : Buffer.concat([parser.buffer, chunk]);
  let pending = parser.pending;
  const items: WireReply[] = [];
  for (;;) {
    if (pending !== undefined) {
      if (buf.length < pending.bytes + 2) break;
      if (buf[pending.bytes] !== 13 || buf[pending.bytes + 1] !== 10) throw new WireReplyError(`MSG payload not followed by CRLF after ${pending.bytes} bytes`);
      items.push({ kind: "msg", topic: pending.topic, message: { ...pending.head, payload: buf.subarray(0, pending.bytes).toString("utf8") } });
      buf = buf.subarray(pending.bytes + 2);
      pending = undefined;
      continue;
    }
    const end = buf.indexOf("\r\n");
    if (end < 0) break;
    const line = buf.subarray(0, end).toString("utf8");
    buf = buf.subarray(end + 2);
    const item = parseLine(line);
    if ("kind" in item) items.push(item);
    else pending = item;
  }
  return { parser: { buffer: Buffer.from(buf), ...(pending === undefined ? {} : { pending }) }, items };
}
