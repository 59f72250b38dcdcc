/**
 * The protocol contract: a protocol is data plus two pure functions.
 *
 * A protocol never touches the host: time and randomness come from {@link Ctx}, and everything
 * it wants done to the world is returned as {@link Effect} data. The same reducer then runs
 * unchanged in the simulator and on real sockets.
 */
import { current, isDraft, produce, type Draft } from "immer";

/** A node's name, unique within a cluster. */
export type NodeId = string;
/** A client's name, as seen in requests and replies. */
export type ClientId = string;
/** A request's id, unique per client. */
export type RequestId = number;

/** A value a timer's key may hold. */
export type TimerField = string | number | boolean | null;

/**
 * A timer: plain data saying what it is for, e.g. `{ kind: "vote-timeout", tx: "t1" }`. A node
 * has at most one pending timer per key (the kind and every field), so timers are set, re-armed
 * and cancelled by their data, and the timer input hands the same data back: nothing to parse.
 */
export interface Timer {
  readonly kind: string;
  readonly [field: string]: TimerField;
}

/**
 * The key of a timer: equal for timers with the same kind and fields, whatever the order the
 * fields were written in.
 */
export function timerKey(timer: Timer): string {
  const fields = Object.keys(timer);
  if (fields.length === 1) return timer.kind;
  fields.sort();
  let key = timer.kind;
  for (const f of fields) if (f !== "kind") key += `|${f}=${JSON.stringify(timer[f])}`;
  return key;
}

/** What a node can see of its world while it takes one step. */
export interface Ctx {
  /** This node's id. */
  readonly self: NodeId;
  /** Every node of the cluster, in configuration order (including `self`). */
  readonly nodes: readonly NodeId[];
  /** This node's own clock in milliseconds: virtual time with the node's skew and drift applied. */
  now(): number;
  /** This node's own random stream, uniform in [0, 1). */
  random(): number;
}

/** One input delivered to a node. */
export type Input<Msg, Req, Tmr extends Timer = Timer> =
  | { readonly type: "message"; readonly from: NodeId; readonly msg: Msg }
  | { readonly type: "timer"; readonly timer: Tmr }
  | { readonly type: "request"; readonly client: ClientId; readonly id: RequestId; readonly req: Req };

/** One change a node asks of its world; the effects of a step are applied in order. */
export type Effect<Msg, Res, Rec, Tmr extends Timer = Timer> =
  | { readonly type: "send"; readonly to: NodeId; readonly msg: Msg }
  /** Arms (or re-arms, replacing any pending one with the same key) `timer` to fire after `afterMs` of this node's clock. */
  | { readonly type: "set-timer"; readonly timer: Tmr; readonly afterMs: number }
  | { readonly type: "cancel-timer"; readonly timer: Tmr }
  /** Appends a record to the node's write-ahead log; durable before any later send or reply of the step. */
  | { readonly type: "persist"; readonly record: Rec }
  /** Replaces the node's whole log by this one record (a snapshot). */
  | { readonly type: "compact"; readonly snapshot: Rec }
  | { readonly type: "reply"; readonly client: ClientId; readonly id: RequestId; readonly res: Res };

/** What `init` and `step` return: the next state and the effects to apply, in order. */
export interface Step<State, Msg, Res, Rec, Tmr extends Timer = Timer> {
  readonly state: State;
  readonly effects: readonly Effect<Msg, Res, Rec, Tmr>[];
}

/**
 * A protocol: pure reducers over immutable state.
 *
 * @typeParam State - the node's state (immutable; update it with immer, see {@link transition}).
 * @typeParam Msg - messages between nodes; must be plain JSON data.
 * @typeParam Req - client requests; plain JSON data.
 * @typeParam Res - replies to clients; plain JSON data.
 * @typeParam Rec - records of the write-ahead log; plain JSON data.
 * @typeParam Tmr - the node's timers (see {@link Timer}).
 */
export interface Protocol<State, Msg, Req = never, Res = never, Rec = never, Tmr extends Timer = Timer> {
  /** A short name for reports and traces. */
  readonly name: string;
  /** First boot (`records` is empty) or restart (`records` is what was persisted, in order). */
  init(ctx: Ctx, records: readonly Rec[]): Step<State, Msg, Res, Rec, Tmr>;
  /** Handles one input. Must be pure: the same state, input and ctx answers give the same result. */
  step(state: State, input: Input<Msg, Req, Tmr>, ctx: Ctx): Step<State, Msg, Res, Rec, Tmr>;
  /**
   * Checks a message decoded from an untrusted wire (the TCP runtime calls it on every frame).
   * Returns what is wrong with it (naming the field), or `undefined` when it is a valid `Msg`.
   */
  readonly validateMessage?: (msg: unknown) => string | undefined;
  /** Checks a client request decoded from an untrusted wire, like {@link Protocol.validateMessage}. */
  readonly validateRequest?: (req: unknown) => string | undefined;
  /**
   * Outputs that need not wait for this node's earlier records to be durable. A runtime that
   * group-commits (the TCP runtime) holds every send and reply until everything persisted before
   * it is on disk; a send or reply accepted here leaves at once. Only for outputs whose promise
   * rests on no record of this node still being synced: a Raft leader's AppendEntries when it
   * counts itself in the commit quorum only once its own write is durable (Ongaro's thesis
   * §10.2.1), and replies about entries a majority holds durably. Votes, acknowledgements and
   * anything else derived from unsynced records must wait. The simulator, where a step's records
   * are durable once the step ends, ignores it. Absent: every output waits.
   */
  readonly beforeDurable?: {
    // Method signatures: checked bivariantly, so a protocol with `never` messages still fits AnyProtocol.
    send?(to: NodeId, msg: Msg): boolean;
    reply?(res: Res): boolean;
  };
  /**
   * A one-line summary of a node's state for failure reports (role, term, what it holds): the
   * failure printer shows it for every node at the violation. Optional: without it a report shows
   * the state's JSON, cut short. Must not throw or change `state`.
   */
  readonly describe?: (state: State) => string;
}

/** A protocol with its type parameters erased, for heterogeneous clusters (coordinator + participants). */
export type AnyProtocol = Protocol<any, any, any, any, any, any>;

/** Collects the effects of one step, in the order they are emitted. */
export class Effects<Msg, Res, Rec, Tmr extends Timer = Timer> {
  /** The effects emitted so far. */
  readonly list: Effect<Msg, Res, Rec, Tmr>[] = [];
  /** Sends `msg` to node `to`. */
  send(to: NodeId, msg: Msg): this {
    this.list.push({ type: "send", to, msg });
    return this;
  }
  /** Sends `msg` to every node in `to`. */
  broadcast(to: readonly NodeId[], msg: Msg): this {
    for (const node of to) this.list.push({ type: "send", to: node, msg });
    return this;
  }
  /** Arms `timer` to fire after `afterMs` of this node's clock, replacing a pending one with the same key. */
  setTimer(timer: Tmr, afterMs: number): this {
    this.list.push({ type: "set-timer", timer, afterMs });
    return this;
  }
  /** Disarms `timer` (by key), if armed. */
  cancelTimer(timer: Tmr): this {
    this.list.push({ type: "cancel-timer", timer });
    return this;
  }
  /** Appends `record` to the node's write-ahead log. */
  persist(record: Rec): this {
    this.list.push({ type: "persist", record });
    return this;
  }
  /** Replaces the node's log by `snapshot`. */
  compact(snapshot: Rec): this {
    this.list.push({ type: "compact", snapshot });
    return this;
  }
  /** Answers request `id` of `client`. */
  reply(client: ClientId, id: RequestId, res: Res): this {
    this.list.push({ type: "reply", client, id, res });
    return this;
  }
}

/**
 * Builds a {@link Step} with immer: `recipe` may mutate the draft and emit effects.
 *
 * ```ts
 * step: (s, input, ctx) => transition(s, (d, fx) => { d.count++; fx.send("b", { type: "ping" }); })
 * ```
 *
 * Effects may carry data read from the draft (`fx.send(to, { entries: d.log.slice() })`): before
 * the draft is finalized, such data is replaced by a plain copy, so the world never holds a
 * revoked proxy.
 */
export function transition<State, Msg, Res, Rec, Tmr extends Timer = Timer>(
  state: State,
  recipe: (draft: Draft<State>, fx: Effects<Msg, Res, Rec, Tmr>) => void,
): Step<State, Msg, Res, Rec, Tmr> {
  const fx = new Effects<Msg, Res, Rec, Tmr>();
  const next = produce(state, (draft) => {
    recipe(draft, fx);
    const list = fx.list as Effect<unknown, unknown, unknown, Tmr>[];
    for (let i = 0; i < list.length; i++) list[i] = undraftEffect(list[i] as Effect<unknown, unknown, unknown, Tmr>);
  });
  return { state: next, effects: fx.list };
}

/** The effect with every draft inside its payload replaced by a plain copy. */
function undraftEffect<Tmr extends Timer>(effect: Effect<unknown, unknown, unknown, Tmr>): Effect<unknown, unknown, unknown, Tmr> {
  switch (effect.type) {
    case "send":
      return hasDraft(effect.msg) ? { ...effect, msg: undraft(effect.msg) } : effect;
    case "persist":
      return hasDraft(effect.record) ? { ...effect, record: undraft(effect.record) } : effect;
    case "compact":
      return hasDraft(effect.snapshot) ? { ...effect, snapshot: undraft(effect.snapshot) } : effect;
    case "reply":
      return hasDraft(effect.res) ? { ...effect, res: undraft(effect.res) } : effect;
    default:
      return effect;
  }
}

/**
 * True when `value` is or holds a draft. Frozen values are the finished states immer produced
 * (or data frozen on purpose) and cannot hold drafts, so their subtrees are skipped.
 */
function hasDraft(value: unknown): boolean {
  if (value === null || typeof value !== "object") return false;
  if (isDraft(value)) return true;
  if (Object.isFrozen(value)) return false;
  if (Array.isArray(value)) {
    for (const v of value) if (hasDraft(v)) return true;
    return false;
  }
  for (const k in value) if (hasDraft((value as Record<string, unknown>)[k])) return true;
  return false;
}

/** A copy of `value` with each draft inside replaced by its current plain value. */
function undraft(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (isDraft(value)) return current(value);
  if (Object.isFrozen(value)) return value;
  if (Array.isArray(value)) return value.map(undraft);
  const out: Record<string, unknown> = {};
  for (const k in value) out[k] = undraft((value as Record<string, unknown>)[k]);
  return out;
}

/** A step that changes nothing and emits nothing. */
export function unchanged<State>(state: State): Step<State, never, never, never, never> {
  return { state, effects: [] };
}
