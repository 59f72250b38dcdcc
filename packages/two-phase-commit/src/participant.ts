/**
 * A participant: votes once per transaction, persists every change before it sends, and asks the
 * coordinator for the decision while it is uncertain. Spec counterparts: PRecvPrepare,
 * PResendVote, PRecvDecision, PAskStatus.
 */
import { transition, type Effects, type Input, type Protocol, type Step } from "@faultline/kernel";
import type { Draft } from "immer";
import { resolveTwoPhaseConfig, type TwoPhaseConfig, type TwoPhaseConfigInput } from "./config.js";
import { participantLog, type ParticipantLogEntry } from "./ledger.js";
import { validateMessage } from "./validate.js";
import type { ParticipantRecord, TwoPhaseMessage, TxId } from "./types.js";

/** A participant's state: what its log says per transaction (absent = the spec's "working"). */
export interface ParticipantState {
  readonly txs: Readonly<Record<TxId, Readonly<ParticipantLogEntry>>>;
  /** Whether the status timer is armed (armed once, so new transactions do not postpone it). */
  readonly statusArmed: boolean;
}

/** The participant protocol type; it serves no clients. */
export type ParticipantProtocol = Protocol<ParticipantState, TwoPhaseMessage, never, never, ParticipantRecord>;

type Fx = Effects<TwoPhaseMessage, never, ParticipantRecord>;
type D = Draft<ParticipantState>;

const STATUS = "status";

function anyPrepared(d: ParticipantState): boolean {
  return Object.values(d.txs).some((t) => t.state === "prepared");
}

function armStatus(d: D, fx: Fx, config: TwoPhaseConfig): void {
  if (d.statusArmed) return;
  d.statusArmed = true;
  fx.setTimer(STATUS, config.statusIntervalMs);
}

/** PRecvPrepare and PResendVote: the first PREPARE draws and persists the vote; later ones repeat it. */
function onPrepare(d: D, fx: Fx, config: TwoPhaseConfig, tx: TxId, probability: number, random: () => number): void {
  const known = d.txs[tx];
  if (known === undefined) {
    const vote = random() < probability ? "yes" : "no";
    fx.persist({ type: "vote", tx, vote });
    d.txs[tx] = { state: vote === "yes" ? "prepared" : "aborted", vote };
    fx.send(config.coordinator, { type: "vote", tx, vote });
    if (vote === "yes") armStatus(d, fx, config);
  } else if (known.vote !== "none") {
    fx.send(config.coordinator, { type: "vote", tx, vote: known.vote });
  }
  // Aborted without ever voting (ABORT came first): nothing to say, the coordinator has decided.
}

/** PRecvDecision: adopt the decision if still undecided (persisted first), and always ACK. */
function onDecision(d: D, fx: Fx, config: TwoPhaseConfig, tx: TxId, decision: "commit" | "abort"): void {
  const known = d.txs[tx];
  // COMMIT to a participant that never prepared cannot come from a correct coordinator: ignore it.
  if (decision === "commit" && known === undefined) return;
  if (known === undefined || known.state === "prepared") {
    const outcome = decision === "commit" ? "committed" : "aborted";
    fx.persist({ type: "outcome", tx, outcome });
    d.txs[tx] = { state: outcome, vote: known?.vote ?? "none" };
  }
  fx.send(config.coordinator, { type: "ack", tx });
}

/** PAskStatus: every prepared (uncertain) transaction asks again, until none is left. */
function askStatus(d: D, fx: Fx, config: TwoPhaseConfig): void {
  d.statusArmed = false;
  for (const [tx, t] of Object.entries(d.txs)) if (t.state === "prepared") fx.send(config.coordinator, { type: "status", tx });
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
      transition<ParticipantState, TwoPhaseMessage, never, ParticipantRecord>({ txs: Object.fromEntries(participantLog(records)), statusArmed: false }, (d, fx) => {
        if (anyPrepared(d)) armStatus(d, fx, config);
      }),
    step: (state: ParticipantState, input: Input<TwoPhaseMessage, never>, ctx): Step<ParticipantState, TwoPhaseMessage, never, ParticipantRecord> =>
      transition<ParticipantState, TwoPhaseMessage, never, ParticipantRecord>(state, (d, fx) => {
        if (input.type === "timer") {
          if (input.name === STATUS) askStatus(d, fx, config);
          return;
        }
        // Only the coordinator drives a participant; anything else is noise.
        if (input.type !== "message" || input.from !== config.coordinator) return;
        const msg = input.msg;
        if (msg.type === "prepare") onPrepare(d, fx, config, msg.tx, config.commitProbability[ctx.self] ?? 1, () => ctx.random());
        else if (msg.type === "commit" || msg.type === "abort") onDecision(d, fx, config, msg.tx, msg.type);
      }),
    validateMessage,
  };
}
