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
  /**
   * Optional: applies a run of commands at once (the committed entries of one step), giving the
   * same final state and the same results, in order, as folding {@link StateMachine.apply} over
   * them; lets a machine copy its state once per run instead of once per command. When absent,
   * `apply` is called per command. A wrapper that replaces `apply` must not copy this one over.
   */
  applyAll?(state: S, commands: readonly C[]): { readonly state: S; readonly results: readonly R[] };
}

/** The key-value store's state: the data and, per client, the last applied session and its result. */
export interface KvState {
  readonly data: Readonly<Record<string, string>>;
  readonly sessions: Readonly<Record<string, { readonly seq: number; readonly result: KvResponse }>>;
}

/** `record[key]` when `key` is the record's own: "toString" or "__proto__" are keys like any other. */
function own<V>(record: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
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
  applyAll: applyAllKv,
  // The reference semantics, one command at a time; applyAllKv must agree with it (test/machine-batch.test.ts).
  apply(state, command) {
    const session = sessionOf(command);
    if (session !== undefined) {
      const seen = own(state.sessions, session.client);
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
        if (Object.hasOwn(data, command.key)) {
          const { [command.key]: _, ...rest } = data;
          data = rest;
        }
        break;
      case "get": {
        const value = own(data, command.key);
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

type Sessions = Record<string, { readonly seq: number; readonly result: KvResponse }>;

/** Sets an own property, even `__proto__` (an assignment would replace the prototype instead). */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}

/**
 * kvStateMachine.apply over a run of commands with one shallow copy of `data` and of `sessions`
 * (made on the first write to each), frozen at the end: a copy per put was the node's biggest
 * CPU item under load. Same checks, same order of keys, same results as applying one by one.
 */
function applyAllKv(state: KvState, commands: readonly Command[]): { readonly state: KvState; readonly results: readonly KvResponse[] } {
  let data = state.data as Record<string, string>;
  let sessions = state.sessions as Sessions;
  let dataCopied = false;
  let sessionsCopied = false;
  const results: KvResponse[] = [];
  for (const command of commands) {
    const session = sessionOf(command);
    if (session !== undefined) {
      const seen = own(sessions, session.client);
      if (seen !== undefined && seen.seq === session.seq) {
        results.push(seen.result);
        continue;
      }
      if (seen !== undefined && seen.seq > session.seq) {
        results.push({ ok: false, error: `stale request: seq ${session.seq} after ${seen.seq}` });
        continue;
      }
    }
    let result: KvResponse = { ok: true };
    switch (command.op) {
      case "put":
        if (!dataCopied) {
          data = { ...data };
          dataCopied = true;
        }
        setOwn(data, command.key, command.value);
        break;
      case "delete":
        if (Object.hasOwn(data, command.key)) {
          if (!dataCopied) {
            data = { ...data };
            dataCopied = true;
          }
          delete data[command.key];
        }
        break;
      case "get": {
        const value = own(data, command.key);
        result = value === undefined ? { ok: true } : { ok: true, value };
        break;
      }
      case "noop":
        results.push(result);
        continue;
    }
    if (session !== undefined) {
      if (!sessionsCopied) {
        sessions = { ...sessions };
        sessionsCopied = true;
      }
      setOwn(sessions, session.client, Object.freeze({ seq: session.seq, result }));
    }
    results.push(result);
  }
  if (!dataCopied && !sessionsCopied) return { state, results };
  return { state: Object.freeze({ data: Object.freeze(data), sessions: Object.freeze(sessions) }), results };
}
