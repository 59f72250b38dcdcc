/** Ready sequential models for {@link checkLinearizable}: a register with compare-and-set, and a key-value store. */
import { hashValue } from "./hash.js";
import { UNKNOWN, type SequentialModel } from "./types.js";

/** A register's operations: read, write, and compare-and-set (`expect` → `value`). */
export type RegisterInput<V> = { readonly op: "read" } | { readonly op: "write"; readonly value: V } | { readonly op: "cas"; readonly expect: V; readonly value: V };

/**
 * A register's replies: a read returns the value it saw (`undefined` is a value: "nothing was
 * there"); a compare-and-set returns whether it swapped; a write's reply is not looked at.
 */
export type RegisterOutput<V> = V | boolean | undefined;

/** Options of {@link registerModel}. */
export interface RegisterOptions<V> {
  /** The value before any write (default `undefined`): a read that saw it before any write is legal, and only then. */
  readonly initial?: V;
}

const text = (v: unknown): string => (v === undefined ? "nothing" : JSON.stringify(v));

/**
 * A single register with read, write and compare-and-set. Values are compared with `===`
 * (use primitives). An unanswered write or compare-and-set may have taken effect; an unanswered
 * read shows nothing.
 */
export function registerModel<V = unknown>(options: RegisterOptions<V> = {}): SequentialModel<V | undefined, RegisterInput<V>, RegisterOutput<V>> {
  const initial = options.initial;
  return {
    name: initial === undefined ? "register" : `register (initially ${text(initial)})`,
    init: () => initial,
    step: (state, input, output) => {
      switch (input.op) {
        case "read":
          return { ok: output === UNKNOWN || output === state, state };
        case "write":
          return { ok: true, state: input.value };
        case "cas": {
          const swapped = state === input.expect;
          return { ok: output === UNKNOWN || output === swapped, state: swapped ? input.value : state };
        }
        default:
          throw new Error(`unknown register operation ${JSON.stringify((input as { op?: unknown }).op)} (expected read, write or cas)`);
      }
    },
    hash: hashValue,
    readOnly: (input) => input.op === "read",
    validate: (input, output) => {
      const op = (input as { op?: unknown } | null)?.op;
      if (op !== "read" && op !== "write" && op !== "cas") return `unknown register operation ${JSON.stringify(op)} (expected read, write or cas)`;
      if (op === "cas" && output !== UNKNOWN && typeof output !== "boolean") return `a cas replies true or false, got ${text(output)}`;
      return undefined;
    },
    describeOperation: (input, output) => {
      const out = output === UNKNOWN ? "unknown" : text(output);
      if (input.op === "read") return `read() -> ${out}`;
      if (input.op === "write") return `write(${text(input.value)})${output === UNKNOWN ? " -> unknown" : ""}`;
      if (input.op === "cas") return `cas(${text(input.expect)}, ${text(input.value)}) -> ${output === UNKNOWN ? "unknown" : output ? "ok" : "fail"}`;
      throw new Error("not a register operation"); // the checker falls back to JSON
    },
    describeState: text,
  };
}

/** Key-value operations: get, put, append (to the value, as a string) and delete, one key each. */
export type KvInput =
  | { readonly op: "get"; readonly key: string }
  | { readonly op: "put"; readonly key: string; readonly value: string }
  | { readonly op: "append"; readonly key: string; readonly value: string }
  | { readonly op: "delete"; readonly key: string };

/** A reply: for a get, `value` is what it saw (absent when the key was). Other fields (such as `ok`) are not looked at. */
export interface KvOutput {
  readonly value?: string;
  readonly ok?: boolean;
}

/** One key's state in {@link kvModel}: its value (undefined: absent) and a polynomial hash of it, extended in O(appended length) by an append. */
export interface KvState {
  readonly value: string | undefined;
  readonly hash: number;
}

const ABSENT: KvState = { value: undefined, hash: 0x5bd1e995 };

function extend(hash: number, s: string): number {
  let h = hash;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 0x01000193) + s.charCodeAt(i)) | 0;
  return h;
}

/**
 * A key-value store, checked one key at a time (keys are independent: a history is linearizable
 * if and only if each key's sub-history is). Keys start absent; appending to an absent key
 * creates it. A get must see the value the linearization gives it.
 */
export const kvModel: SequentialModel<KvState, KvInput, KvOutput | undefined> = {
  name: "key-value store",
  init: () => ABSENT,
  step: (state, input, output) => {
    switch (input.op) {
      case "get":
        return { ok: output === UNKNOWN || output?.value === state.value, state };
      case "put":
        return { ok: true, state: { value: input.value, hash: extend(0, input.value) } };
      case "append":
        return { ok: true, state: state.value === undefined ? { value: input.value, hash: extend(0, input.value) } : { value: state.value + input.value, hash: extend(state.hash, input.value) } };
      case "delete":
        return { ok: true, state: ABSENT };
      default:
        throw new Error(`unknown key-value operation ${JSON.stringify((input as { op?: unknown }).op)} (expected get, put, append or delete)`);
    }
  },
  // Appends make long values: compare hashes and lengths before the text.
  equal: (a, b) => a.hash === b.hash && a.value === b.value,
  hash: (state) => state.hash,
  partitionKey: (input) => input.key,
  readOnly: (input) => input.op === "get",
  validate: (input) => {
    const op = (input as { op?: unknown } | null)?.op;
    if (op !== "get" && op !== "put" && op !== "append" && op !== "delete") return `unknown key-value operation ${JSON.stringify(op)} (expected get, put, append or delete)`;
    if (typeof input.key !== "string") return `key ${JSON.stringify(input.key)} is not a string`;
    if ((op === "put" || op === "append") && typeof (input as { value?: unknown }).value !== "string") return `${op} needs a string value`;
    return undefined;
  },
  describeOperation: (input, output) => {
    const out = output === UNKNOWN ? "unknown" : text(output?.value);
    if (input.op === "get") return `get(${JSON.stringify(input.key)}) -> ${out}`;
    if (input.op === "delete") return `delete(${JSON.stringify(input.key)})${output === UNKNOWN ? " -> unknown" : ""}`;
    if (input.op === "put" || input.op === "append") return `${input.op}(${JSON.stringify(input.key)}, ${JSON.stringify(input.value)})${output === UNKNOWN ? " -> unknown" : ""}`;
    throw new Error("not a key-value operation"); // the checker falls back to JSON
  },
  describeState: (state) => text(state.value),
};

