/** Checks for Raft messages and client requests that arrive from an untrusted wire. */
import { describeValue, isNonNegativeInteger, isObject } from "@faultline/kernel";

function nat(m: Record<string, unknown>, field: string): string | undefined {
  const v = m[field];
  return isNonNegativeInteger(v) ? undefined : `${field}: expected a whole number >= 0, got ${describeValue(v)}`;
}

function bool(m: Record<string, unknown>, field: string): string | undefined {
  return typeof m[field] === "boolean" ? undefined : `${field}: expected true or false, got ${describeValue(m[field])}`;
}

function checkCommand(c: unknown, field: string): string | undefined {
  if (!isObject(c)) return `${field}: expected an object`;
  if (c.op === "noop") return undefined;
  const bad = validateRequest(c);
  return bad === undefined ? undefined : `${field}.${bad}`;
}

function checkEntries(v: unknown): string | undefined {
  if (!Array.isArray(v)) return "entries: expected an array";
  for (let i = 0; i < v.length; i++) {
    const e: unknown = v[i];
    if (!isObject(e)) return `entries[${i}]: expected an object`;
    const bad = nat(e, "term") ?? checkCommand(e.command, "command");
    if (bad) return `entries[${i}].${bad}`;
  }
  return undefined;
}

const TYPES = ["prevote", "prevote-reply", "vote", "vote-reply", "append", "append-reply", "snapshot", "snapshot-chunk", "snapshot-reply"];

/** Returns what is wrong with `msg` (naming the field), or `undefined` when it is a valid RaftMessage. */
export function validateMessage(msg: unknown): string | undefined {
  if (!isObject(msg)) return "message: expected an object";
  if (typeof msg.type !== "string" || !TYPES.includes(msg.type)) return `type: expected one of ${TYPES.join(", ")}, got ${describeValue(msg.type)}`;
  const term = nat(msg, "term");
  if (term) return term;
  switch (msg.type) {
    case "prevote":
    case "vote":
      return nat(msg, "lastIndex") ?? nat(msg, "lastTerm");
    case "prevote-reply":
    case "vote-reply":
      return bool(msg, "granted");
    case "append":
      return nat(msg, "prevIndex") ?? nat(msg, "prevTerm") ?? nat(msg, "commit") ?? checkEntries(msg.entries);
    case "append-reply":
      return (
        bool(msg, "success") ??
        nat(msg, "match") ??
        (msg.conflictIndex === undefined ? undefined : nat(msg, "conflictIndex")) ??
        (msg.conflictTerm === undefined ? undefined : nat(msg, "conflictTerm"))
      );
    case "snapshot": {
      const s = msg.snapshot;
      if (!isObject(s)) return "snapshot: expected an object";
      const bad = nat(s, "index") ?? nat(s, "term");
      return bad ? `snapshot.${bad}` : undefined;
    }
    case "snapshot-chunk":
      return (
        nat(msg, "lastIncludedIndex") ??
        nat(msg, "lastIncludedTerm") ??
        nat(msg, "offset") ??
        (typeof msg.data === "string" ? undefined : `data: expected a string, got ${describeValue(msg.data)}`) ??
        bool(msg, "done")
      );
    default:
      return nat(msg, "match") ?? (msg.offset === undefined ? undefined : (nat(msg, "offset") ?? nat(msg, "index")));
  }
}

/** Returns what is wrong with `req` (naming the field), or `undefined` when it is a valid KvRequest. */
export function validateRequest(req: unknown): string | undefined {
  if (!isObject(req)) return "request: expected an object";
  if (req.op !== "put" && req.op !== "get" && req.op !== "delete") return `op: expected "put", "get" or "delete", got ${describeValue(req.op)}`;
  if (typeof req.key !== "string") return `key: expected a string, got ${describeValue(req.key)}`;
  if (req.op === "put" && typeof req.value !== "string") return `value: expected a string, got ${describeValue(req.value)}`;
  if (req.session !== undefined) {
    const s = req.session;
    if (!isObject(s) || typeof s.client !== "string") return `session.client: expected a string`;
    if (!isNonNegativeInteger(s.seq)) return `session.seq: expected a whole number >= 0, got ${describeValue(s.seq)}`;
  }
  return undefined;
}
