/**
 * The simulator's event records. Kinds are small numbers (the hot loop switches on them and the
 * trace hash folds them); every field has one meaning, and events are built only by the typed
 * factories below, so a timer never travels in a field meant for a client id.
 */
import type { FaultAction, WorkloadOp } from "./config.js";
import type { ClientId, Timer } from "./protocol.js";
import type { DropReason } from "./trace.js";

/** A message arrives at `node` from `from`. */
export const DELIVER = 0;
/** A timer of `node` fires (if still armed). */
export const TIMER = 1;
/** A client request reaches `node`. */
export const REQUEST = 2;
/** A fault action is applied. */
export const FAULT = 3;
/** Trace only: a message was lost. */
export const DROP = 4;
/** Trace only: a node answered a client. */
export const REPLY = 5;
/** Trace only: a request reached a node that was down. */
export const LOST = 6;
/** A client gives up waiting for its reply. */
export const CLIENT_TIMEOUT = 7;

/** The kinds of event that wait in the queue. */
export type QueuedKind = typeof DELIVER | typeof TIMER | typeof REQUEST | typeof FAULT | typeof CLIENT_TIMEOUT;
/** The kinds that only happen, as a consequence of a queued event, and go straight to the trace. */
export type OutcomeKind = typeof DROP | typeof REPLY | typeof LOST;

/** The trace names of the kinds, by number. */
export const KIND_NAMES = ["deliver", "timer", "request", "fault", "drop", "reply", "request-lost", "client-timeout"] as const;

/**
 * An event waiting in the queue. One class for every kind keeps the heap's objects one shape;
 * `payload` holds what the kind hands over (read it with {@link messageOf}, {@link timerOf},
 * {@link requestOf}, {@link actionOf}). The record is kept to nine fields, the kind-specific
 * numbers sharing `tag` and `detail` (read through the getters below): the simulator allocates
 * one per message, and a smaller record is cheaper to allocate and keeps more of the queue in
 * the cache.
 */
export class QueuedEvent {
  constructor(
    /** Virtual time it happens at. */
    readonly time: number,
    /** Queue order among events at the same time (unique, increasing). */
    readonly seq: number,
    readonly kind: QueuedKind,
    /** Index of the node it happens at (receiver, timer owner, request target); -1 for a fault. */
    readonly node: number,
    /** Index of a message's sender; -1 for other kinds. */
    readonly from: number,
    /** The message, timer, request ({@link WorkloadOp}) or fault action. */
    readonly payload: unknown,
    /** A message's receiver incarnation, a timer's arming token, a request's id; 0 for a fault. */
    private readonly tag: number,
    /** True for the second copy of a duplicated message. */
    readonly duplicate: boolean,
    /** A message's send time, a timer's key; -1 for other kinds. */
    private readonly detail: number | string,
  ) {}

  /** A timer's arming token: it fires only while its node's armed token for the key equals it. */
  get timerToken(): number {
    return this.kind === TIMER ? this.tag : 0;
  }

  /** The key of a timer (see `timerKey`); "" for other kinds. */
  get timerKey(): string {
    return this.kind === TIMER ? (this.detail as string) : "";
  }

  /** A request's id (per client), for requests and client timeouts; 0 for other kinds. */
  get requestId(): number {
    return this.kind === REQUEST || this.kind === CLIENT_TIMEOUT ? this.tag : 0;
  }

  /** The receiver's incarnation (its restart count) when a message was sent; -1 for other kinds. */
  get incarnation(): number {
    return this.kind === DELIVER ? this.tag : -1;
  }

  /** Virtual time a message was sent at (pictures draw its arrow from there; not hashed: earlier events decide it); -1 for other kinds. */
  get sentAt(): number {
    return this.kind === DELIVER ? (this.detail as number) : -1;
  }
}

/** A message from node index `from` arriving at node index `to` at `time`. */
export function deliverEvent(time: number, seq: number, to: number, from: number, msg: unknown, duplicate: boolean, incarnation: number, sentAt: number): QueuedEvent {
  return new QueuedEvent(time, seq, DELIVER, to, from, msg, incarnation, duplicate, sentAt);
}

/** Timer `timer` (key `key`) of node index `node`, armed with token `seq`. */
export function timerEvent(time: number, seq: number, node: number, timer: Timer, key: string): QueuedEvent {
  return new QueuedEvent(time, seq, TIMER, node, -1, timer, seq, false, key);
}

/** Request `id` of `op.client` reaching node index `node`. */
export function requestEvent(seq: number, node: number, op: WorkloadOp, id: number): QueuedEvent {
  return new QueuedEvent(op.at, seq, REQUEST, node, -1, op, id, false, -1);
}

/** A fault action, at its own time. */
export function faultEvent(action: FaultAction, seq: number, time: number = action.at): QueuedEvent {
  return new QueuedEvent(time, seq, FAULT, -1, -1, action, 0, false, -1);
}

/** The client of request `id` (`op`) gives up at `time`. */
export function clientTimeoutEvent(time: number, seq: number, node: number, op: WorkloadOp, id: number): QueuedEvent {
  return new QueuedEvent(time, seq, CLIENT_TIMEOUT, node, -1, op, id, false, -1);
}

/** The same event at a later time and queue position (held inputs released by a resume). */
export function requeued(e: QueuedEvent, time: number, seq: number): QueuedEvent {
  const kind = e.kind;
  const tag = kind === TIMER ? e.timerToken : kind === DELIVER ? e.incarnation : e.requestId;
  const detail = kind === TIMER ? e.timerKey : kind === DELIVER ? e.sentAt : -1;
  return new QueuedEvent(time, seq, kind, e.node, e.from, e.payload, tag, e.duplicate, detail);
}

/** The message of a deliver event. */
export function messageOf(e: QueuedEvent): unknown {
  return e.payload;
}
/** The timer of a timer event. */
export function timerOf(e: QueuedEvent): Timer {
  return e.payload as Timer;
}
/** The request of a request or client-timeout event. */
export function requestOf(e: QueuedEvent): WorkloadOp {
  return e.payload as WorkloadOp;
}
/** The action of a fault event. */
export function actionOf(e: QueuedEvent): FaultAction {
  return e.payload as FaultAction;
}

/**
 * Something that happened as a consequence of a queued event and goes straight to the trace: a
 * lost message, a reply, a request that found its node down.
 */
export class OutcomeEvent {
  constructor(
    readonly time: number,
    readonly kind: OutcomeKind,
    /** Index of the node: receiver of a lost message, the replying node, the request's target. */
    readonly node: number,
    /** Index of a lost message's sender; -1 for other kinds. */
    readonly from: number,
    /** The lost message, the reply's result, or the lost request ({@link WorkloadOp}). */
    readonly payload: unknown,
    /** Why a message was lost; undefined for other kinds. */
    readonly reason: DropReason | undefined,
    /** The client of a reply or a lost request; "" for a lost message. */
    readonly client: ClientId,
    /** The request id of a reply or a lost request; 0 for a lost message. */
    readonly requestId: number,
    /** Virtual time a lost message was sent at (not hashed); -1 for other kinds. */
    readonly sentAt: number,
  ) {}
}

/** Message `msg` from `from` to `to`, sent at `sentAt`, lost for `reason`. */
export function dropOutcome(time: number, to: number, from: number, msg: unknown, reason: DropReason, sentAt: number = time): OutcomeEvent {
  return new OutcomeEvent(time, DROP, to, from, msg, reason, "", 0, sentAt);
}

/** Node `node` answered request `id` of `client` with `res`. */
export function replyOutcome(time: number, node: number, client: ClientId, id: number, res: unknown): OutcomeEvent {
  return new OutcomeEvent(time, REPLY, node, -1, res, undefined, client, id, -1);
}

/** Request `id` (`op`) reached node `node` while it was down. */
export function lostRequestOutcome(time: number, node: number, op: WorkloadOp, id: number): OutcomeEvent {
  return new OutcomeEvent(time, LOST, node, -1, op, undefined, op.client, id, -1);
}

/** Anything the trace records: a processed queued event or an outcome. */
export type TracedEvent = QueuedEvent | OutcomeEvent;
