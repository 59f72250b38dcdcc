/**
 * An ABD-style replicated read/write register (Attiya, Bar-Noy, Dolev 1995), written the way a
 * Faultline user would write their own protocol: one pure reducer, no Faultline internals.
 *
 * Every node is a replica holding one tagged value, and any node coordinates the client requests
 * it receives. Both operations take two round trips to a majority:
 *
 * - write: query a majority for their tags, then store (max ts + 1, the request's id) on a majority;
 * - read: query a majority, then write the largest (tag, value) back to a majority before
 *   answering it, so no later read can return an older value.
 *
 * Tags compare by timestamp, then by writer id, so two writes that chose the same timestamp are
 * still ordered the same way on every replica. A replica persists a value before acknowledging
 * it. Lost messages are resent to the replicas that have not answered, every `retryMs`.
 */
import { transition, type Effects, type Protocol } from "faultline";

/** A version: timestamp first, writer id to break ties. The writer is `client#request`, unique per write. */
export interface Tag {
  readonly ts: number;
  readonly writer: string;
}

/** A stored value; `null` before any write. */
export type Value = string | null;

/** A client request: the register's `read` and `write`, as `registerModel` of `faultline/check` names them. */
export type RegisterRequest = { readonly op: "read" } | { readonly op: "write"; readonly value: string };

/** A read answers the value it settled on; a write answers "ok". */
export type RegisterReply = Value | "ok";

/** Messages between coordinator and replicas; `op` names the coordinated request. */
export type RegisterMsg =
  | { readonly type: "query"; readonly op: string }
  | { readonly type: "query-ack"; readonly op: string; readonly tag: Tag; readonly value: Value }
  | { readonly type: "store"; readonly op: string; readonly tag: Tag; readonly value: Value }
  | { readonly type: "store-ack"; readonly op: string };

/** The one record a replica persists: its latest tagged value. */
export interface StoredRecord {
  readonly type: "stored";
  readonly tag: Tag;
  readonly value: Value;
}

/** The retransmission timer of one coordinated request. */
export type RetryTimer = { readonly kind: "retry"; readonly op: string };

/** A request this node coordinates (volatile: lost in a crash; the client times out). */
export interface Pending {
  readonly client: string;
  readonly id: number;
  readonly req: RegisterRequest;
  phase: "query" | "store";
  /** Replicas that answered the current phase. */
  acks: string[];
  /** Largest tag and its value seen in the query phase; then what the store phase writes. */
  tag: Tag;
  value: Value;
}

/** A node's state: its replica part and the requests it coordinates. */
export interface RegisterState {
  readonly tag: Tag;
  readonly value: Value;
  readonly pending: Readonly<Record<string, Pending>>;
}

/** Options of {@link quorumRegister}. */
export interface RegisterOptions {
  /** Resend a phase's message to silent replicas after this long (ms of the node's clock). */
  readonly retryMs: number;
}

/** Orders tags: negative when `a` is older than `b`. */
export function compareTags(a: Tag, b: Tag): number {
  if (a.ts !== b.ts) return a.ts - b.ts;
  return a.writer < b.writer ? -1 : a.writer > b.writer ? 1 : 0;
}

/** The smallest majority of `n` replicas: any two intersect. */
export function majority(n: number): number {
  return Math.floor(n / 2) + 1;
}

const ZERO: Tag = { ts: 0, writer: "" };

type Fx = Effects<RegisterMsg, RegisterReply, StoredRecord, RetryTimer>;

/** Sends the current phase's message to every replica that has not answered it. */
function sendPhase(p: Pending, op: string, nodes: readonly string[], fx: Fx): void {
  const msg: RegisterMsg = p.phase === "query" ? { type: "query", op } : { type: "store", op, tag: p.tag, value: p.value };
  for (const n of nodes) if (!p.acks.includes(n)) fx.send(n, msg);
}

/** The register protocol. Message, record and timer `type`s are listed for the sweep's triggers. */
export function quorumRegister(options: RegisterOptions): Protocol<RegisterState, RegisterMsg, RegisterRequest, RegisterReply, StoredRecord, RetryTimer> {
  if (!Number.isInteger(options.retryMs) || options.retryMs <= 0) throw new RangeError(`retryMs: expected a positive whole number of ms, got ${String(options.retryMs)}`);
  return {
    name: "quorum-register",
    init: (_ctx, records) => {
      const last = records.at(-1);
      return { state: { tag: last?.tag ?? ZERO, value: last?.value ?? null, pending: {} }, effects: [] };
    },
    step: (state, input, ctx) =>
      transition(state, (d, fx) => {
        const quorum = majority(ctx.nodes.length);
        if (input.type === "request") {
          const op = `${input.client}#${input.id}`;
          const p: Pending = { client: input.client, id: input.id, req: input.req, phase: "query", acks: [], tag: ZERO, value: null };
          d.pending[op] = p;
          sendPhase(p, op, ctx.nodes, fx);
          fx.setTimer({ kind: "retry", op }, options.retryMs);
          return;
        }
        if (input.type === "timer") {
          const p = d.pending[input.timer.op];
          if (p === undefined) return;
          sendPhase(p, input.timer.op, ctx.nodes, fx);
          fx.setTimer(input.timer, options.retryMs);
          return;
        }
        const { from, msg } = input;
        switch (msg.type) {
          case "query":
            fx.send(from, { type: "query-ack", op: msg.op, tag: d.tag, value: d.value });
            return;
          case "store":
            if (compareTags(msg.tag, d.tag) > 0) {
              d.tag = msg.tag;
              d.value = msg.value;
              fx.persist({ type: "stored", tag: msg.tag, value: msg.value });
            }
            fx.send(from, { type: "store-ack", op: msg.op });
            return;
          case "query-ack": {
            const p = d.pending[msg.op];
            if (p === undefined || p.phase !== "query" || p.acks.includes(from)) return;
            p.acks.push(from);
            if (compareTags(msg.tag, p.tag) > 0) {
              p.tag = msg.tag;
              p.value = msg.value;
            }
            if (p.acks.length < quorum) return;
            // A write stores a newer tag; a read writes back what it saw.
            if (p.req.op === "write") {
              p.tag = { ts: p.tag.ts + 1, writer: msg.op };
              p.value = p.req.value;
            }
            p.phase = "store";
            p.acks = [];
            sendPhase(p, msg.op, ctx.nodes, fx);
            fx.setTimer({ kind: "retry", op: msg.op }, options.retryMs);
            return;
          }
          case "store-ack": {
            const p = d.pending[msg.op];
            if (p === undefined || p.phase !== "store" || p.acks.includes(from)) return;
            p.acks.push(from);
            if (p.acks.length < quorum) return;
            delete d.pending[msg.op];
            fx.cancelTimer({ kind: "retry", op: msg.op });
            fx.reply(p.client, p.id, p.req.op === "write" ? "ok" : p.value);
            return;
          }
        }
      }),
    describe: (s) => {
      const ops = Object.keys(s.pending);
      return `holds ${JSON.stringify(s.value)} at ${s.tag.ts}/${s.tag.writer || "-"}${ops.length > 0 ? `, coordinating ${ops.join(" ")}` : ""}`;
    },
  };
}
