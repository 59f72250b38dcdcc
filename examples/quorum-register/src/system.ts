/**
 * The register as a search space: what a sweep may vary (cluster size, retry interval, the
 * clients' shape) and how to build one runnable system, with its invariants and the
 * linearizability check of the client history. The `faultline` command loads the default export:
 *
 *   faultline sweep examples/quorum-register/src/system.ts --runs 400 --mode triggers
 */
import fc from "fast-check";
import type { Invariant, WorldView } from "faultline";
import { defineSystem, linearizableHistory, registerModel, sometimes } from "faultline/check";
import { registerClients } from "./clients.js";
import { compareTags, majority, quorumRegister, type RegisterRequest, type RegisterState, type StoredRecord, type Value } from "./register.js";

/** One drawn configuration. */
export interface RegisterConfig {
  readonly nodes: number;
  readonly retryMs: number;
  readonly clients: number;
  readonly ops: number;
  readonly readPercent: number;
  readonly thinkMs: number;
  /**
   * At least the fault window: a request then times out only when its coordinator crashed. Each
   * write left of unknown outcome doubles the linearizability checker's search (a partition that
   * outlives short timeouts left 15 of them in one run and a 20 s check).
   */
  readonly timeoutMs: number;
}

/**
 * Every client request, checked against a sequential register that starts empty (`null`). A read
 * that got no answer is left out: it changed nothing and showed nothing, and each operation of
 * unknown outcome multiplies the checker's search.
 */
export const linearizable = linearizableHistory(registerModel<string | null>({ initial: null }), {
  name: "Linearizable",
  toOperation: (req, res, entry) => {
    const r = req as RegisterRequest;
    if (entry.completedAt === undefined) return r.op === "read" ? undefined : { input: r };
    return { input: r, output: r.op === "read" ? (res as Value) : undefined };
  },
});

/** A replica's tag only grows: a store never replaces a newer value by an older one. */
export const tagNeverGoesBack: Invariant<RegisterState> = {
  name: "TagNeverGoesBack",
  check: (_view, last) => {
    if (last.before === undefined || last.after === undefined) return undefined;
    if (compareTags(last.after.tag, last.before.tag) < 0) return `${last.node} went from ${JSON.stringify(last.before.tag)} back to ${JSON.stringify(last.after.tag)}`;
    return undefined;
  },
};

/**
 * What a replica holds is on its disk (a step that changes the value persists it). A step a
 * trigger cuts short (`crash-during-write`: the record is lost with the node) is not judged by
 * the state it returned: the kernel checks the crash instead.
 */
export const heldIsDurable: Invariant<RegisterState, unknown, unknown> = {
  name: "HeldIsDurable",
  check: (view) => {
    for (const n of view.nodes) {
      if (n.state === undefined) continue;
      const rec = n.records.at(-1) as StoredRecord | undefined;
      if (rec === undefined ? n.state.tag.ts !== 0 : compareTags(rec.tag, n.state.tag) !== 0) return `${n.id} holds ${JSON.stringify(n.state.tag)} but its log ends with ${JSON.stringify(rec?.tag)}`;
    }
    return undefined;
  },
};

const nodeIds = (n: number) => Array.from({ length: n }, (_, i) => `n${i + 1}`);

/** Every client sent all its requests and none is still waiting for an answer. */
function clientsDone(view: WorldView, c: RegisterConfig): boolean {
  if (view.history.length < c.clients * c.ops) return false;
  return view.history.every((h) => h.completedAt !== undefined || h.invokedAt + c.timeoutMs < view.time);
}

/** Per node: down, or how far its tag is behind the newest and how many requests it coordinates in each phase. */
function abstraction(view: WorldView<RegisterState>): unknown {
  const newest = Math.max(0, ...view.nodes.map((n) => n.state?.tag.ts ?? 0));
  return view.nodes
    .map((n) => {
      if (n.state === undefined) return "down";
      const phases = Object.values(n.state.pending).map((p) => p.phase[0]).sort().join("");
      return `${Math.min(newest - n.state.tag.ts, 2)}${phases}`;
    })
    .sort();
}

/** The register's search space (the default export the `faultline` command loads). */
export const quorumRegisterSpace = defineSystem<RegisterConfig>({
  name: "quorumRegister",
  config: fc.record({
    nodes: fc.integer({ min: 1, max: 5 }),
    retryMs: fc.integer({ min: 5, max: 60 }),
    clients: fc.integer({ min: 1, max: 3 }),
    ops: fc.integer({ min: 1, max: 8 }),
    readPercent: fc.integer({ min: 0, max: 100 }),
    thinkMs: fc.integer({ min: 0, max: 30 }),
    timeoutMs: fc.integer({ min: 1_000, max: 2_000 }),
  }),
  defaultConfig: { nodes: 3, retryMs: 20, clients: 2, ops: 6, readPercent: 50, thinkMs: 10, timeoutMs: 1_500 },
  faultWindowMs: 1_000,
  runMs: 5_000,
  build: (c) => {
    const ids = nodeIds(c.nodes);
    const protocol = quorumRegister({ retryMs: c.retryMs });
    return {
      nodes: ids.map((id) => ({ id, protocol })),
      invariants: [linearizable, tagNeverGoesBack, heldIsDurable],
      clients: registerClients(c.clients, ids, c),
      done: (view) => clientsDone(view, c),
    };
  },
  abstraction,
  sometimes: [
    sometimes("two writes chose the same timestamp", (v) => {
      const held = v.nodes.flatMap((n) => (n.state ? [(n.state as RegisterState).tag] : []));
      return held.some((a) => held.some((b) => a.ts === b.ts && a.writer !== b.writer));
    }),
    // A write that reached a minority and that nobody is still finishing: only the read's
    // write-back keeps two reads from disagreeing about it. This steers the guided mode there.
    sometimes("a newest value on a minority, its write abandoned", (v) => {
      const held = v.nodes.map((n) => (n.state as RegisterState | undefined)?.tag ?? (n.records.at(-1) as StoredRecord | undefined)?.tag ?? { ts: 0, writer: "" });
      const newest = held.reduce((a, b) => (compareTags(a, b) >= 0 ? a : b));
      if (newest.ts === 0 || held.filter((t) => compareTags(t, newest) === 0).length >= majority(v.nodes.length)) return false;
      return !v.nodes.some((n) => n.state !== undefined && (n.state as RegisterState).pending[newest.writer] !== undefined);
    }),
    sometimes("a replica restarted holding a value", (v) => v.nodes.some((n) => n.restarts > 0 && n.records.length > 0)),
    sometimes("a read answered a value", (v) => v.history.some((h) => (h.req as { op: string }).op === "read" && typeof h.res === "string")),
  ],
  messageTypes: ["query", "query-ack", "store", "store-ack"],
  recordTypes: ["stored"],
});
export default quorumRegisterSpace;
