/**
 * The two Jepsen-style workloads: Raft key-value (history checked for linearizability) and
 * two-phase commit (every reply checked against the coordinator's logged decision and every
 * participant's outcome).
 */
import { join } from "node:path";
import { checkLinearizable, kvModel, type KvInput, type KvOutput, type Operation } from "@faultline/check";
import { beginTransaction, KvClient } from "@faultline/cli";
import { readLog } from "@faultline/tcp";
import { coordinatorLog, participantLog, type CoordinatorRecord, type ParticipantRecord } from "@faultline/two-phase-commit";
import { nemesis, ProxiedCluster, seeded, type FaultCounts } from "./harness.js";

/** Options of a run. */
export interface RunOptions {
  /** How long the nemesis injects faults (ms). */
  readonly faultMs: number;
  readonly seed: number;
  readonly clients?: number;
  readonly log?: (line: string) => void;
}

/** What a Raft run found. */
export interface RaftReport {
  readonly seed: number;
  readonly faults: FaultCounts;
  readonly operations: number;
  readonly acknowledgedWrites: number;
  readonly ambiguousWrites: number;
  readonly reads: number;
  readonly linearizable: boolean;
  readonly detail: string;
  /** The history, for checking it again (or a planted corruption of it). */
  readonly history: Operation<KvInput, KvOutput>[];
}

/** Raft KV on three nodes behind proxies, clients on five keys while the nemesis runs, then final reads of every key. */
export async function raftRun(o: RunOptions): Promise<RaftReport> {
  const random = seeded(o.seed);
  const c = await ProxiedCluster.create({ n1: { kind: "raft-node", args: [] }, n2: { kind: "raft-node", args: [] }, n3: { kind: "raft-node", args: [] } });
  const ops: Operation<KvInput, KvOutput>[] = [];
  const keys = ["a", "b", "c", "d", "e"];
  try {
    await Promise.all(c.ids.map((id) => c.start(id)));
    const until = Date.now() + o.faultMs;
    const clients = Array.from({ length: o.clients ?? 6 }, () => new KvClient(c.direct));
    const now = () => performance.now();
    const work = clients.map(async (client, ci) => {
      for (let i = 0; Date.now() < until; i++) {
        const key = keys[Math.floor(random() * keys.length)] as string;
        const call = now();
        if (random() < 0.5) {
          const value = `${ci}-${i}`;
          const input: KvInput = { op: "put", key, value };
          try {
            await client.put(key, value, 2_000);
            ops.push({ client: client.client, input, output: { ok: true }, call, ret: now() });
          } catch {
            ops.push({ client: client.client, input, call, outcome: "unknown" }); // may or may not have happened
          }
        } else {
          try {
            const r = await client.get(key, 2_000);
            ops.push({ client: client.client, input: { op: "get", key }, output: r.value === undefined ? { ok: true } : { ok: true, value: r.value }, call, ret: now() });
          } catch {
            // an unanswered read changed nothing and showed nothing
          }
        }
      }
    });
    const [faults] = await Promise.all([nemesis(c, until, random, o.log), ...work]);
    // Everything healed and up: every key read once more, through the log.
    const reader = new KvClient(c.direct);
    for (const key of keys) {
      const call = now();
      const r = await reader.get(key, 30_000);
      ops.push({ client: reader.client, input: { op: "get", key }, output: r.value === undefined ? { ok: true } : { ok: true, value: r.value }, call, ret: now() });
    }
    for (const k of [...clients, reader]) k.close();
    const result = checkLinearizable(ops, kvModel);
    const writes = ops.filter((op) => op.input.op === "put");
    return {
      seed: o.seed,
      faults,
      operations: ops.length,
      acknowledgedWrites: writes.filter((w) => !("outcome" in w)).length,
      ambiguousWrites: writes.filter((w) => "outcome" in w).length,
      reads: ops.length - writes.length,
      linearizable: result.ok,
      detail: result.ok ? "" : result.message,
      history: ops,
    };
  } finally {
    await c.close();
  }
}

/** What a two-phase commit run found. */
export interface TwoPhaseReport {
  readonly seed: number;
  readonly faults: FaultCounts;
  readonly transactions: number;
  readonly committed: number;
  readonly aborted: number;
  readonly unanswered: number;
  /** Replies or participant outcomes that contradict the coordinator's decision, or each other. */
  readonly violations: string[];
  /** Each transaction's reply (undefined: none came). */
  readonly replies: ReadonlyMap<string, string | undefined>;
}

/**
 * Outcomes vs replies: every answered transaction's outcome must be the coordinator's logged
 * decision, and no participant may commit what the coordinator did not decide to commit (nor
 * abort what it committed). Counts participants still prepared (blocked).
 */
export function checkOutcomes(
  replies: ReadonlyMap<string, string | undefined>,
  decisions: ReadonlyMap<string, { log: string }>,
  participants: readonly (readonly [string, ReadonlyMap<string, { state: string }>])[],
): { violations: string[]; undecided: number } {
  const violations: string[] = [];
  let undecided = 0;
  for (const [tx, reply] of replies) {
    const logged = decisions.get(tx)?.log;
    if (reply !== undefined && logged !== reply) violations.push(`${tx}: the client was told ${reply}, the coordinator logged ${logged ?? "nothing"}`);
    for (const [p, log] of participants) {
      const state = log.get(tx)?.state;
      if (state === "prepared") undecided++;
      if (state === "committed" && logged !== "commit") violations.push(`${tx}: ${p} committed, the coordinator logged ${logged ?? "nothing"}`);
      if (state === "aborted" && logged === "commit") violations.push(`${tx}: ${p} aborted, the coordinator logged commit`);
    }
  }
  return { violations, undecided };
}

/** A coordinator and three participants behind proxies, clients beginning transactions while the nemesis runs; then outcomes vs replies. */
export async function twoPhaseRun(o: RunOptions): Promise<TwoPhaseReport> {
  const random = seeded(o.seed);
  const participant = { kind: "participant", args: ["--commit-probability", "0.9", "--status-interval-ms", "150"] };
  const c = await ProxiedCluster.create({ coordinator: { kind: "coordinator", args: ["--vote-timeout-ms", "800", "--resend-interval-ms", "100"] }, p1: participant, p2: participant, p3: participant });
  const replies = new Map<string, string | undefined>();
  try {
    await Promise.all(c.ids.map((id) => c.start(id)));
    const until = Date.now() + o.faultMs;
    const work = Array.from({ length: o.clients ?? 4 }, async (_, ci) => {
      for (let i = 0; Date.now() < until; i++) {
        const tx = `j${o.seed}-${ci}-${i}`;
        replies.set(tx, undefined);
        try {
          const r = (await beginTransaction(c.direct, "coordinator", tx, 2_000)) as { tx: string; outcome: string };
          replies.set(tx, r.outcome);
        } catch {
          await new Promise((r) => setTimeout(r, 50)); // unanswered: its outcome is whatever the coordinator logged
        }
      }
    });
    const [faults] = await Promise.all([nemesis(c, until, random, o.log), ...work]);
    // Healed and up: give blocked participants time to learn the outcomes, then read every log.
    const dataOf = (id: string) => join(c.dataDir, id);
    let violations: string[] = [];
    const deadline = Date.now() + 20_000;
    for (;;) {
      const decisions = coordinatorLog(readLog(dataOf("coordinator")) as CoordinatorRecord[]).txs;
      const parts = ["p1", "p2", "p3"].map((p) => [p, participantLog(readLog(dataOf(p)) as ParticipantRecord[])] as const);
      const checked = checkOutcomes(replies, decisions, parts);
      violations = checked.violations;
      const undecided = checked.undecided;
      if (violations.length > 0 || undecided === 0 || Date.now() > deadline) {
        if (undecided > 0) violations.push(`${undecided} participant(s) still prepared 20 s after every fault was healed`);
        break;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    const outcomes = [...replies.values()];
    return {
      seed: o.seed,
      faults,
      transactions: replies.size,
      committed: outcomes.filter((x) => x === "commit").length,
      aborted: outcomes.filter((x) => x === "abort").length,
      unanswered: outcomes.filter((x) => x === undefined).length,
      violations,
      replies,
    };
  } finally {
    await c.close();
  }
}
