/**
 * Planted bugs in the coordinator, each a rewrite of one or two shipped rules (src/coordinator-rules.ts)
 * with the mistake in it. Test-only: nothing in src imports this.
 */
import { coordinatorRules, retryTimer, type CoordinatorRules } from "@faultline/two-phase-commit";

type Rules = Partial<CoordinatorRules>;

/** CRecover that treats every logged transaction as undecided and aborts it (done ones included). */
export const forgetDecisions: Rules = {
  CRecover(s, log) {
    for (const [tx, entry] of log.txs) {
      if (entry.log !== "abort") s.fx.persist({ type: "decision", tx, decision: "abort" });
      s.draft.txs[tx] = { phase: "aborting", decision: "abort", yes: [], acks: [], waiting: [] };
      s.fx.broadcast(s.config.participants, { type: "abort", tx });
      s.fx.setTimer(retryTimer(tx), s.config.resendIntervalMs);
    }
  },
};

/** Decide that sends the decision and answers the clients first, and logs it last. */
export const sendBeforeLog: Rules = {
  Decide(s, tx, decision) {
    const t = s.draft.txs[tx];
    if (t === undefined) return;
    t.decision = decision;
    t.phase = decision === "commit" ? "committing" : "aborting";
    t.yes = [];
    s.fx.cancelTimer({ kind: "vote-timeout", tx });
    s.fx.broadcast(s.config.participants, { type: decision, tx });
    for (const w of t.waiting) s.fx.reply(w.client, w.id, { tx, outcome: decision });
    t.waiting = [];
    s.fx.persist({ type: "decision", tx, decision }); // the bug: durable only once something else is sent
    s.fx.setTimer(retryTimer(tx), s.config.resendIntervalMs);
  },
};

/** Decide that answers the clients at once and leaves logging and sending to the retry timer's round. */
export const replyBeforeDurable: Rules = {
  Decide(s, tx, decision) {
    const t = s.draft.txs[tx];
    if (t === undefined) return;
    for (const w of t.waiting) s.fx.reply(w.client, w.id, { tx, outcome: decision }); // the bug: before the log
    t.waiting = [];
    s.fx.persist({ type: "decision", tx, decision });
    t.decision = decision;
    t.phase = decision === "commit" ? "committing" : "aborting";
    t.yes = [];
    s.fx.cancelTimer({ kind: "vote-timeout", tx });
    s.fx.setTimer(retryTimer(tx), s.config.resendIntervalMs); // the decision goes out with the next round
  },
};

/** The commit condition of CRecvVote with a majority of YES instead of all. */
export const majorityCommits: Rules = {
  unanimous: (s, yes) => yes.length * 2 > s.config.participants.length,
};

/** CRecvVote that counts every YES it receives, so a duplicated YES counts twice. */
export const countsDuplicateVotes: Rules = {
  CRecvVote(s, from, tx, vote) {
    const t = s.base.txs[tx];
    if (t?.phase !== "preparing") return;
    if (vote === "no") return s.rules.Decide(s, tx, "abort");
    const yes = [...t.yes, from]; // the bug: no check that `from` was already counted
    if (s.rules.unanimous(s, yes)) return s.rules.Decide(s, tx, "commit");
    (s.draft.txs[tx] as { yes: string[] }).yes = yes;
  },
};

/** CTimeout that commits: silence taken for consent. */
export const timeoutCommits: Rules = {
  CTimeout(s, tx) {
    if (s.base.txs[tx]?.phase === "preparing") s.rules.Decide(s, tx, "commit");
  },
};

/** Decide that leaves the vote timeout armed, and CTimeout that aborts any running transaction. */
export const staleVoteTimeout: Rules = {
  Decide(s, tx, decision) {
    const t = s.draft.txs[tx];
    if (t === undefined) return;
    s.fx.persist({ type: "decision", tx, decision });
    t.decision = decision;
    t.phase = decision === "commit" ? "committing" : "aborting";
    t.yes = [];
    // the bug: no cancelTimer({ kind: "vote-timeout", tx })
    s.fx.broadcast(s.config.participants, { type: decision, tx });
    for (const w of t.waiting) s.fx.reply(w.client, w.id, { tx, outcome: decision });
    t.waiting = [];
    s.fx.setTimer(retryTimer(tx), s.config.resendIntervalMs);
  },
  CTimeout(s, tx) {
    if (s.base.txs[tx] !== undefined) s.rules.Decide(s, tx, "abort"); // the bug: no phase check
  },
};

/** CRecvStatus that answers an undecided transaction's STATUS with ABORT ("presumed abort") without logging it. */
export const statusPresumesAbort: Rules = {
  CRecvStatus(s, from, tx) {
    const t = s.base.txs[tx];
    if (t !== undefined && t.decision === undefined) {
      s.fx.send(from, { type: "abort", tx }); // the bug: nothing logged, the vote goes on
      return;
    }
    coordinatorRules.CRecvStatus(s, from, tx);
  },
};
