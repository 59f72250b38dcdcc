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
  // One command is a run of one: a single code path, so the two cannot disagree.
  apply(state, command) {
    const { state: next, results } = applyAllKv(state, [command]);
    return { state: next, result: results[0] as KvResponse };
  },
};

type Sessions = Record<string, { readonly seq: number; readonly result: KvResponse }>;

/** Sets an own property, even `__proto__` (an assignment would replace the prototype instead). */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}

/**
 * The key-value store over a run of commands, with one shallow copy of `data` and of `sessions`
 * (made on the first write to each), frozen at the end: a copy per put was the node's biggest
 * CPU item under load. The same results, keys in the same order, as applying one at a time.
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
