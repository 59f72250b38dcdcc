/**
 * The simulator's event records. Kinds are small numbers (the hot loop switches on them and the
 * trace hash folds them); every field has one meaning, and events are built only by the typed
 * factories below, so a timer never travels in a field meant for a client id.
 */
import type { FaultAction, WorkloadOp } from "./config.js";
import type { ClientId, NodeId, Timer } from "./protocol.js";
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
export type QueuedKind = typeof DELIVER | LocalKind;
/** The kinds of queued event that do not travel on the network. */
export type LocalKind = typeof TIMER | typeof REQUEST | typeof FAULT | typeof CLIENT_TIMEOUT;
/** The kinds that only happen, as a consequence of a queued event, and go straight to the trace. */
export type OutcomeKind = typeof DROP | typeof REPLY | typeof LOST;

/** The trace names of the kinds, by number. */
export const KIND_NAMES = ["deliver", "timer", "request", "fault", "drop", "reply", "request-lost", "client-timeout"] as const;

/** The most nodes a run may have: a message packs its receiver's and sender's indices in 16 bits each. */
export const MAX_NODES = 65_536;

/**
 * A message on its way, which is also the input its receiver's step is handed:
 * `{ type: "message", from, msg }`. One object per message instead of an event record plus an
 * input built at delivery (the simulator makes one per message, and the allocation showed in the
 * kernel's profile). The kernel's bookkeeping lives in private fields, which a reducer cannot see
 * (JSON, spreads, `Object.keys` and deep equality show `type`, `from` and `msg` only), and none of
 * it is written after construction: a reducer may keep its input, and a held or clogged message
 * is re-queued as a new object.
 */
export class MessageEvent {
  readonly type = "message" as const;
  /** The sender's id. */
  readonly from: NodeId;
  readonly msg: unknown;
  readonly #time: number;
  readonly #seq: number;
  /** Receiver and sender indices packed as `node | sender << 16` (a run has at most {@link MAX_NODES} nodes): fewer fields, a smaller record per message. */
  readonly #route: number;
  /** The receiver's incarnation and the duplicate flag packed as `(incarnation + 1) * 2 + (duplicate ? 1 : 0)` (an incarnation is -1 before the first boot). */
  readonly #copy: number;
  readonly #sentAt: number;

  constructor(time: number, seq: number, node: number, sender: number, from: NodeId, msg: unknown, duplicate: boolean, incarnation: number, sentAt: number) {
    this.from = from;
    this.msg = msg;
    this.#time = time;
    this.#seq = seq;
    this.#route = node | (sender << 16);
    this.#copy = (incarnation + 1) * 2 + (duplicate ? 1 : 0);
    this.#sentAt = sentAt;
  }

  get kind(): typeof DELIVER {
    return DELIVER;
  }
  /** Virtual time it arrives at. */
  get time(): number {
    return this.#time;
  }
  /** Queue order among events at the same time. */
  get seq(): number {
    return this.#seq;
  }
  /** Index of the receiver. */
  get node(): number {
    return this.#route & 0xffff;
  }
  /** Index of the sender (`from` is its id). */
  get sender(): number {
    return this.#route >>> 16;
  }
  /** The message (the same as `msg`; every queued event hands over a `payload`). */
  get payload(): unknown {
    return this.msg;
  }
  /** True for the second copy of a duplicated message. */
  get duplicate(): boolean {
    return (this.#copy & 1) === 1;
  }
  /** The receiver's incarnation (its restart count) when the message was sent. */
  get incarnation(): number {
    return (this.#copy >> 1) - 1;
  }
  /** Virtual time the message was sent at (pictures draw its arrow from there; not hashed: earlier events decide it). */
  get sentAt(): number {
    return this.#sentAt;
  }
}

/**
 * An event waiting in the queue that does not travel on the network: a timer, a request, a fault
 * or a client timeout. One class for these kinds keeps their records one shape; `payload` holds
 * what the kind hands over (read it with {@link timerOf}, {@link requestOf}, {@link actionOf}),
 * and the kind-specific numbers share `tag` and `detail` (read through the getters below).
 */
export class LocalEvent {
  constructor(
    /** Virtual time it happens at. */
    readonly time: number,
    /** Queue order among events at the same time (unique, increasing). */
    readonly seq: number,
    readonly kind: LocalKind,
    /** Index of the node it happens at (timer owner, request target); -1 for a fault. */
    readonly node: number,
    /** The timer, request ({@link WorkloadOp}) or fault action. */
    readonly payload: unknown,
    /** A timer's arming token, a request's id; 0 for a fault. */
    private readonly tag: number,
    /** A timer's key; "" for other kinds. */
    private readonly detail: string,
  ) {}

  /** A timer's arming token: it fires only while its node's armed token for the key equals it. */
  get timerToken(): number {
    return this.kind === TIMER ? this.tag : 0;
  }

  /** The key of a timer (see `timerKey`); "" for other kinds. */
  get timerKey(): string {
    return this.detail;
  }

  /** A request's id (per client), for requests and client timeouts; 0 for other kinds. */
  get requestId(): number {
    return this.kind === REQUEST || this.kind === CLIENT_TIMEOUT ? this.tag : 0;
  }
}

/** An event waiting in the queue: a message on its way, or a local event. */
export type QueuedEvent = MessageEvent | LocalEvent;

/** Message `msg` from node index `sender` (id `from`) arriving at node index `to` at `time`. */
export function messageEvent(time: number, seq: number, to: number, sender: number, from: NodeId, msg: unknown, duplicate: boolean, incarnation: number, sentAt: number): MessageEvent {
  return new MessageEvent(time, seq, to, sender, from, msg, duplicate, incarnation, sentAt);
}

/** Timer `timer` (key `key`) of node index `node`, armed with token `seq`. */
export function timerEvent(time: number, seq: number, node: number, timer: Timer, key: string): LocalEvent {
  return new LocalEvent(time, seq, TIMER, node, timer, seq, key);
}

/** Request `id` of `op.client` reaching node index `node`. */
export function requestEvent(seq: number, node: number, op: WorkloadOp, id: number): LocalEvent {
  return new LocalEvent(op.at, seq, REQUEST, node, op, id, "");
}

/** A fault action, at its own time. */
export function faultEvent(action: FaultAction, seq: number, time: number = action.at): LocalEvent {
  return new LocalEvent(time, seq, FAULT, -1, action, 0, "");
}

/** The client of request `id` (`op`) gives up at `time`. */
export function clientTimeoutEvent(time: number, seq: number, node: number, op: WorkloadOp, id: number): LocalEvent {
  return new LocalEvent(time, seq, CLIENT_TIMEOUT, node, op, id, "");
}

/** The same event at a later time and queue position (held inputs released by a resume, messages held by a clog): a new object. */
export function requeued(e: QueuedEvent, time: number, seq: number): QueuedEvent {
  if (e.kind === DELIVER) return new MessageEvent(time, seq, e.node, e.sender, e.from, e.msg, e.duplicate, e.incarnation, e.sentAt);
  const tag = e.kind === TIMER ? e.timerToken : e.requestId;
  return new LocalEvent(time, seq, e.kind, e.node, e.payload, tag, e.timerKey);
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
    readonly sender: number,
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

/** Message `msg` from node index `sender` to `to`, sent at `sentAt`, lost for `reason`. */
export function dropOutcome(time: number, to: number, sender: number, msg: unknown, reason: DropReason, sentAt: number = time): OutcomeEvent {
  return new OutcomeEvent(time, DROP, to, sender, msg, reason, "", 0, sentAt);
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
