/** The replicated state machine interface and the default key-value store. */
import type { Command, KvResponse, Session } from "./types.js";

/**
 * A deterministic state machine: the same commands in the same order give the same states and
 * results on every node. States must be plain JSON data (they travel in snapshots).
 */
export interface StateMachine<S = unknown, C = Command, R = unknown> {
  readonly name: string;
  init(): S;
  apply(state: S, command: C): { readonly state: S; readonly result: R };
}

/** The key-value store's state: the data and, per client, the last applied session and its result. */
export interface KvState {
  readonly data: Readonly<Record<string, string>>;
  readonly sessions: Readonly<Record<string, { readonly seq: number; readonly result: KvResponse }>>;
}

function sessionOf(command: Command): Session | undefined {
  return command.op === "put" || command.op === "delete" ? command.session : undefined;
}

/**
 * The default state machine: a key-value store with put, delete and get. A command with a
 * session (client, seq) that was already applied is not applied again: it answers the first
 * result (a stale, older seq answers an error and changes nothing).
 */
export const kvStateMachine: StateMachine<KvState, Command, KvResponse> = {
  name: "kv",
  init: () => ({ data: {}, sessions: {} }),
  apply(state, command) {
    const session = sessionOf(command);
    if (session !== undefined) {
      const seen = state.sessions[session.client];
      if (seen !== undefined && seen.seq === session.seq) return { state, result: seen.result };
      if (seen !== undefined && seen.seq > session.seq) return { state, result: { ok: false, error: `stale request: seq ${session.seq} after ${seen.seq}` } };
    }
    let data = state.data;
    let result: KvResponse = { ok: true };
    switch (command.op) {
      case "put":
        data = { ...data, [command.key]: command.value };
        break;
      case "delete":
        if (command.key in data) {
          const { [command.key]: _, ...rest } = data;
          data = rest;
        }
        break;
      case "get": {
        const value = data[command.key];
        result = value === undefined ? { ok: true } : { ok: true, value };
        break;
      }
      case "noop":
        return { state, result };
    }
    const sessions = session === undefined ? state.sessions : { ...state.sessions, [session.client]: Object.freeze({ seq: session.seq, result }) };
    // Frozen, like all state: immer then keeps it as is instead of walking it after every step.
    return { state: data === state.data && sessions === state.sessions ? state : Object.freeze({ data: Object.freeze(data), sessions: Object.freeze(sessions) }), result };
  },
};
