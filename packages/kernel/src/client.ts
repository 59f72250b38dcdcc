/**
 * Client actors: closed-loop workload generators. An actor is a pure reducer too — it issues one
 * request, waits for the reply (or a timeout), then decides the next — so runs stay deterministic
 * and exploration can fork them. Every request lands in the run's history with its virtual
 * invocation and completion times; a request that timed out stays open (it may have taken effect).
 */
import type { ClientId, NodeId } from "./protocol.js";

/** The next request an actor wants sent. */
export interface ClientAction<Req> {
  /** The node to ask. */
  readonly node: NodeId;
  readonly req: Req;
  /** Wait this long before sending (default 0). */
  readonly afterMs?: number;
  /** Give up waiting after this long and call `onTimeout` (default: wait forever). */
  readonly timeoutMs?: number;
}

/** An actor's new state and, unless it is done, its next request. */
export interface ClientReaction<State, Req> {
  readonly state: State;
  readonly next?: ClientAction<Req>;
}

/** A reply as an actor sees it. */
export interface ClientReply<Req, Res> {
  readonly node: NodeId;
  readonly req: Req;
  readonly res: Res;
}

/**
 * A closed-loop client: at most one request outstanding at a time.
 * `random` is the actor's own seeded stream.
 */
export interface ClientActor<State = any, Req = any, Res = any> {
  readonly name: string;
  start(random: () => number): ClientReaction<State, Req>;
  onReply(state: State, reply: ClientReply<Req, Res>, random: () => number): ClientReaction<State, Req>;
  onTimeout(state: State, op: { readonly node: NodeId; readonly req: Req }, random: () => number): ClientReaction<State, Req>;
}

/** A client actor of a run, under its client id. */
export interface ClientSpec {
  readonly id: ClientId;
  readonly actor: ClientActor;
}
