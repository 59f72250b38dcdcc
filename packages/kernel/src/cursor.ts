/**
 * The exploration cursor's read side: which queued events could happen next (in a fixed order),
 * and a canonical fingerprint of the world that decides what can happen next. The simulator's
 * `fork`, `take` and `inject` use these with its one step function.
 */
import type { Checker } from "./checking.js";
import type { Clients } from "./clients.js";
import type { FaultAction, WorkloadOp } from "./config.js";
import { CLIENT_TIMEOUT, DELIVER, FAULT, REQUEST, TIMER, type QueuedEvent } from "./events.js";
import type { Network } from "./network.js";
import type { NodeHost } from "./nodes.js";
import type { ClientId, NodeId, Timer } from "./protocol.js";
import type { Triggers } from "./triggers.js";

/** A queued event that exploration may pick next, in a fixed order (by `seq`). */
export type PendingEvent =
  | { readonly kind: "deliver"; readonly seq: number; readonly from: NodeId; readonly to: NodeId; readonly msg: unknown }
  | { readonly kind: "timer"; readonly seq: number; readonly node: NodeId; readonly timer: Timer }
  | { readonly kind: "request"; readonly seq: number; readonly node: NodeId; readonly client: ClientId; readonly req: unknown }
  | { readonly kind: "fault"; readonly seq: number; readonly action: FaultAction }
  | { readonly kind: "client-timeout"; readonly seq: number; readonly client: ClientId };

/** How exploration takes a pending message: deliver it, lose it, or deliver a copy and keep it in flight. */
export type TakeMode = "deliver" | "drop" | "duplicate";

/** The parts of a world the cursor reads. */
export interface CursorSource {
  readonly queued: readonly QueuedEvent[];
  readonly hosts: readonly NodeHost[];
  readonly clients: Clients;
  readonly network: Network;
  readonly checker: Checker;
  readonly triggers: Triggers;
  /** Events processed so far (promised restarts count the steps still to go). */
  readonly events: number;
}

/** The events that could happen next, whatever their time, by `seq`. Stale timers and answered timeouts are left out. */
export function pendingEvents(source: CursorSource): PendingEvent[] {
  const out: PendingEvent[] = [];
  const hosts = source.hosts;
  const events = source.queued.slice().sort((a, b) => a.seq - b.seq);
  for (const e of events) {
    switch (e.kind) {
      case DELIVER:
        out.push({ kind: "deliver", seq: e.seq, from: e.from, to: (hosts[e.node] as NodeHost).id, msg: e.msg });
        break;
      case TIMER: {
        const h = hosts[e.node] as NodeHost;
        if (h.timers.get(e.timerKey) === e.timerToken) out.push({ kind: "timer", seq: e.seq, node: h.id, timer: e.payload as Timer });
        break;
      }
      case REQUEST: {
        const op = e.payload as WorkloadOp;
        out.push({ kind: "request", seq: e.seq, node: op.node, client: op.client, req: op.req });
        break;
      }
      case FAULT:
        out.push({ kind: "fault", seq: e.seq, action: e.payload as FaultAction });
        break;
      case CLIENT_TIMEOUT: {
        const client = (e.payload as WorkloadOp).client;
        if (source.clients.actor(client)?.waiting === e.requestId) out.push({ kind: "client-timeout", seq: e.seq, client });
        break;
      }
    }
  }
  return out;
}

/**
 * A canonical text of the world that decides what can happen next: nodes (up, paused, state,
 * log, armed timers), messages in flight (as a multiset), queued requests and faults, blocked
 * links, the client history, the actors, the invariants' ghost states and the armed triggers. Time, sequence numbers
 * and random-stream positions are left out, so equal worlds reached by different paths compare
 * equal. Object keys are sorted.
 */
export function fingerprint(source: CursorSource): string {
  const nodes = source.hosts.map((h) => [h.up, h.paused, h.state, h.records, [...h.timers.keys()].sort()]);
  const flight: string[] = [];
  const queued: string[] = [];
  for (const e of source.queued) {
    if (e.kind === DELIVER) flight.push(canonicalJson([e.sender, e.node, e.msg]));
    else if (e.kind === REQUEST || e.kind === FAULT) queued.push(canonicalJson([e.kind, e.payload]));
  }
  flight.sort();
  queued.sort();
  const history = source.clients.history.map((e) => canonicalJson([e.client, e.id, e.completedAt === undefined ? null : e.res ?? null])).sort();
  const clients = source.clients.actors.map((c) => [c.state, c.waiting === 0 ? 0 : 1]);
  return canonicalJson([nodes, flight, queued, source.network.blockedLinks(), history, clients, source.checker.ghostStates(), source.triggers.snapshot(source.events)]);
}

/** @internal JSON with object keys sorted at every level, so equal values give equal text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return value === undefined ? "null" : JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const keys = Object.keys(value).sort();
  let out = "{";
  for (const k of keys) {
    const v = (value as Record<string, unknown>)[k];
    if (v === undefined) continue;
    if (out.length > 1) out += ",";
    out += `${JSON.stringify(k)}:${canonicalJson(v)}`;
  }
  return out + "}";
}
