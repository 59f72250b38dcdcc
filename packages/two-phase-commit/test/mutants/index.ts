/**
 * Planted two-phase commit bugs as data, for tests and the mutation bench. A mutant replaces one
 * or two of the shipped rules (the `@internal` rule tables of the package) and runs through the
 * unchanged simulator; each carries a run that reveals it. See README.md beside this file.
 */
import { ConfigError, simulate, type FaultPlan, type NetworkConfig, type SimulationResult, type StorageConfig } from "@faultline/kernel";
import {
  coordinatorRules,
  coordinatorWithRules,
  participantRules,
  participantWithRules,
  transactionWorkload,
  twoPhaseCommitCluster,
  type CoordinatorRules,
  type ParticipantRules,
  type TwoPhaseCluster,
  type TwoPhaseClusterOptions,
} from "@faultline/two-phase-commit";
import * as coordinator from "./coordinator.js";
import * as participant from "./participant.js";

/** A run that shows a mutant: a scripted plan (one seed) or a small seeded search. */
export interface MutantReveal {
  /** Cluster options (participants, commit probabilities, knobs); default 3 participants. */
  readonly cluster?: TwoPhaseClusterOptions;
  readonly network?: Partial<NetworkConfig>;
  readonly storage?: StorageConfig;
  readonly plan?: FaultPlan;
  /** Transactions begun, 10 ms apart from time 0 (default 1). */
  readonly txs?: number;
  /** Seeds tried, "<mutant>/0".."<mutant>/<seeds-1>", until one fails (default 1: a scripted run). */
  readonly seeds?: number;
  /** The invariants that may report it. */
  readonly caughtBy: readonly string[];
}

/** One planted bug. */
export interface TwoPhaseMutant {
  /** Unique, kebab-case. */
  readonly name: string;
  /** The mistake, as a reviewer would describe it. */
  readonly description: string;
  /** The spec rule it breaks (the TLA+ action or property). */
  readonly breaks: string;
  /** Coordinator rules replaced (the rest stay the shipped ones). */
  readonly coordinator?: Partial<CoordinatorRules>;
  /** Participant rules replaced. */
  readonly participant?: Partial<ParticipantRules>;
  readonly reveal: MutantReveal;
}

const FIXED = { minLatencyMs: 5, maxLatencyMs: 5 };
// With FIXED: PREPARE arrives at 5, votes at 10 (the decision is logged then), the decision at 15.
const crashP1AfterVoting: FaultPlan = [
  { at: 12, type: "crash", node: "p1" },
  { at: 13, type: "restart", node: "p1" },
];
const crashCoordinatorAfterDeciding: FaultPlan = [
  { at: 11, type: "crash", node: "coordinator" },
  { at: 500, type: "restart", node: "coordinator" },
];

/** Every planted bug, coordinator ones first. */
export const twoPhaseMutants: readonly TwoPhaseMutant[] = [
  {
    name: "coordinator-forgets-decisions",
    description: "On restart the coordinator ignores the decisions in its log and aborts every transaction again.",
    breaks: "CRecover (DecisionNeverChanges)",
    coordinator: coordinator.forgetDecisions,
    reveal: {
      network: FIXED,
      plan: [
        { at: 12, type: "block", from: "coordinator", to: "p3" }, // p3 voted, the COMMIT to it is lost
        { at: 20, type: "crash", node: "coordinator" },
        { at: 100, type: "heal" },
        { at: 1_000, type: "restart", node: "coordinator" },
      ],
      caughtBy: ["OutcomeMatchesDecision", "DecisionNeverChanges", "Consistent"],
    },
  },
  {
    name: "coordinator-sends-decision-before-logging",
    description: "The coordinator sends COMMIT/ABORT and answers the client, then logs the decision; a crash before its next send loses it.",
    breaks: "Decide (log before send)",
    coordinator: coordinator.sendBeforeLog,
    reveal: { network: FIXED, storage: { loseUnsyncedOnCrash: true }, plan: crashCoordinatorAfterDeciding, caughtBy: ["OutcomeMatchesDecision", "RepliesMatchOutcome"] },
  },
  {
    name: "coordinator-replies-before-durable",
    description: "The coordinator answers the client as soon as it decides and logs and sends the decision with the next retry round; a crash in between loses the decision the client was told.",
    breaks: "Decide (client told a decision that is not durable)",
    coordinator: coordinator.replyBeforeDurable,
    reveal: { network: FIXED, storage: { loseUnsyncedOnCrash: true }, plan: crashCoordinatorAfterDeciding, caughtBy: ["RepliesMatchOutcome"] },
  },
  {
    name: "coordinator-commits-on-majority",
    description: "The coordinator commits once a majority has voted YES instead of all participants.",
    breaks: "CRecvVote (CommitRequiresUnanimity)",
    coordinator: coordinator.majorityCommits,
    reveal: { cluster: { commitProbability: { p3: 0 } }, network: FIXED, caughtBy: ["OutcomeMatchesDecision", "CommitRequiresUnanimity"] },
  },
  {
    name: "coordinator-counts-duplicate-votes",
    description: "The coordinator counts YES votes without checking who sent them, so a duplicated YES counts twice.",
    breaks: "CRecvVote (cVotes is a set)",
    coordinator: coordinator.countsDuplicateVotes,
    reveal: { cluster: { commitProbability: { p3: 0 } }, network: { ...FIXED, duplicateRate: 1 }, caughtBy: ["OutcomeMatchesDecision", "CommitRequiresUnanimity"] },
  },
  {
    name: "coordinator-timeout-commits",
    description: "When the vote timeout fires the coordinator commits instead of aborting.",
    breaks: "CTimeout (CommitRequiresUnanimity)",
    coordinator: coordinator.timeoutCommits,
    reveal: {
      network: FIXED,
      plan: [
        { at: 0, type: "crash", node: "p1" }, // p1 never votes
        { at: 500, type: "restart", node: "p1" },
      ],
      caughtBy: ["CommitRequiresUnanimity"],
    },
  },
  {
    name: "coordinator-stale-vote-timeout",
    description: "The coordinator does not cancel the vote timeout when it decides, and the timeout aborts whatever transaction is still running.",
    breaks: "CTimeout's guard cPhase[t] = \"preparing\" (DecisionNeverChanges)",
    coordinator: coordinator.staleVoteTimeout,
    reveal: {
      network: FIXED,
      plan: [
        { at: 12, type: "block", from: "p3", to: "coordinator" }, // p3's ACK is lost: still running at 200
        { at: 400, type: "heal" },
      ],
      caughtBy: ["DecisionNeverChanges", "OutcomeMatchesDecision"],
    },
  },
  {
    name: "coordinator-status-presumes-abort",
    description: "The coordinator answers STATUS for a transaction it has not decided with ABORT, without logging anything, and keeps collecting votes.",
    breaks: "CRecvStatus (answers from a durable decision only)",
    coordinator: coordinator.statusPresumesAbort,
    reveal: {
      network: FIXED,
      plan: [
        { at: 0, type: "block", from: "p3", to: "coordinator" }, // p3's vote is lost until the heal
        { at: 140, type: "heal" }, // p1 asked STATUS at 105; the resend at 150 collects p3's YES
      ],
      caughtBy: ["OutcomeMatchesDecision", "Consistent"],
    },
  },
  {
    name: "participant-yes-not-persisted",
    description: "A participant keeps its YES vote (its prepared state) in memory only and never logs it.",
    breaks: "PRecvPrepare (persist before send; CommitRequiresUnanimity)",
    participant: participant.yesNotPersisted,
    reveal: { network: FIXED, caughtBy: ["CommitRequiresUnanimity"] },
  },
  {
    name: "participant-revotes-no-after-restart",
    description: "A restarted participant treats its in-doubt YES votes as lost work and votes NO on them.",
    breaks: "PRecvPrepare (a vote is final; CommitRequiresUnanimity)",
    participant: participant.revotesNoAfterRestart,
    reveal: { network: FIXED, plan: crashP1AfterVoting, caughtBy: ["CommitRequiresUnanimity"] },
  },
  {
    name: "participant-aborts-in-doubt-on-recovery",
    description: "A restarted participant aborts every transaction it voted YES on instead of asking the coordinator.",
    breaks: "PRecvDecision (only the coordinator decides; OutcomeMatchesDecision)",
    participant: participant.abortsInDoubtOnRecovery,
    reveal: { network: FIXED, plan: crashP1AfterVoting, caughtBy: ["OutcomeMatchesDecision", "Consistent"] },
  },
  {
    name: "participant-redraws-vote-on-duplicate",
    description: "A prepared participant draws and logs a fresh vote for every PREPARE it receives, so a duplicate can turn its YES into NO.",
    breaks: "PResendVote (the same vote again; CommitRequiresUnanimity)",
    participant: participant.redrawsVoteOnDuplicate,
    reveal: {
      cluster: { commitProbability: 0.7 },
      network: { minLatencyMs: 1, maxLatencyMs: 30, duplicateRate: 0.5, reorderRate: 0.3 },
      txs: 5,
      seeds: 50,
      caughtBy: ["CommitRequiresUnanimity", "Consistent", "OutcomeMatchesDecision"],
    },
  },
];

/** The mutant called `name`; an unknown name is a {@link ConfigError} listing the known ones. */
export function mutantByName(name: string): TwoPhaseMutant {
  const found = twoPhaseMutants.find((m) => m.name === name);
  if (found === undefined) throw new ConfigError("mutant", `unknown mutant ${JSON.stringify(name)} (known: ${twoPhaseMutants.map((m) => m.name).join(", ")})`);
  return found;
}

/** A cluster like {@link twoPhaseCommitCluster}'s, with the mutant's rules in place of the shipped ones. */
export function mutantCluster(mutant: TwoPhaseMutant, options: TwoPhaseClusterOptions = {}): TwoPhaseCluster {
  const cluster = twoPhaseCommitCluster(options);
  const { config } = cluster;
  const c = mutant.coordinator === undefined ? undefined : coordinatorWithRules(config, { ...coordinatorRules, ...mutant.coordinator }, `2pc-coordinator~${mutant.name}`);
  const p = mutant.participant === undefined ? undefined : participantWithRules(config, { ...participantRules, ...mutant.participant }, `2pc-participant~${mutant.name}`);
  return {
    ...cluster,
    nodes: cluster.nodes.map((n) => (n.id === config.coordinator ? { id: n.id, protocol: c ?? n.protocol } : { id: n.id, protocol: p ?? n.protocol })),
  };
}

/** Runs a mutant's reveal (or, with `shipped`, the same runs on the shipped reducers): the first failing run, or the last one. */
export function runReveal(mutant: TwoPhaseMutant, options: { readonly shipped?: boolean } = {}): { readonly result: SimulationResult; readonly seed: string; readonly runs: number } {
  const r = mutant.reveal;
  const cluster = options.shipped === true ? twoPhaseCommitCluster(r.cluster) : mutantCluster(mutant, r.cluster);
  const seeds = r.seeds ?? 1;
  let last: { result: SimulationResult; seed: string; runs: number } | undefined;
  for (let i = 0; i < seeds; i++) {
    const seed = `${mutant.name}/${i}`;
    const result = simulate({
      seed,
      nodes: cluster.nodes,
      invariants: cluster.invariants,
      ...(r.network ? { network: r.network } : {}),
      ...(r.storage ? { storage: r.storage } : {}),
      plan: r.plan ?? [],
      workload: transactionWorkload({ count: r.txs ?? 1, spacingMs: 10, coordinator: cluster.config.coordinator }),
      maxTimeMs: 5_000,
    });
    last = { result, seed, runs: i + 1 };
    if (!result.ok) return last;
  }
  return last as { result: SimulationResult; seed: string; runs: number };
}
