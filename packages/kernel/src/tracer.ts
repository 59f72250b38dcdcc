/**
 * The trace of one run: every event folded into the trace hash, the last few kept for reports,
 * every one kept on request, and their rendering as {@link TraceEvent}s.
 */
import type { FaultAction, WorkloadOp } from "./config.js";
import {
  CLIENT_TIMEOUT,
  DELIVER,
  DROP,
  FAULT,
  KIND_NAMES,
  LOST,
  LocalEvent,
  MessageEvent,
  REPLY,
  type OutcomeEvent,
  REQUEST,
  TIMER,
  type TracedEvent,
} from "./events.js";
import type { NodeId, Timer } from "./protocol.js";
import { RecentEvents, TraceHasher, type DropReason, type TraceEvent } from "./trace.js";

/** The trace of a run: hash, recent events and optionally every event. */
export class Tracer {
  constructor(
    private readonly hasher: TraceHasher | undefined,
    private readonly recent: RecentEvents<TracedEvent>,
    private readonly full: TracedEvent[] | undefined,
  ) {}

  /** A tracer for a new run: `hash` folds every event (default on), `keepLast` recent events (default 64), `full` keeps all. */
  static create(options: { readonly hash?: boolean; readonly keepLast?: number; readonly full?: boolean }): Tracer {
    return new Tracer(options.hash === false ? undefined : new TraceHasher(), new RecentEvents<TracedEvent>(options.keepLast ?? 64), options.full ? [] : undefined);
  }

  /** A copy that continues from the same hash and events. */
  clone(): Tracer {
    return new Tracer(this.hasher?.clone(), this.recent.clone(), this.full?.slice());
  }

  /** Records one event. */
  record(e: TracedEvent): void {
    this.recent.push(e);
    this.full?.push(e);
    if (this.hasher !== undefined) fold(this.hasher, e);
  }

  /** The hash of every event so far ("" when hashing is off). */
  digest(): string {
    return this.hasher?.digest() ?? "";
  }

  /** The recent events, oldest first. */
  lastEvents(nodeIds: readonly NodeId[]): TraceEvent[] {
    return this.recent.toArray().map((e) => toTraceEvent(e, nodeIds));
  }

  /** Every event, when kept. */
  everyEvent(nodeIds: readonly NodeId[]): TraceEvent[] | undefined {
    return this.full?.map((e) => toTraceEvent(e, nodeIds));
  }
}

/**
 * Folds one event into the hash: its kind, time, node and sender, the number that tells it apart
 * (timer token, request id, duplicate flag) or the drop reason and client, then its payload,
 * walked structurally (no JSON text is built).
 */
function fold(h: TraceHasher, e: TracedEvent): void {
  const time = e.time;
  const payload = e.payload;
  const sender = e.kind === DELIVER || e.kind === DROP ? e.sender : -1;
  if ((time | 0) === time) {
    h.words4(e.kind, time, e.node, sender);
  } else {
    h.word(e.kind);
    h.number(time);
    h.word(e.node);
    h.word(sender);
  }
  switch (e.kind) {
    case DELIVER:
      h.word(e.duplicate ? 1 : 0);
      break;
    case TIMER:
      h.word(e.timerToken);
      break;
    case REQUEST:
    case CLIENT_TIMEOUT:
    case LOST:
      h.word(e.requestId);
      break;
    case DROP:
      h.string((e as OutcomeEvent).reason as string);
      break;
    case REPLY:
      h.string((e as OutcomeEvent).client);
      h.word(e.requestId);
      break;
  }
  if (typeof payload === "number") h.number(payload);
  else h.value(payload);
}

/** An event as reports and JSON-lines traces show it. */
export function toTraceEvent(e: TracedEvent, nodeIds: readonly NodeId[]): TraceEvent {
  const node = e.node >= 0 ? nodeIds[e.node] : undefined;
  const t = e.time;
  if (e instanceof MessageEvent) return { t, kind: "deliver", node, from: e.from, sentAt: e.sentAt, msg: e.msg, ...(e.duplicate ? { duplicate: true as const } : {}) };
  if (e instanceof LocalEvent) {
    switch (e.kind) {
      case TIMER:
        return { t, kind: "timer", node, timer: e.payload as Timer };
      case REQUEST: {
        const op = e.payload as WorkloadOp;
        return { t, kind: "request", node, client: op.client, id: e.requestId, req: op.req };
      }
      case CLIENT_TIMEOUT: {
        const op = e.payload as WorkloadOp;
        return { t, kind: "client-timeout", node, client: op.client, id: e.requestId, req: op.req };
      }
      case FAULT:
        return { t, kind: "fault", action: e.payload as FaultAction };
    }
  }
  switch (e.kind) {
    case DROP:
      return { t, kind: "drop", node, from: nodeIds[e.sender], sentAt: e.sentAt, msg: e.payload, reason: e.reason as DropReason };
    case REPLY:
      return { t, kind: "reply", node, client: e.client, id: e.requestId, res: e.payload };
    case LOST: {
      const op = e.payload as WorkloadOp;
      return { t, kind: KIND_NAMES[LOST], node, client: op.client, id: e.requestId, req: op.req };
    }
  }
}
