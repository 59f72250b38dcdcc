/** Checks for client requests and broker messages from an untrusted source (a client, the wire). */
import { validateMessage as validateRaftMessage } from "@faultline/raft";
import type { PubSubConfig } from "./config.js";

const show = (v: unknown) => JSON.stringify(v) ?? String(v);
const TOPIC = /^[A-Za-z0-9._-]+$/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function whole(r: Record<string, unknown>, field: string, min: number, max = Number.MAX_SAFE_INTEGER): string | undefined {
  const v = r[field];
  return typeof v === "number" && Number.isInteger(v) && v >= min && v <= max ? undefined : `${field}: expected a whole number in [${min}, ${max}], got ${show(v)}`;
}

function name(r: Record<string, unknown>, field: string, maxLength: number): string | undefined {
  const v = r[field];
  if (typeof v !== "string" || v.length === 0) return `${field}: expected a non-empty string, got ${show(v)}`;
  if (v.length > maxLength) return `${field}: longer than ${maxLength} characters (${v.length})`;
  if (!TOPIC.test(v)) return `${field}: only letters, digits, ".", "_" and "-" are allowed, got ${show(v)}`;
  return undefined;
}

/** Returns what is wrong with `req` (naming the field), or `undefined` when it is a valid {@link PubSubRequest}. */
export function validatePubSubRequest(req: unknown, config: Pick<PubSubConfig, "maxTopicLength" | "maxPayload" | "maxBatch">): string | undefined {
  if (!isObject(req)) return "request: expected an object";
  const topic = () => name(req, "topic", config.maxTopicLength);
  switch (req.op) {
    case "status":
      return undefined;
    case "create":
      return topic();
    case "publish":
      if (typeof req.payload !== "string") return `payload: expected a string, got ${show(req.payload)}`;
      if (req.payload.length > config.maxPayload) return `payload: larger than ${config.maxPayload} (${req.payload.length})`;
      return topic() ?? name(req, "producer", 256) ?? whole(req, "seq", 1) ?? (req.lamport === undefined ? undefined : whole(req, "lamport", 0));
    case "poll":
      return topic() ?? name(req, "group", 256) ?? whole(req, "max", 1, config.maxBatch);
    case "commit":
      return topic() ?? name(req, "group", 256) ?? whole(req, "offset", 0);
    case "history":
      return topic() ?? whole(req, "from", 0) ?? whole(req, "limit", 1, config.maxBatch);
    default:
      return `op: expected one of create, publish, poll, commit, history, status, got ${show(req.op)}`;
  }
}

function isHlc(v: unknown): boolean {
  return isObject(v) && whole(v, "wall", Number.MIN_SAFE_INTEGER) === undefined && whole(v, "logical", 0) === undefined;
}

/** Returns what is wrong with a log command (naming the field), or `undefined`. */
function validateCommand(c: unknown, config: Pick<PubSubConfig, "maxTopicLength" | "maxPayload" | "maxBatch">): string | undefined {
  if (!isObject(c)) return "command: expected an object";
  if (c.op === "noop") return undefined;
  if (c.op === "status") return "op: status is not a log command";
  if (c.op === "publish" && !isHlc(c.hlc)) return "hlc: expected { wall, logical } whole numbers";
  return validatePubSubRequest(c, config);
}

const RAFT_TYPES = ["prevote", "prevote-reply", "vote", "vote-reply", "append", "append-reply", "snapshot", "snapshot-chunk", "snapshot-reply"];

/**
 * Returns what is wrong with a broker-to-broker message (naming the field), or `undefined`.
 * Raft's own fields are checked by Raft's validator; the entries' commands here.
 */
export function validateBrokerMessage(msg: unknown, config: Pick<PubSubConfig, "maxTopicLength" | "maxPayload" | "maxBatch">): string | undefined {
  if (!isObject(msg)) return "message: expected an object";
  const num = (f: string) => (typeof msg[f] === "number" && Number.isFinite(msg[f]) ? undefined : `${f}: expected a number, got ${show(msg[f])}`);
  if (msg.type === "probe") return num("t1") ?? (isHlc(msg.hlc) ? undefined : "hlc: expected { wall, logical }");
  if (msg.type === "probe-reply") return num("t1") ?? num("t2") ?? num("t3") ?? (isHlc(msg.hlc) ? undefined : "hlc: expected { wall, logical }");
  if (typeof msg.type !== "string" || !RAFT_TYPES.includes(msg.type)) return `type: expected probe, probe-reply or a Raft message type, got ${show(msg.type)}`;
  if (msg.type !== "append") return validateRaftMessage(msg);
  if (!Array.isArray(msg.entries)) return "entries: expected an array";
  const bad = validateRaftMessage({ ...msg, entries: [] });
  if (bad !== undefined) return bad;
  for (let i = 0; i < msg.entries.length; i++) {
    const e: unknown = msg.entries[i];
    if (!isObject(e)) return `entries[${i}]: expected an object`;
    const why = whole(e, "term", 0) ?? validateCommand(e.command, config);
    if (why !== undefined) return `entries[${i}].${why}`;
  }
  return undefined;
}
