/**
 * The NATS-style text wire protocol of a broker: one command a line, CRLF-terminated; a publish
 * carries its payload's length on the command line and the payload on the next.
 *
 * ```text
 * PUB <topic> <producer> <seq> <bytes>\r\n<payload>\r\n   → +OK <offset> <lamport> <wall>.<logical> [dup]
 * SUB <topic> <group> [max]\r\n                            → +OK <group's offset>, then MSG lines from it as messages commit
 * UNSUB <topic> <group>\r\n                                → +OK
 * ACK <topic> <group> <offset>\r\n                         → +OK <offset>   (commits the group's offset)
 * HISTORY <topic> <from> <limit>\r\n                       → MSG lines, then +OK <end>
 * PING\r\n                                                 → PONG
 * STATUS\r\n                                               → +STATUS <json>
 * AUTH <token>\r\n                                         → +OK (required first when the broker has a client token)
 * pushed: MSG <topic> <offset> <producer> <seq> <lamport> <wall>.<logical> <bytes>\r\n<payload>\r\n
 * pushed: END <topic> <group> <reason>\r\n    (the broker ended a subscription, e.g. it is no longer the leader)
 * ```
 *
 * A malformed command gets `-ERR <reason>` and the connection stays usable: a publish whose
 * length is known but which is refused (payload too large, bad topic, bad seq) has its payload
 * skipped, so the next command is read where it starts. Pure: no I/O here.
 */

/** A command read from a client. */
export type WireCommand =
  | { readonly cmd: "PUB"; readonly topic: string; readonly producer: string; readonly seq: number; readonly payload: string }
  | { readonly cmd: "SUB"; readonly topic: string; readonly group: string; readonly max: number }
  | { readonly cmd: "UNSUB"; readonly topic: string; readonly group: string }
  | { readonly cmd: "ACK"; readonly topic: string; readonly group: string; readonly offset: number }
  | { readonly cmd: "HISTORY"; readonly topic: string; readonly from: number; readonly limit: number }
  | { readonly cmd: "PING" }
  | { readonly cmd: "STATUS" }
  | { readonly cmd: "AUTH"; readonly token: string };

/** What the parser yields: a command, or the reason for an `-ERR`. */
export type WireItem = WireCommand | { readonly error: string };

/** Limits the parser enforces. */
export interface WireLimits {
  /** Longest command line, bytes (default 4096). */
  readonly maxLine: number;
  /** Largest payload, bytes (default 65536). */
  readonly maxPayload: number;
  /** Longest topic, group or producer name, characters (default 64). */
  readonly maxName: number;
  /** Default and largest SUB batch (default 100). */
  readonly maxBatch: number;
}

/** Defaults of {@link WireLimits}. */
export const WIRE_LIMITS: WireLimits = { maxLine: 4096, maxPayload: 65_536, maxName: 64, maxBatch: 100 };

/** The parser's state: bytes not yet consumed and what it is waiting for. */
export interface WireParser {
  readonly limits: WireLimits;
  readonly buffer: Uint8Array;
  /** A PUB's header, waiting for `bytes` of payload and CRLF; `refused` when the payload is to be skipped. */
  readonly pending?: { readonly head: Omit<Extract<WireCommand, { cmd: "PUB" }>, "payload">; readonly bytes: number; readonly refused?: string };
  /** Discarding an over-long line up to its end. */
  readonly discarding: boolean;
}

/** A fresh parser. */
export function wireParser(limits: Partial<WireLimits> = {}): WireParser {
  return { limits: { ...WIRE_LIMITS, ...limits }, buffer: new Uint8Array(0), discarding: false };
}

const NAME = /^[A-Za-z0-9._-]+$/;
const decoder = new TextDecoder();

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function crlfAt(buf: Uint8Array): number {
  for (let i = 0; i + 1 < buf.length; i++) if (buf[i] === 13 && buf[i + 1] === 10) return i;
  return -1;
}

function whole(field: string, text: string | undefined, min: number): number | string {
  if (text === undefined) return `${field}: missing`;
  if (!/^[0-9]{1,15}$/.test(text)) return `${field}: expected a whole number, got ${JSON.stringify(text)}`;
  const n = Number(text);
  return n < min ? `${field}: must be at least ${min}, got ${n}` : n;
}

function name(field: string, text: string | undefined, max: number): string | undefined {
  if (text === undefined) return `${field}: missing`;
  if (text.length > max) return `${field}: longer than ${max} characters (${text.length})`;
  return NAME.test(text) ? undefined : `${field}: only letters, digits, ".", "_" and "-" are allowed, got ${JSON.stringify(text)}`;
}

/** Parses one command line (without CRLF); a PUB returns its header and payload length. */
function parseLine(line: string, limits: WireLimits): WireItem | { pub: NonNullable<WireParser["pending"]> } {
  const parts = line.split(" ").filter((p) => p.length > 0);
  const verb = (parts[0] ?? "").toUpperCase();
  const arity = (n: number, usage: string) => (parts.length - 1 === n ? undefined : `${verb}: expected ${usage}, got ${parts.length - 1} argument(s)`);
  const err = (error: string) => ({ error });
  switch (verb) {
    case "PING":
    case "STATUS": {
      const bad = arity(0, "no arguments");
      return bad ? err(bad) : { cmd: verb };
    }
    case "PUB": {
      const bad = arity(4, "PUB <topic> <producer> <seq> <bytes>");
      if (bad) return err(bad);
      const bytes = whole("bytes", parts[4], 0);
      if (typeof bytes === "string") return err(`${bytes} (the payload cannot be skipped: send the next command)`);
      const head = { cmd: "PUB" as const, topic: parts[1] as string, producer: parts[2] as string, seq: 0 };
      const seq = whole("seq", parts[3], 1);
      const refused =
        (bytes > limits.maxPayload ? `payload: ${bytes} bytes is over the limit of ${limits.maxPayload}` : undefined) ??
        name("topic", parts[1], limits.maxName) ??
        name("producer", parts[2], limits.maxName) ??
        (typeof seq === "string" ? seq : undefined);
      return { pub: { head: { ...head, seq: typeof seq === "number" ? seq : 0 }, bytes, ...(refused === undefined ? {} : { refused }) } };
    }
    case "SUB": {
      if (parts.length !== 3 && parts.length !== 4) return err("SUB: expected SUB <topic> <group> [max]");
      const max = parts[3] === undefined ? limits.maxBatch : whole("max", parts[3], 1);
      if (typeof max === "string") return err(max);
      if (max > limits.maxBatch) return err(`max: over the limit of ${limits.maxBatch}`);
      const bad = name("topic", parts[1], limits.maxName) ?? name("group", parts[2], limits.maxName);
      return bad ? err(bad) : { cmd: "SUB", topic: parts[1] as string, group: parts[2] as string, max };
    }
    case "AUTH": {
      const bad = arity(1, "AUTH <token>");
      return bad ? err(bad) : { cmd: "AUTH", token: parts[1] as string };
    }
    case "UNSUB": {
      const bad = arity(2, "UNSUB <topic> <group>") ?? name("topic", parts[1], limits.maxName) ?? name("group", parts[2], limits.maxName);
      return bad ? err(bad) : { cmd: "UNSUB", topic: parts[1] as string, group: parts[2] as string };
    }
    case "ACK": {
      const bad = arity(3, "ACK <topic> <group> <offset>") ?? name("topic", parts[1], limits.maxName) ?? name("group", parts[2], limits.maxName);
      if (bad) return err(bad);
      const offset = whole("offset", parts[3], 0);
      return typeof offset === "string" ? err(offset) : { cmd: "ACK", topic: parts[1] as string, group: parts[2] as string, offset };
    }
    case "HISTORY": {
      const bad = arity(3, "HISTORY <topic> <from> <limit>") ?? name("topic", parts[1], limits.maxName);
      if (bad) return err(bad);
      const from = whole("from", parts[2], 0);
      const limit = whole("limit", parts[3], 1);
      if (typeof from === "string") return err(from);
      if (typeof limit === "string") return err(limit);
      return limit > limits.maxBatch ? err(`limit: over the limit of ${limits.maxBatch}`) : { cmd: "HISTORY", topic: parts[1] as string, from, limit };
    }
    case "":
      return err("empty command");
    default:
      return err(`unknown command ${JSON.stringify(verb.slice(0, 32))} (known: PUB, SUB, UNSUB, ACK, HISTORY, PING, STATUS, AUTH)`);
  }
}

/** Feeds `chunk`: the commands and errors it completes, in order, and the parser's next state. */
export function wireFeed(parser: WireParser, chunk: Uint8Array): { parser: WireParser; items: WireItem[] } {
  let buf = concat(parser.buffer, chunk);
  let pending = parser.pending;
  let discarding = parser.discarding;
  const items: WireItem[] = [];
  for (;;) {
    if (pending !== undefined) {
      if (buf.length < pending.bytes + 2) break;
      const payload = buf.subarray(0, pending.bytes);
      const ok = buf[pending.bytes] === 13 && buf[pending.bytes + 1] === 10;
      if (pending.refused !== undefined) {
        // Already answered when its header was read; the payload is only skipped.
      } else if (!ok) items.push({ error: `payload: not followed by \\r\\n after ${pending.bytes} bytes` });
      else items.push({ ...pending.head, payload: decoder.decode(payload) });
      // Without the CRLF, resynchronise at the next line break; the bytes up to it are dropped.
      buf = ok ? buf.subarray(pending.bytes + 2) : buf.subarray(pending.bytes);
      discarding = !ok;
      pending = undefined;
      continue;
    }
    const end = crlfAt(buf);
    if (end < 0) {
      if (buf.length > parser.limits.maxLine && !discarding) {
        items.push({ error: `line: longer than ${parser.limits.maxLine} bytes` });
        discarding = true;
      }
      if (discarding) buf = buf.subarray(Math.max(0, buf.length - 1)); // keep a trailing CR
      break;
    }
    const line = buf.subarray(0, end);
    buf = buf.subarray(end + 2);
    if (discarding) {
      discarding = false;
      continue;
    }
    if (line.length > parser.limits.maxLine) {
      items.push({ error: `line: longer than ${parser.limits.maxLine} bytes` });
      continue;
    }
    const item = parseLine(decoder.decode(line), parser.limits);
    if ("pub" in item) {
      pending = item.pub;
      // A refused publish is answered at once, not after its (possibly never sent) payload.
      if (pending.refused !== undefined) items.push({ error: pending.refused });
    }
    else items.push(item);
  }
  return { parser: { limits: parser.limits, buffer: buf.slice(), discarding, ...(pending === undefined ? {} : { pending }) }, items };
}
