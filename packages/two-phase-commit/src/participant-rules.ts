/**
 * The participant's rules, one per action of spec/two-phase-commit/TwoPhaseCommit.tla and under
 * its name (PRecvPrepare, PRecvDecision, PAskStatus; PRecover is the restart the spec needs no
 * action for, since a participant persists every change before it sends). Rules call each other
 * through `s.rules`, so a test can swap one (a planted bug). Shipped code only ever uses
 * {@link participantRules}.
 */
import type { Ctx, Effects } from "@faultline/kernel";
import type { Draft } from "immer";
import { bucketGet, bucketSet } from "./buckets.js";
import type { TwoPhaseConfig } from "./config.js";
import type { ParticipantLog } from "./ledger.js";
import type { ParticipantState, ParticipantTimer } from "./participant.js";
import type { Decision, ParticipantRecord, TwoPhaseMessage, TxId, Vote } from "./types.js";

/** The effects a participant step may emit. @internal */
export type ParticipantEffects = Effects<TwoPhaseMessage, never, ParticipantRecord, ParticipantTimer>;

/**
 * What a rule works on during one step: read `base` (the state before the step), write `draft`.
 * @internal
 */
export interface ParticipantScope {
  readonly config: TwoPhaseConfig;
  readonly rules: ParticipantRules;
  readonly base: ParticipantState;
  readonly draft: Draft<ParticipantState>;
  readonly fx: ParticipantEffects;
  readonly ctx: Ctx;
}

/** The participant's rules. @internal */
export interface ParticipantRules {
  /** PRecvPrepare (first PREPARE: draw the vote, persist it, send it) and PResendVote (later ones: the same vote again). */
  PRecvPrepare(s: ParticipantScope, tx: TxId): void;
  /** PRecvPrepare's `\E v \in Votes`: YES with this participant's commit probability, from `ctx.random()`. */
  drawVote(s: ParticipantScope, tx: TxId): Vote;
  /** PRecvDecision: a prepared (or, for ABORT, working) participant adopts the decision, persisted first; every receipt is ACKed. */
  PRecvDecision(s: ParticipantScope, tx: TxId, decision: Decision): void;
  /** PAskStatus: the status timer of a prepared transaction asks the coordinator again. */
  PAskStatus(s: ParticipantScope, tx: TxId): void;
  /** Restart: fold the log back; prepared transactions stay prepared and resume asking STATUS. */
  PRecover(s: ParticipantScope, log: ParticipantLog): void;
}

/** The status timer of a prepared transaction. @internal */
export function statusTimer(tx: TxId): ParticipantTimer {
  return { kind: "status", tx };
}

/** Where `state` stands on `tx`: "working" (never voted), "prepared", "committed" or "aborted". */
export function participantTxState(state: ParticipantState, tx: TxId): "working" | "prepared" | "committed" | "aborted" {
  return bucketGet(state.finished, tx)?.state ?? state.prepared[tx]?.state ?? "working";
}

/** The shipped rules: the spec's actions. @internal */
export const participantRules: ParticipantRules = Object.freeze({
  PRecvPrepare(s, tx) {
    const known = s.base.prepared[tx] ?? bucketGet(s.base.finished, tx);
    if (known !== undefined) {
      // PResendVote; a participant aborted before it ever voted (ABORT came first) has nothing to say.
      if (known.vote !== "none") s.fx.send(s.config.coordinator, { type: "vote", tx, vote: known.vote });
      return;
    }
    const vote = s.rules.drawVote(s, tx);
    s.fx.persist({ type: "vote", tx, vote });
    if (vote === "yes") s.draft.prepared[tx] = { state: "prepared", vote };
    else bucketSet(s.draft.finished, tx, { state: "aborted", vote });
    s.fx.send(s.config.coordinator, { type: "vote", tx, vote });
    if (vote === "yes") s.fx.setTimer(statusTimer(tx), s.config.statusIntervalMs);
  },

  drawVote(s) {
    return s.ctx.random() < (s.config.commitProbability[s.ctx.self] ?? 1) ? "yes" : "no";
  },

  PRecvDecision(s, tx, decision) {
    const prepared = s.base.prepared[tx];
    const known = prepared ?? bucketGet(s.base.finished, tx);
    // COMMIT to a participant that never prepared cannot come from a correct coordinator: ignore it.
    if (decision === "commit" && known === undefined) return;
    if (known === undefined || prepared !== undefined) {
      const outcome = decision === "commit" ? "committed" : "aborted";
      s.fx.persist({ type: "outcome", tx, outcome });
      bucketSet(s.draft.finished, tx, { state: outcome, vote: known?.vote ?? "none" });
      if (prepared !== undefined) {
        delete s.draft.prepared[tx];
        s.fx.cancelTimer(statusTimer(tx));
      }
    }
    s.fx.send(s.config.coordinator, { type: "ack", tx });
  },

  PAskStatus(s, tx) {
    if (s.base.prepared[tx] === undefined) return;
    s.fx.send(s.config.coordinator, { type: "status", tx });
    s.fx.setTimer(statusTimer(tx), s.config.statusIntervalMs);
  },

  PRecover(s, log) {
    for (const [tx, e] of log) {
      if (e.state !== "prepared") {
        bucketSet(s.draft.finished, tx, e);
        continue;
      }
      s.draft.prepared[tx] = e;
      s.fx.setTimer(statusTimer(tx), s.config.statusIntervalMs);
    }
  },
} satisfies ParticipantRules);
