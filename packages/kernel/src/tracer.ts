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
 * Folds one event into the hash: a header word packing its kind, duplicate flag, node and sender,
 * its time, the number that tells it apart (timer token, request id) or the drop reason and
 * client, then its payload, walked structurally (no JSON text is built). No kind of payload gets
 * a shortcut of its own: one would speed up only protocols whose messages are bare numbers.
 */
function fold(h: TraceHasher, e: TracedEvent): void {
  const kind = e.kind;
  const time = e.time;
  const payload = e.payload;
  let header = kind | ((e.node + 1) << 4);
  if (kind === DELIVER) header |= (e.duplicate ? 8 : 0) | ((e.sender + 1) << 18);
  else if (kind === DROP) header |= (e.sender + 1) << 18;
  if ((time | 0) === time) {
    h.words2(header, time);
  } else {
    h.word(header);
    h.number(time);
  }
  switch (kind) {
    case TIMER:
      h.word(e.timerToken);
      break;
    case REQUEST:
    case CLIENT_TIMEOUT:
    case LOST:
      h.word(e.requestId);
      break;
    case DROP:
      h.string(e.reason as string);
      break;
    case REPLY:
      h.string(e.client);
      h.word(e.requestId);
      break;
  }
  h.value(payload);
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
