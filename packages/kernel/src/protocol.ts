/**
 * The protocol contract: a protocol is data plus two pure functions.
 *
 * A protocol never touches the host: time and randomness come from {@link Ctx}, and everything
 * it wants done to the world is returned as {@link Effect} data. The same reducer then runs
 * unchanged in the simulator and on real sockets.
 */
import { produce, type Draft } from "immer";

/** A node's name, unique within a cluster. */
export type NodeId = string;
/** A client's name, as seen in requests and replies. */
export type ClientId = string;
/** A request's id, unique per client. */
export type RequestId = number;

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
export type Input<Msg, Req> =
  | { readonly type: "message"; readonly from: NodeId; readonly msg: Msg }
  | { readonly type: "timer"; readonly name: string }
  | { readonly type: "request"; readonly client: ClientId; readonly id: RequestId; readonly req: Req };

/** One change a node asks of its world; the effects of a step are applied in order. */
export type Effect<Msg, Res, Rec> =
  | { readonly type: "send"; readonly to: NodeId; readonly msg: Msg }
  /** Arms (or re-arms, replacing any pending one) the timer `name` to fire after `afterMs` of this node's clock. */
  | { readonly type: "set-timer"; readonly name: string; readonly afterMs: number }
  | { readonly type: "cancel-timer"; readonly name: string }
  /** Appends a record to the node's write-ahead log; durable before any later send or reply of the step. */
  | { readonly type: "persist"; readonly record: Rec }
  /** Replaces the node's whole log by this one record (a snapshot). */
  | { readonly type: "compact"; readonly snapshot: Rec }
  | { readonly type: "reply"; readonly client: ClientId; readonly id: RequestId; readonly res: Res };

/** What `init` and `step` return: the next state and the effects to apply, in order. */
export interface Step<State, Msg, Res, Rec> {
  readonly state: State;
  readonly effects: readonly Effect<Msg, Res, Rec>[];
}

/**
 * A protocol: pure reducers over immutable state.
 *
 * @typeParam State - the node's state (immutable; update it with immer, see {@link transition}).
 * @typeParam Msg - messages between nodes; must be plain JSON data.
 * @typeParam Req - client requests; plain JSON data.
 * @typeParam Res - replies to clients; plain JSON data.
 * @typeParam Rec - records of the write-ahead log; plain JSON data.
 */
export interface Protocol<State, Msg, Req = never, Res = never, Rec = never> {
  /** A short name for reports and traces. */
  readonly name: string;
  /** First boot (`records` is empty) or restart (`records` is what was persisted, in order). */
  init(ctx: Ctx, records: readonly Rec[]): Step<State, Msg, Res, Rec>;
  /** Handles one input. Must be pure: the same state, input and ctx answers give the same result. */
  step(state: State, input: Input<Msg, Req>, ctx: Ctx): Step<State, Msg, Res, Rec>;
  /**
   * Checks a message decoded from an untrusted wire (the TCP runtime calls it on every frame).
   * Returns what is wrong with it (naming the field), or `undefined` when it is a valid `Msg`.
   */
  readonly validateMessage?: (msg: unknown) => string | undefined;
  /** Checks a client request decoded from an untrusted wire, like {@link Protocol.validateMessage}. */
  readonly validateRequest?: (req: unknown) => string | undefined;
}

/** A protocol with its type parameters erased, for heterogeneous clusters (coordinator + participants). */
export type AnyProtocol = Protocol<any, any, any, any, any>;

/** Collects the effects of one step, in the order they are emitted. */
export class Effects<Msg, Res, Rec> {
  /** The effects emitted so far. */
  readonly list: Effect<Msg, Res, Rec>[] = [];
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
  /** Arms timer `name` to fire after `afterMs` of this node's clock, replacing a pending one. */
  setTimer(name: string, afterMs: number): this {
    this.list.push({ type: "set-timer", name, afterMs });
    return this;
  }
  /** Disarms timer `name`, if armed. */
  cancelTimer(name: string): this {
    this.list.push({ type: "cancel-timer", name });
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
 */
export function transition<State, Msg, Res, Rec>(
  state: State,
  recipe: (draft: Draft<State>, fx: Effects<Msg, Res, Rec>) => void,
): Step<State, Msg, Res, Rec> {
  const fx = new Effects<Msg, Res, Rec>();
  const next = produce(state, (draft) => {
    recipe(draft, fx);
  });
  return { state: next, effects: fx.list };
}

/** A step that changes nothing and emits nothing. */
export function unchanged<State>(state: State): Step<State, never, never, never> {
  return { state, effects: [] };
}
