/**
 * Planted bugs in the participant, each a rewrite of one shipped rule (src/participant-rules.ts)
 * with the mistake in it. Test-only: nothing in src imports this.
 */
import { bucketGet, bucketSet, statusTimer, type ParticipantRules } from "@faultline/two-phase-commit";

type Rules = Partial<ParticipantRules>;

/** PRecvPrepare that keeps a YES vote in memory only: the prepared state is never logged. */
export const yesNotPersisted: Rules = {
  PRecvPrepare(s, tx) {
    const known = s.base.prepared[tx] ?? bucketGet(s.base.finished, tx);
    if (known !== undefined) {
      if (known.vote !== "none") s.fx.send(s.config.coordinator, { type: "vote", tx, vote: known.vote });
      return;
    }
    const vote = s.rules.drawVote(s, tx);
    if (vote === "no") s.fx.persist({ type: "vote", tx, vote }); // the bug: a YES is not persisted
    if (vote === "yes") s.draft.prepared[tx] = { state: "prepared", vote };
    else bucketSet(s.draft.finished, tx, { state: "aborted", vote });
    s.fx.send(s.config.coordinator, { type: "vote", tx, vote });
    if (vote === "yes") s.fx.setTimer(statusTimer(tx), s.config.statusIntervalMs);
  },
};

/** PRecover that drops its YES votes ("the work was lost in the crash") and votes NO instead. */
export const revotesNoAfterRestart: Rules = {
  PRecover(s, log) {
    for (const [tx, e] of log) {
      if (e.state !== "prepared") {
        bucketSet(s.draft.finished, tx, e);
        continue;
      }
      s.fx.persist({ type: "vote", tx, vote: "no" }); // the bug: a YES is final once sent
      bucketSet(s.draft.finished, tx, { state: "aborted", vote: "no" });
      s.fx.send(s.config.coordinator, { type: "vote", tx, vote: "no" });
    }
  },
};

/** PRecover that aborts every in-doubt transaction on its own instead of asking the coordinator. */
export const abortsInDoubtOnRecovery: Rules = {
  PRecover(s, log) {
    for (const [tx, e] of log) {
      if (e.state === "prepared") {
        s.fx.persist({ type: "outcome", tx, outcome: "aborted" }); // the bug: only the coordinator decides
        bucketSet(s.draft.finished, tx, { state: "aborted", vote: e.vote });
      } else {
        bucketSet(s.draft.finished, tx, e);
      }
    }
  },
};

/** PRecvPrepare that draws (and logs) a fresh vote for every PREPARE of a transaction it has not finished. */
export const redrawsVoteOnDuplicate: Rules = {
  PRecvPrepare(s, tx) {
    const finished = bucketGet(s.base.finished, tx);
    if (finished !== undefined) {
      if (finished.vote !== "none") s.fx.send(s.config.coordinator, { type: "vote", tx, vote: finished.vote });
      return;
    }
    const vote = s.rules.drawVote(s, tx); // the bug: a prepared participant votes again
    s.fx.persist({ type: "vote", tx, vote });
    if (vote === "yes") s.draft.prepared[tx] = { state: "prepared", vote };
    else {
      delete s.draft.prepared[tx];
      bucketSet(s.draft.finished, tx, { state: "aborted", vote });
    }
    s.fx.send(s.config.coordinator, { type: "vote", tx, vote });
    if (vote === "yes") s.fx.setTimer(statusTimer(tx), s.config.statusIntervalMs);
  },
};
