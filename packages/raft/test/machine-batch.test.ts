/**
 * kvStateMachine.applyAll (one copy of the state per run of committed entries) against an
 * independent model of the store, and against kvStateMachine.apply (a run of one) folded one
 * command at a time: same results, same final state
 * (keys in the same order, frozen), over random commands with sessions — duplicates, stale seqs,
 * keys found on Object.prototype included. And a cluster whose machine has no applyAll (the
 * per-entry fallback in applyCommitted) runs the same trace as the shipped one.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { kvStateMachine, raftProtocol, type Command, type KvResponse, type KvState, type StateMachine } from "@faultline/raft";
import { put, startRaft } from "./harness.js";

const keys = fc.constantFrom("a", "b", "c", "1", "toString", "__proto__");
const session = fc.record({ client: fc.constantFrom("c1", "c2", "c3"), seq: fc.integer({ min: 1, max: 4 }) });
const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ op: fc.constant("put" as const), key: keys, value: fc.constantFrom("x", "y", "") }, { requiredKeys: ["op", "key", "value"] }),
  fc.record({ op: fc.constant("put" as const), key: keys, value: fc.constantFrom("x", "y"), session }),
  fc.record({ op: fc.constant("delete" as const), key: keys }),
  fc.record({ op: fc.constant("delete" as const), key: keys, session }),
  fc.record({ op: fc.constant("get" as const), key: keys }),
  fc.constant({ op: "noop" as const }),
);

function foldApply(machine: StateMachine<KvState, Command, KvResponse>, state: KvState, commands: readonly Command[]) {
  const results: KvResponse[] = [];
  for (const c of commands) {
    const out = machine.apply(state, c);
    state = out.state;
    results.push(out.result);
  }
  return { state, results };
}

/** An independent model of the store: two Maps mutated in place, one command at a time. */
function model(commands: readonly Command[]) {
  const data = new Map<string, string>();
  const sessions = new Map<string, { seq: number; result: KvResponse }>();
  const results: KvResponse[] = [];
  for (const c of commands) {
    const session = c.op === "put" || c.op === "delete" ? c.session : undefined;
    const seen = session === undefined ? undefined : sessions.get(session.client);
    if (session !== undefined && seen !== undefined && seen.seq === session.seq) results.push(seen.result);
    else if (session !== undefined && seen !== undefined && seen.seq > session.seq) results.push({ ok: false, error: `stale request: seq ${session.seq} after ${seen.seq}` });
    else {
      let result: KvResponse = { ok: true };
      if (c.op === "put") data.set(c.key, c.value);
      else if (c.op === "delete") data.delete(c.key);
      else if (c.op === "get" && data.has(c.key)) result = { ok: true, value: data.get(c.key) as string };
      if (session !== undefined) sessions.set(session.client, { seq: session.seq, result });
      results.push(result);
    }
  }
  return { results, data: Object.fromEntries(data) };
}

/** The state's content with its key order made visible (toEqual ignores order). */
const shape = (s: KvState) => ({ dataKeys: Reflect.ownKeys(s.data), sessionKeys: Reflect.ownKeys(s.sessions), data: { ...s.data }, sessions: { ...s.sessions } });

/** Checks applyAll against the folded apply from a state built by `prefix`, optionally as JSON (unfrozen) would restore it. */
function agree(applyAll: NonNullable<StateMachine<KvState, Command, KvResponse>["applyAll"]>, prefix: readonly Command[], batch: readonly Command[], fromJson: boolean): void {
  let start = foldApply(kvStateMachine, kvStateMachine.init(), prefix).state;
  if (fromJson) start = JSON.parse(JSON.stringify(start)) as KvState;
  const clone = () => (fromJson ? (JSON.parse(JSON.stringify(start)) as KvState) : start);
  const one = foldApply(kvStateMachine, clone(), batch);
  const startAll = clone();
  const all = applyAll(startAll, batch);
  expect(all.results).toEqual(one.results);
  expect(shape(all.state)).toEqual(shape(one.state));
  expect(Object.getPrototypeOf(all.state.data)).toBe(Object.prototype);
  const frozen = (s: KvState) => [Object.isFrozen(s), Object.isFrozen(s.data), Object.isFrozen(s.sessions)];
  expect(frozen(all.state)).toEqual(frozen(one.state));
  // A run that writes nothing keeps the very same state, as apply does.
  if (batch.every((c) => c.op === "get" || c.op === "noop")) expect(all.state).toBe(startAll);
}

describe("kvStateMachine.applyAll", () => {
  const applyAll = kvStateMachine.applyAll as NonNullable<typeof kvStateMachine.applyAll>;

  it("gives the same results and state as applying one by one (random commands, sessions, duplicates, stale seqs)", () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 20 }), fc.array(command, { maxLength: 30 }), fc.boolean(), (prefix, batch, fromJson) => agree(applyAll, prefix, batch, fromJson)),
      { numRuns: 2_000, seed: 20261129 },
    );
  });

  it("agrees with an independent model of the store (two Maps), results and final data", () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 40 }), (commands) => {
        const out = applyAll(kvStateMachine.init(), commands);
        const want = model(commands);
        expect(out.results).toEqual(want.results);
        expect({ ...out.state.data }).toEqual(want.data);
      }),
      { numRuns: 1_000, seed: 20261129 },
    );
  });

  it("answers a duplicate with the first result and a stale seq with an error, in one batch", () => {
    const out = applyAll(kvStateMachine.init(), [
      { op: "put", key: "k", value: "1", session: { client: "c", seq: 2 } },
      { op: "put", key: "k", value: "2", session: { client: "c", seq: 2 } },
      { op: "put", key: "k", value: "3", session: { client: "c", seq: 1 } },
      { op: "get", key: "k" },
    ]);
    expect(out.results).toEqual([{ ok: true }, { ok: true }, { ok: false, error: "stale request: seq 1 after 2" }, { ok: true, value: "1" }]);
    expect(out.state.data).toEqual({ k: "1" });
  });

  it("the property catches a batch that skips the session check (planted bug)", () => {
    const forgetful: typeof applyAll = (state, commands) =>
      applyAll(
        state,
        commands.map((c) => (c.op === "put" || c.op === "delete" ? { ...c, session: undefined } : c)),
      );
    expect(() =>
      fc.assert(
        fc.property(fc.array(command, { maxLength: 20 }), fc.array(command, { maxLength: 30 }), (prefix, batch) => agree(forgetful, prefix, batch, false)),
        { numRuns: 2_000, seed: 20261129 },
      ),
    ).toThrow(/Property failed/);
  });
});

describe("applyCommitted", () => {
  it("a machine without applyAll (one apply per entry) runs the very same trace", () => {
    const { applyAll: _, ...perEntry } = kvStateMachine;
    const workload = Array.from({ length: 40 }, (_, i) => put(300 + i * 7, `n${(i % 3) + 1}`, `k${i % 5}`, `v${i}`, `c${i % 4}`));
    const run = (machine: StateMachine<KvState, Command, KvResponse>) => {
      const r = startRaft({ nodes: 3, seed: "apply-batch", protocol: raftProtocol({ snapshotThreshold: 8 }, machine), workload, maxTimeMs: 5_000 });
      r.sim.runUntil(5_000);
      const leader = r.leader() as string;
      return { hash: r.sim.result().traceHash, ok: r.sim.result().ok, machine: r.state(leader)?.machine, replies: r.sim.result().history.length };
    };
    const batched = run(kvStateMachine);
    expect(batched.ok).toBe(true);
    expect(batched.replies).toBeGreaterThan(0);
    expect(Object.keys((batched.machine as KvState).data).length).toBe(5);
    expect(run(perEntry)).toEqual(batched);
  });
});

describe("keys named like Object.prototype's fields", () => {
  it("are keys like any other: absent until put, then read and deleted as written; a client named __proto__ has its own session", () => {
    for (const key of ["toString", "__proto__", "constructor", "hasOwnProperty"]) {
      const empty = kvStateMachine.init();
      expect(kvStateMachine.apply(empty, { op: "get", key }).result).toEqual({ ok: true });
      const written = kvStateMachine.apply(empty, { op: "put", key, value: "v" }).state;
      expect(kvStateMachine.apply(written, { op: "get", key }).result).toEqual({ ok: true, value: "v" });
      expect(kvStateMachine.applyAll!(written, [{ op: "get", key }]).results).toEqual([{ ok: true, value: "v" }]);
      const removed = kvStateMachine.apply(written, { op: "delete", key }).state;
      expect(kvStateMachine.apply(removed, { op: "get", key }).result).toEqual({ ok: true });
      // Deleting an absent key changes nothing, whatever the prototype holds.
      expect(kvStateMachine.apply(empty, { op: "delete", key }).state).toBe(empty);
    }
    const first = kvStateMachine.apply(kvStateMachine.init(), { op: "put", key: "k", value: "1", session: { client: "__proto__", seq: 1 } });
    expect(kvStateMachine.apply(first.state, { op: "put", key: "k", value: "2", session: { client: "__proto__", seq: 1 } }).state).toBe(first.state);
  });
});
