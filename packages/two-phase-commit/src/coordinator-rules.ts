/**
 * The coordinator's rules, one per action of spec/two-phase-commit/TwoPhaseCommit.tla and under
 * its name. The reducer ({@link coordinatorWithRules}) only dispatches inputs to them; rules call
 * each other through `s.rules`, so a test can swap one rule (a planted bug) and every caller
 * uses the swapped one. Shipped code only ever uses {@link coordinatorRules}.
 */
import type { ClientId, Effects, NodeId, RequestId } from "@faultline/kernel";
import type { Draft } from "immer";
import { bucketGet, bucketSet } from "./buckets.js";
import type { TwoPhaseConfig } from "./config.js";
import type { CoordinatorState, CoordinatorTimer } from "./coordinator.js";
import type { CoordinatorLog } from "./ledger.js";
import type { CoordinatorRecord, Decision, TransactionResult, TwoPhaseMessage, TxId, Vote } from "./types.js";

/** The effects a coordinator step may emit. @internal */
export type CoordinatorEffects = Effects<TwoPhaseMessage, TransactionResult, CoordinatorRecord, CoordinatorTimer>;

/**
 * What a rule works on during one step. Rules read `base` (the state before the step) and write
 * `draft`: reading a nested object through an immer draft copies it, so reads go to `base`.
 * @internal
 */
export interface CoordinatorScope {
  readonly config: TwoPhaseConfig;
  readonly rules: CoordinatorRules;
  readonly base: CoordinatorState;
  readonly draft: Draft<CoordinatorState>;
  readonly fx: CoordinatorEffects;
}

/**
 * The coordinator's rules. Each is a spec action (its guard and its effect); `unanimous` is the
 * commit condition of CRecvVote on its own, the smallest thing a test may want to change.
 * @internal
 */
export interface CoordinatorRules {
  /** CBegin: log "begun" durably, send PREPARE, arm the vote timeout and the retry timer. A known tx is only answered. */
  CBegin(s: CoordinatorScope, client: ClientId, id: RequestId, tx: TxId): void;
  /** CRecvVote: NO aborts; the YES that makes the set unanimous commits; another YES is counted once. */
  CRecvVote(s: CoordinatorScope, from: NodeId, tx: TxId, vote: Vote): void;
  /** CRecvVote's commit condition: `cVotes[t] \cup {p} = Participants`. */
  unanimous(s: CoordinatorScope, yes: readonly NodeId[]): boolean;
  /** Decide: log the decision durably, then send it, answer the waiting clients and re-arm the retry. */
  Decide(s: CoordinatorScope, tx: TxId, decision: Decision): void;
  /** CTimeout: the vote timeout of a transaction still preparing aborts it. */
  CTimeout(s: CoordinatorScope, tx: TxId): void;
  /** CResendPrepare and CResendDecision: the transaction's retry timer resends to whoever has not answered. */
  CResend(s: CoordinatorScope, tx: TxId): void;
  /** CRecvAck: count an ACK once; the last one logs the transaction done durably. */
  CRecvAck(s: CoordinatorScope, from: NodeId, tx: TxId): void;
  /** CRecvStatus: answer from a durable decision only; an undecided transaction's STATUS goes unanswered. */
  CRecvStatus(s: CoordinatorScope, from: NodeId, tx: TxId): void;
  /** CRecover: rebuild from the log; every undecided ("begun") transaction is durably aborted before anything is sent. */
  CRecover(s: CoordinatorScope, log: CoordinatorLog): void;
}

/** The retry timer of `tx`: resends PREPARE while preparing, then the decision until every ACK. @internal */
export function retryTimer(tx: TxId): CoordinatorTimer {
  return { kind: "resend", tx };
}

/** The durable decision `state` holds for `tx`, if any. */
export function coordinatorDecision(state: CoordinatorState, tx: TxId): Decision | undefined {
  return bucketGet(state.completed, tx) ?? state.txs[tx]?.decision;
}

/** The shipped rules: the spec's actions. @internal */
export const coordinatorRules: CoordinatorRules = Object.freeze({
  CBegin(s, client, id, tx) {
    const decided = coordinatorDecision(s.base, tx);
    if (decided !== undefined) {
      s.fx.reply(client, id, { tx, outcome: decided });
      return;
    }
    if (s.base.txs[tx] !== undefined) {
      // Begun and undecided: this client waits too (a retry after a timeout, say).
      s.draft.txs[tx]?.waiting.push({ client, id });
      return;
    }
    s.fx.persist({ type: "begun", tx });
    s.draft.txs[tx] = { phase: "preparing", yes: [], acks: [], waiting: [{ client, id }] };
    s.fx.broadcast(s.config.participants, { type: "prepare", tx });
    s.fx.setTimer({ kind: "vote-timeout", tx }, s.config.voteTimeoutMs);
    s.fx.setTimer(retryTimer(tx), s.config.resendIntervalMs);
  },

  CRecvVote(s, from, tx, vote) {
    const t = s.base.txs[tx];
    if (t?.phase !== "preparing") return;
    if (vote === "no") return s.rules.Decide(s, tx, "abort");
    if (t.yes.includes(from)) return; // a duplicate YES is counted once
    const yes = [...t.yes, from];
    if (s.rules.unanimous(s, yes)) return s.rules.Decide(s, tx, "commit");
    (s.draft.txs[tx] as Draft<CoordinatorState["txs"][TxId]>).yes = yes;
  },

  unanimous(s, yes) {
    return yes.length === s.config.participants.length;
  },

  Decide(s, tx, decision) {
    const t = s.draft.txs[tx];
    if (t === undefined) return;
    s.fx.persist({ type: "decision", tx, decision });
    t.decision = decision;
    t.phase = decision === "commit" ? "committing" : "aborting";
    t.yes = [];
    s.fx.cancelTimer({ kind: "vote-timeout", tx });
    s.fx.broadcast(s.config.participants, { type: decision, tx });
    for (const w of t.waiting) s.fx.reply(w.client, w.id, { tx, outcome: decision });
    t.waiting = [];
    s.fx.setTimer(retryTimer(tx), s.config.resendIntervalMs);
  },

  CTimeout(s, tx) {
    if (s.base.txs[tx]?.phase === "preparing") s.rules.Decide(s, tx, "abort");
  },

  CResend(s, tx) {
    const t = s.base.txs[tx];
    if (t === undefined) return; // completed meanwhile
    if (t.phase === "preparing") {
      for (const p of s.config.participants) if (!t.yes.includes(p)) s.fx.send(p, { type: "prepare", tx });
    } else if (t.decision !== undefined) {
      for (const p of s.config.participants) if (!t.acks.includes(p)) s.fx.send(p, { type: t.decision, tx });
    }
    s.fx.setTimer(retryTimer(tx), s.config.resendIntervalMs);
  },

  CRecvAck(s, from, tx) {
    const t = s.base.txs[tx];
    if (t?.decision === undefined || t.phase === "preparing" || t.acks.includes(from)) return;
    if (t.acks.length + 1 < s.config.participants.length) {
      (s.draft.txs[tx] as Draft<CoordinatorState["txs"][TxId]>).acks.push(from);
      return;
    }
    // The last ACK: completed, durably, so recovery stops resending it.
    s.fx.persist({ type: "done", tx });
    bucketSet(s.draft.completed, tx, t.decision);
    delete s.draft.txs[tx];
    s.fx.cancelTimer(retryTimer(tx));
  },

  CRecvStatus(s, from, tx) {
    const decision = coordinatorDecision(s.base, tx);
    if (decision !== undefined) s.fx.send(from, { type: decision, tx });
  },

  CRecover(s, log) {
    for (const [tx, entry] of log.txs) {
      if (entry.done && entry.log !== "begun") {
        bucketSet(s.draft.completed, tx, entry.log);
        continue;
      }
      const decision: Decision = entry.log === "begun" ? "abort" : entry.log;
      if (entry.log === "begun") s.fx.persist({ type: "decision", tx, decision });
      s.draft.txs[tx] = { phase: decision === "commit" ? "committing" : "aborting", decision, yes: [], acks: [], waiting: [] };
      s.fx.broadcast(s.config.participants, { type: decision, tx });
      s.fx.setTimer(retryTimer(tx), s.config.resendIntervalMs);
    }
  },
} satisfies CoordinatorRules);
