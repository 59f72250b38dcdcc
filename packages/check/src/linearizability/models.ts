/** Sequential models for {@link checkLinearizable}: a register and a key-value store, and kernel history conversion. */
import type { HistoryEntry } from "@faultline/kernel";
import type { Operation, SequentialModel } from "./check.js";

/** A register's operations. */
export type RegisterInput = { readonly op: "write"; readonly value: string } | { readonly op: "read" };

/** A single register: a read returns the last value written (undefined before any write). */
export const registerModel: SequentialModel<string | undefined, RegisterInput, string | undefined> = {
  name: "register",
  init: () => undefined,
  step: (state, input, output) => (input.op === "write" ? { ok: true, state: input.value } : { ok: output === undefined || output === state, state }),
  key: (state) => (state === undefined ? "\u0000" : state),
};

/** Key-value operations, in the shape of the Raft key-value store's requests. */
export type KvInput = { readonly op: "put"; readonly key: string; readonly value: string } | { readonly op: "delete"; readonly key: string } | { readonly op: "get"; readonly key: string };
/** A reply: `value` for a get (absent when the key is). */
export interface KvOutput {
  readonly ok: boolean;
  readonly value?: string;
}

/**
 * A key-value store, checked one key at a time (keys are independent, which keeps the search
 * small). A get must return the last value put (or nothing after a delete).
 */
export const kvModel: SequentialModel<string | undefined, KvInput, KvOutput> = {
  name: "key-value store",
  init: () => undefined,
  step: (state, input, output) => {
    if (input.op === "put") return { ok: true, state: input.value };
    if (input.op === "delete") return { ok: true, state: undefined };
    return { ok: output === undefined || output.value === state, state };
  },
  key: (state) => (state === undefined ? "\u0000" : state),
  partition: (ops) => {
    const byKey = new Map<string, Operation<KvInput, KvOutput>[]>();
    for (const o of ops) byKey.set(o.input.key, [...(byKey.get(o.input.key) ?? []), o]);
    return [...byKey.values()];
  },
};

/**
 * Turns a kernel client history into operations. `notApplied(res)` marks replies that say the
 * operation did not take effect (a redirect, say): those are left out. Unanswered operations stay,
 * as possibly applied; unanswered reads are left out (they changed nothing and showed nothing).
 */
export function operationsFromHistory<I, O>(
  history: readonly HistoryEntry[],
  options: { readonly notApplied?: (res: O) => boolean; readonly isRead?: (input: I) => boolean } = {},
): Operation<I, O>[] {
  const out: Operation<I, O>[] = [];
  for (const h of history) {
    const input = h.req as I;
    const answered = h.completedAt !== undefined;
    if (answered && options.notApplied?.(h.res as O)) continue;
    if (!answered && options.isRead?.(input)) continue;
    out.push({ client: h.client, input, output: answered ? (h.res as O) : undefined, call: h.invokedAt, ret: answered ? (h.completedAt as number) : Infinity });
  }
  return out;
}
