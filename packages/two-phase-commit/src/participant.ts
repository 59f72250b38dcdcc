/**
 * A participant: votes once per transaction, persists every change before it sends, and asks the
 * coordinator for the decision while it is uncertain. Spec counterparts: PRecvPrepare,
 * PResendVote, PRecvDecision, PAskStatus.
 */
import { transition, type Effects, type Input, type Protocol, type Step } from "@faultline/kernel";
import type { Draft } from "immer";
import { resolveTwoPhaseConfig, type TwoPhaseConfig, type TwoPhaseConfigInput } from "./config.js";
import { participantLog, type ParticipantLogEntry } from "./ledger.js";
import { bucketGet, bucketSet, type Buckets } from "./buckets.js";
import { validateMessage } from "./validate.js";
import type { ParticipantRecord, TwoPhaseMessage, TxId } from "./types.js";

/**
 * A participant's state: what its log says per transaction (absent from both = the spec's
 * "working"). Uncertain and finished transactions are kept apart so that a step copies only the
 * small set of uncertain ones (immer copies every map it changes).
 */
export interface ParticipantState {
  /** Transactions it voted YES on and has no decision for yet. */
  readonly prepared: Readonly<Record<TxId, Readonly<ParticipantLogEntry>>>;
  /** Transactions with a final outcome (committed or aborted), bucketed: it only grows. */
  readonly finished: Buckets<Readonly<ParticipantLogEntry>>;
  /** Whether the status timer is armed (armed once, so new transactions do not postpone it). */
  readonly statusArmed: boolean;
}

/** Where `state` stands on `tx`: "working" (never voted), "prepared", "committed" or "aborted". */
export function participantTxState(state: ParticipantState, tx: TxId): "working" | "prepared" | "committed" | "aborted" {
  return bucketGet(state.finished, tx)?.state ?? state.prepared[tx]?.state ?? "working";
}

/** Splits a folded log into the state's two maps. */
function fromLog(records: readonly ParticipantRecord[]): ParticipantState {
  const prepared: Record<TxId, ParticipantLogEntry> = {};
  const finished: Record<string, Record<TxId, ParticipantLogEntry>> = {};
  for (const [tx, e] of participantLog(records)) {
    if (e.state === "prepared") prepared[tx] = e;
    else bucketSet(finished, tx, e);
  }
  return { prepared, finished, statusArmed: false };
}

/** The participant protocol type; it serves no clients. */
export type ParticipantProtocol = Protocol<ParticipantState, TwoPhaseMessage, never, never, ParticipantRecord, ParticipantTimer>;

type Fx = Effects<TwoPhaseMessage, never, ParticipantRecord, ParticipantTimer>;
type D = Draft<ParticipantState>;

/** The participant's one timer: asking the coordinator for the outcome of in-doubt transactions. */
export type ParticipantTimer = { readonly kind: "status" };
const STATUS: ParticipantTimer = { kind: "status" };

function anyPrepared(d: ParticipantState): boolean {
  for (const _ in d.prepared) return true;
  return false;
}

function armStatus(d: D, fx: Fx, config: TwoPhaseConfig): void {
  if (d.statusArmed) return;
  d.statusArmed = true;
  fx.setTimer(STATUS, config.statusIntervalMs);
}

// Lookups read `base`, the state before the step: reading a nested object through an immer
// draft copies its parent map, which would make every step cost the size of the map.

/** PRecvPrepare and PResendVote: the first PREPARE draws and persists the vote; later ones repeat it. */
function onPrepare(base: ParticipantState, d: D, fx: Fx, config: TwoPhaseConfig, tx: TxId, probability: number, random: () => number): void {
  const known = base.prepared[tx] ?? bucketGet(base.finished, tx);
  if (known === undefined) {
    const vote = random() < probability ? "yes" : "no";
    fx.persist({ type: "vote", tx, vote });
    if (vote === "yes") d.prepared[tx] = { state: "prepared", vote };
    else bucketSet(d.finished, tx, { state: "aborted", vote });
    fx.send(config.coordinator, { type: "vote", tx, vote });
    if (vote === "yes") armStatus(d, fx, config);
  } else if (known.vote !== "none") {
    fx.send(config.coordinator, { type: "vote", tx, vote: known.vote });
  }
  // Aborted without ever voting (ABORT came first): nothing to say, the coordinator has decided.
}

/** PRecvDecision: adopt the decision if still undecided (persisted first), and always ACK. */
function onDecision(base: ParticipantState, d: D, fx: Fx, config: TwoPhaseConfig, tx: TxId, decision: "commit" | "abort"): void {
  const prepared = base.prepared[tx];
  const known = prepared ?? bucketGet(base.finished, tx);
  // COMMIT to a participant that never prepared cannot come from a correct coordinator: ignore it.
  if (decision === "commit" && known === undefined) return;
  if (known === undefined || prepared !== undefined) {
    const outcome = decision === "commit" ? "committed" : "aborted";
    fx.persist({ type: "outcome", tx, outcome });
    bucketSet(d.finished, tx, { state: outcome, vote: known?.vote ?? "none" });
    delete d.prepared[tx];
  }
  fx.send(config.coordinator, { type: "ack", tx });
}

/** PAskStatus: every prepared (uncertain) transaction asks again, until none is left. */
function askStatus(d: D, fx: Fx, config: TwoPhaseConfig): void {
  d.statusArmed = false;
  for (const tx of Object.keys(d.prepared)) fx.send(config.coordinator, { type: "status", tx });
  if (anyPrepared(d)) armStatus(d, fx, config);
}

/**
 * A two-phase commit participant. On the first PREPARE of a transaction it votes YES with its
 * configured commit probability (drawn from `ctx.random()`), persists the vote, then sends it;
 * the vote is fixed for that transaction forever. Restart folds the log back (prepared stays
 * prepared and resumes asking STATUS).
 */
export function participantProtocol(input: TwoPhaseConfigInput | TwoPhaseConfig = {}): ParticipantProtocol {
  const config = resolveTwoPhaseConfig(input as TwoPhaseConfigInput);
  return {
    name: "2pc-participant",
    init: (_ctx, records) =>
      transition<ParticipantState, TwoPhaseMessage, never, ParticipantRecord, ParticipantTimer>(fromLog(records), (d, fx) => {
        if (anyPrepared(d)) armStatus(d, fx, config);
      }),
    step: (state: ParticipantState, input: Input<TwoPhaseMessage, never, ParticipantTimer>, ctx): Step<ParticipantState, TwoPhaseMessage, never, ParticipantRecord, ParticipantTimer> =>
      transition<ParticipantState, TwoPhaseMessage, never, ParticipantRecord, ParticipantTimer>(state, (d, fx) => {
        if (input.type === "timer") {
          if (input.timer.kind === "status") askStatus(d, fx, config);
          return;
        }
        // Only the coordinator drives a participant; anything else is noise.
        if (input.type !== "message" || input.from !== config.coordinator) return;
        const msg = input.msg;
        if (msg.type === "prepare") onPrepare(state, d, fx, config, msg.tx, config.commitProbability[ctx.self] ?? 1, () => ctx.random());
        else if (msg.type === "commit" || msg.type === "abort") onDecision(state, d, fx, config, msg.tx, msg.type);
      }),
    validateMessage,
  };
}
