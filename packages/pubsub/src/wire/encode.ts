/** Encoding of the wire protocol's lines (see protocol.ts): what a client sends and what a broker answers. */
import type { StoredMessage } from "../types.js";
import type { WireCommand } from "./protocol.js";

const encoder = new TextEncoder();

/** A command as a client sends it (PUB with its payload's byte length). */
export function encodeCommand(c: WireCommand): string {
  switch (c.cmd) {
    case "PUB":
      return `PUB ${c.topic} ${c.producer} ${c.seq} ${encoder.encode(c.payload).length}\r\n${c.payload}\r\n`;
    case "SUB":
      return `SUB ${c.topic} ${c.group} ${c.max}\r\n`;
    case "UNSUB":
      return `UNSUB ${c.topic} ${c.group}\r\n`;
    case "ACK":
      return `ACK ${c.topic} ${c.group} ${c.offset}\r\n`;
    case "HISTORY":
      return `HISTORY ${c.topic} ${c.from} ${c.limit}\r\n`;
    case "AUTH":
      return `AUTH ${c.token}\r\n`;
    case "PING":
    case "STATUS":
      return `${c.cmd}\r\n`;
  }
}

/** A pushed or read message. */
export function encodeMsg(topic: string, m: StoredMessage): string {
  return `MSG ${topic} ${m.offset} ${m.producer} ${m.seq} ${m.lamport} ${m.hlc.wall}.${m.hlc.logical} ${encoder.encode(m.payload).length}\r\n${m.payload}\r\n`;
}

/** `+OK` with optional words. */
export function encodeOk(...words: (string | number)[]): string {
  return words.length === 0 ? "+OK\r\n" : `+OK ${words.join(" ")}\r\n`;
}

/** `-ERR <reason>` on one line (line breaks in the reason become spaces). */
export function encodeErr(reason: string): string {
  return `-ERR ${reason.replace(/[\r\n]+/g, " ")}\r\n`;
}
