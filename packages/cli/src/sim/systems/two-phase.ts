/**
 * Two-phase commit's search space for sweeps — the one home of it: the CLI's `2pc` system, and
 * through `twoPhaseSearchSpace({ cluster })` the 2PC tests and the mutation bench, which plant a
 * bug there. 2–10 participants, vote timeout, resend and status intervals, commit probability, and
 * closed-loop transaction clients. Every step: the spec's invariants and RepliesMatchOutcome (what
 * clients were told against the durable decision); after every run: once the faults stop every
 * transaction finishes.
 */
import fc from "fast-check";
import { defineSystem, sometimes, type SystemSpace } from "@faultline/check";
import type { NodeId, WorldView } from "@faultline/kernel";
import { checkTermination, coordinatorLog, participantLog, transactionClient, twoPhaseCommitCluster, type CoordinatorRecord, type ParticipantRecord, type TwoPhaseCluster, type TwoPhaseClusterOptions } from "@faultline/two-phase-commit";

/** One drawn configuration. */
export interface TwoPhaseSearchConfig {
  readonly participants: number;
  readonly voteTimeoutMs: number;
  readonly resendIntervalMs: number;
  readonly statusIntervalMs: number;
  readonly commitPct: number;
  readonly clients: number;
  readonly txs: number;
  readonly thinkMs: number;
  readonly clientTimeoutMs: number;
}

/** Plain mode's fixed configuration. */
export const TWO_PHASE_DEFAULT_CONFIG: TwoPhaseSearchConfig = { participants: 3, voteTimeoutMs: 200, resendIntervalMs: 50, statusIntervalMs: 100, commitPct: 90, clients: 2, txs: 4, thinkMs: 10, clientTimeoutMs: 500 };

const configSpace: fc.Arbitrary<TwoPhaseSearchConfig> = fc.record({
  participants: fc.integer({ min: 2, max: 10 }),
  voteTimeoutMs: fc.integer({ min: 20, max: 400 }),
  resendIntervalMs: fc.integer({ min: 10, max: 200 }),
  statusIntervalMs: fc.integer({ min: 10, max: 200 }),
  commitPct: fc.integer({ min: 50, max: 100 }),
  clients: fc.integer({ min: 1, max: 3 }),
  txs: fc.integer({ min: 1, max: 8 }),
  thinkMs: fc.integer({ min: 0, max: 50 }),
  clientTimeoutMs: fc.integer({ min: 100, max: 1_000 }),
});

/** What {@link twoPhaseSearchSpace} takes; all optional. */
export interface TwoPhaseSpaceOptions {
  /** Names the space in reports and case tokens (default "2pc"). */
  readonly name?: string;
  /** Builds the cluster instead of the shipped reducers (a planted bug); same shape as `twoPhaseCommitCluster`. */
  readonly cluster?: (options: TwoPhaseClusterOptions) => TwoPhaseCluster;
}

/** 2PC's abstraction: the multiset of transactions' phase vectors (coordinator log, then participants' states sorted). */
export function twoPhaseAbstraction(view: WorldView): unknown {
  const [coord, ...parts] = view.nodes;
  if (coord === undefined) return [];
  const clog = coordinatorLog(coord.records as CoordinatorRecord[]);
  const plogs = parts.map((p) => participantLog(p.records as ParticipantRecord[]));
  const vectors = [...clog.txs].map(([tx, e]) => [e.done ? `${e.log}/done` : e.log, ...plogs.map((l) => l.get(tx)?.state ?? "working").sort()].join(","));
  return [coord.up ? "up" : "down", ...vectors.sort()];
}

const decided = (v: WorldView, d: string) => [...coordinatorLog((v.nodes[0]?.records ?? []) as CoordinatorRecord[]).txs.values()].some((e) => e.log === d);

/** What a 2PC sweep should reach at least once. */
export const twoPhaseSometimes = [
  sometimes("a transaction committed", (v) => decided(v, "commit")),
  sometimes("a transaction aborted", (v) => decided(v, "abort")),
  sometimes("coordinator down while a participant is prepared", (v) => v.nodes[0]?.up === false && v.nodes.slice(1).some((n) => [...participantLog(n.records as ParticipantRecord[]).values()].some((e) => e.state === "prepared"))),
  sometimes("coordinator restarted with an undecided transaction", (v) => v.nodes[0]?.up === true && (v.nodes[0]?.restarts ?? 0) > 0 && [...coordinatorLog((v.nodes[0]?.records ?? []) as CoordinatorRecord[]).txs.values()].some((e) => e.log === "begun")),
];

/** 2PC's search space (see {@link TwoPhaseSpaceOptions}): the shipped one, or one running a planted bug. */
export function twoPhaseSearchSpace(options: TwoPhaseSpaceOptions = {}): SystemSpace<TwoPhaseSearchConfig> {
  const makeCluster = options.cluster ?? twoPhaseCommitCluster;
  return defineSystem({
    name: options.name ?? "2pc",
    config: configSpace,
    defaultConfig: TWO_PHASE_DEFAULT_CONFIG,
    faultWindowMs: 3_000,
    runMs: 9_000,
    build: (c) => {
      const clusterOptions = { participants: c.participants, voteTimeoutMs: c.voteTimeoutMs, resendIntervalMs: c.resendIntervalMs, statusIntervalMs: c.statusIntervalMs, commitProbability: c.commitPct / 100 };
      const cluster = makeCluster(clusterOptions);
      const { config, nodes } = cluster;
      const clients = Array.from({ length: c.clients }, (_, i) => ({ id: `c${i + 1}`, actor: transactionClient({ count: c.txs, prefix: `c${i + 1}-tx`, coordinator: config.coordinator, thinkMs: c.thinkMs, timeoutMs: c.clientTimeoutMs }) }));
      return {
        nodes,
        invariants: cluster.invariants,
        clients,
        network: { minLatencyMs: 1, maxLatencyMs: 20 },
        // Replies against the durable decision are the shipped RepliesMatchOutcome invariant.
        check: (result) => checkTermination(result.view, config),
      };
    },
    abstraction: twoPhaseAbstraction,
    sometimes: twoPhaseSometimes,
    messageTypes: ["prepare", "vote", "commit", "abort", "status", "ack"],
    recordTypes: ["begun", "decision", "done", "vote", "outcome"],
    maxDown: (n) => Math.max(1, Math.floor((n - 1) / 2)),
  });
}

/** The shipped 2PC space. */
export const twoPhaseSpace = twoPhaseSearchSpace();

/** Node ids of a configuration (coordinator first). */
export function twoPhaseIds(c: TwoPhaseSearchConfig): NodeId[] {
  return ["coordinator", ...Array.from({ length: c.participants }, (_, i) => `p${i + 1}`)];
}
