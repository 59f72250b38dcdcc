/** Checks for messages and requests that arrive from an untrusted wire. */
import { isNonEmptyString, isObject } from "@faultline/kernel";
import type { BeginRequest, TwoPhaseMessage } from "./types.js";

const TX_MESSAGES = new Set(["prepare", "commit", "abort", "status", "vote", "ack"]);

function checkTx(tx: unknown, field: string): string | undefined {
  return isNonEmptyString(tx) ? undefined : `${field}: expected a non-empty string, got ${JSON.stringify(tx) ?? String(tx)}`;
}

/** Returns what is wrong with `msg` (naming the field), or `undefined` when it is a {@link TwoPhaseMessage}. */
export function validateMessage(msg: unknown): string | undefined {
  if (!isObject(msg)) return "message: expected an object";
  if (typeof msg.type !== "string" || !TX_MESSAGES.has(msg.type)) return `type: expected one of ${[...TX_MESSAGES].join(", ")}, got ${JSON.stringify(msg.type) ?? "nothing"}`;
  const bad = checkTx(msg.tx, "tx");
  if (bad) return bad;
  if (msg.type === "vote" && msg.vote !== "yes" && msg.vote !== "no") return `vote: expected "yes" or "no", got ${JSON.stringify(msg.vote) ?? "nothing"}`;
  return undefined;
}

/** Returns what is wrong with `req` (naming the field), or `undefined` when it is a {@link BeginRequest}. */
export function validateRequest(req: unknown): string | undefined {
  if (!isObject(req)) return "request: expected an object";
  if (req.type !== "begin") return `type: expected "begin", got ${JSON.stringify(req.type) ?? "nothing"}`;
  return req.tx === undefined ? undefined : checkTx(req.tx, "tx");
}

/** Narrowing helpers for tests and callers that hold `unknown` data. */
export function isTwoPhaseMessage(msg: unknown): msg is TwoPhaseMessage {
  return validateMessage(msg) === undefined;
}

/** True when `req` is a valid {@link BeginRequest}. */
export function isBeginRequest(req: unknown): req is BeginRequest {
  return validateRequest(req) === undefined;
}
