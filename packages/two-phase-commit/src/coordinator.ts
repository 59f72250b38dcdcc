/**
 * The coordinator: one reducer for many concurrent transactions. Each TLA+ action of the spec
 * has a counterpart here, named in the comments (CBegin, CRecvVote, CTimeout, ...).
 */
import { transition, type Effects, type Input, type NodeId, type Protocol, type Step } from "@faultline/kernel";
import type { Draft } from "immer";
import { resolveTwoPhaseConfig, type TwoPhaseConfig, type TwoPhaseConfigInput } from "./config.js";
import { coordinatorLog } from "./ledger.js";
import { bucketAny, bucketDelete, bucketDraft, bucketEntries, bucketGet, bucketSet, type Buckets } from "./buckets.js";
import { validateMessage, validateRequest } from "./validate.js";
import type { BeginRequest, CoordinatorRecord, Decision, TransactionResult, TwoPhaseMessage, TxId, Waiter } from "./types.js";

/**
 * A running transaction's phase at the coordinator. The INIT is a transaction it has no
 * entry for; COMPLETED ones move to {@link CoordinatorState.completed}.
 */
export type CoordinatorPhase = "preparing" | "committing" | "aborting";

/** The coordinator's view of one transaction. */
export interface CoordinatorTx {
  readonly phase: CoordinatorPhase;
  /** The durable decision, once logged (mirrors the log, so STATUS is answered from it). */
  readonly decision?: Decision;
  /** Participants whose YES is held (the spec's `cVotes`; empty unless preparing). */
  readonly yes: readonly NodeId[];
  /** Participants whose ACK is held (the spec's `cAcks`; empty unless committing or aborting). */
  readonly acks: readonly NodeId[];
  /** Clients to answer once decided (volatile: lost in a crash, their requests stay open). */
  readonly waiting: readonly Waiter[];
}

/**
 * The coordinator's state: every transaction it knows. Completed transactions are kept apart, as
 * their decision only, so a step copies only the small set of running ones (immer copies every
 * map it changes).
 */
export interface CoordinatorState {
  /** Running transactions (preparing, committing or aborting), bucketed like `completed`. */
  readonly txs: Buckets<CoordinatorTx>;
  /** Completed transactions' decisions (every participant has ACKed), bucketed: it only grows. */
  readonly completed: Buckets<Decision>;
  /** Whether the resend timer is armed (re-arming would postpone it, so it is armed once). */
  readonly resendArmed: boolean;
}

type Fx = Effects<TwoPhaseMessage, TransactionResult, CoordinatorRecord, CoordinatorTimer>;
type D = Draft<CoordinatorState>;

/** The coordinator protocol type. */
export type CoordinatorProtocol = Protocol<CoordinatorState, TwoPhaseMessage, BeginRequest, TransactionResult, CoordinatorRecord, CoordinatorTimer>;

/** The coordinator's timers: resending decisions and PREPAREs, and each transaction's vote timeout. */
export type CoordinatorTimer = { readonly kind: "resend" } | { readonly kind: "vote-timeout"; readonly tx: TxId };
const RESEND: CoordinatorTimer = { kind: "resend" };

/** How recovery treats the log; the forgetful variant exists only to prove the checkers can fail. */
type Recovery = "from-log" | "forget-decisions";


/** The durable decision `state` holds for `tx`, if any. */
export function coordinatorDecision(state: CoordinatorState, tx: TxId): Decision | undefined {
  return bucketGet(state.completed, tx) ?? bucketGet(state.txs, tx)?.decision;
}

function armResend(d: D, fx: Fx, config: TwoPhaseConfig): void {
  if (d.resendArmed) return;
  d.resendArmed = true;
  fx.setTimer(RESEND, config.resendIntervalMs);
}

/** Decide: log `decision` durably, then send it and answer the waiting clients (the spec's Decide). */
function decide(d: D, fx: Fx, config: TwoPhaseConfig, tx: TxId, decision: Decision): void {
  const t = bucketDraft(d.txs, tx) as Draft<CoordinatorTx>;
  fx.persist({ type: "decision", tx, decision });
  t.decision = decision;
  t.phase = decision === "commit" ? "committing" : "aborting";
  t.yes = [];
  fx.cancelTimer({ kind: "vote-timeout", tx });
  fx.broadcast(config.participants, { type: decision, tx });
  for (const w of t.waiting) fx.reply(w.client, w.id, { tx, outcome: decision });
  t.waiting = [];
  armResend(d, fx, config);
}

/** CBegin: log "begun" durably, then send PREPARE and start the vote timer. A known tx is only answered. */
function begin(d: D, fx: Fx, config: TwoPhaseConfig, client: string, id: number, req: BeginRequest): void {
  const tx = req.tx ?? `${client}/${id}`;
  const completed = bucketGet(d.completed, tx);
  if (completed !== undefined) {
    fx.reply(client, id, { tx, outcome: completed });
    return;
  }
  const known = bucketDraft(d.txs, tx);
  if (known !== undefined) {
    if (known.decision !== undefined) fx.reply(client, id, { tx, outcome: known.decision });
    else known.waiting.push({ client, id });
    return;
  }
  fx.persist({ type: "begun", tx });
  bucketSet(d.txs, tx, { phase: "preparing", yes: [], acks: [], waiting: [{ client, id }] });
  fx.broadcast(config.participants, { type: "prepare", tx });
  fx.setTimer({ kind: "vote-timeout", tx }, config.voteTimeoutMs);
  armResend(d, fx, config);
}

/** CRecvVote, CRecvAck and CRecvStatus. */
function receive(d: D, fx: Fx, config: TwoPhaseConfig, from: NodeId, msg: TwoPhaseMessage): void {
  if (!config.participants.includes(from)) return;
  const completed = bucketGet(d.completed, msg.tx);
  if (completed !== undefined) {
    // A late STATUS (its COMMIT/ABORT and our ACK crossed) still gets the answer.
    if (msg.type === "status") fx.send(from, { type: completed, tx: msg.tx });
    return;
  }
  const t = bucketDraft(d.txs, msg.tx);
  if (t === undefined) return;
  switch (msg.type) {
    case "vote":
      if (t.phase !== "preparing") return;
      if (msg.vote === "no") return decide(d, fx, config, msg.tx, "abort");
      if (!t.yes.includes(from)) t.yes.push(from);
      if (t.yes.length === config.participants.length) decide(d, fx, config, msg.tx, "commit");
      return;
    case "ack":
      if ((t.phase !== "committing" && t.phase !== "aborting") || t.acks.includes(from)) return;
      t.acks.push(from);
      if (t.acks.length === config.participants.length) {
        // The last ACK: the transaction is completed, durably, so recovery stops resending it.
        fx.persist({ type: "done", tx: msg.tx });
        bucketSet(d.completed, msg.tx, t.decision as Decision);
        bucketDelete(d.txs, msg.tx);
      }
      return;
    case "status":
      // Answered only from a durable decision; an undecided transaction's STATUS goes unanswered.
      if (t.decision !== undefined) fx.send(from, { type: t.decision, tx: msg.tx });
      return;
    default:
      return; // PREPARE/COMMIT/ABORT are the coordinator's own messages: not for it
  }
}

/** CResendPrepare and CResendDecision, to the participants whose answer is still missing. */
function resend(base: CoordinatorState, d: D, fx: Fx, config: TwoPhaseConfig): void {
  d.resendArmed = false;
  // Reads the base state: walking the draft would copy every bucket it passes.
  for (const [tx, t] of bucketEntries(base.txs)) {
    if (t.phase === "preparing") {
      for (const p of config.participants) if (!t.yes.includes(p)) fx.send(p, { type: "prepare", tx });
    } else if (t.decision !== undefined) {
      for (const p of config.participants) if (!t.acks.includes(p)) fx.send(p, { type: t.decision, tx });
    }
  }
  if (bucketAny(base.txs)) armResend(d, fx, config);
}

/**
 * CRecover: rebuild from the log. An undecided ("begun") transaction is durably aborted before
 * anything is sent; decided, unfinished ones resume sending their decision.
 */
function recover(records: readonly CoordinatorRecord[], config: TwoPhaseConfig, recovery: Recovery): Step<CoordinatorState, TwoPhaseMessage, TransactionResult, CoordinatorRecord, CoordinatorTimer> {
  return transition<CoordinatorState, TwoPhaseMessage, TransactionResult, CoordinatorRecord, CoordinatorTimer>({ txs: {}, completed: {}, resendArmed: false }, (d, fx) => {
    for (const [tx, entry] of coordinatorLog(records).txs) {
      if (entry.done && recovery === "from-log") {
        bucketSet(d.completed, tx, entry.log as Decision);
        continue;
      }
      // The planted bug: forgetting decisions makes every unfinished transaction look undecided.
      const decision: Decision = recovery === "from-log" && entry.log !== "begun" ? entry.log : "abort";
      if (decision !== entry.log) fx.persist({ type: "decision", tx, decision });
      bucketSet(d.txs, tx, { phase: decision === "commit" ? "committing" : "aborting", decision, yes: [], acks: [], waiting: [] });
      fx.broadcast(config.participants, { type: decision, tx });
    }
    if (bucketAny(d.txs)) armResend(d, fx, config);
  });
}

function coordinatorStep(config: TwoPhaseConfig) {
  return (state: CoordinatorState, input: Input<TwoPhaseMessage, BeginRequest, CoordinatorTimer>): Step<CoordinatorState, TwoPhaseMessage, TransactionResult, CoordinatorRecord, CoordinatorTimer> =>
    transition<CoordinatorState, TwoPhaseMessage, TransactionResult, CoordinatorRecord, CoordinatorTimer>(state, (d, fx) => {
      switch (input.type) {
        case "request":
          return begin(d, fx, config, input.client, input.id, input.req);
        case "message":
          return receive(d, fx, config, input.from, input.msg);
        case "timer":
          if (input.timer.kind === "resend") return resend(state, d, fx, config);
          // CTimeout: not every vote arrived in time.
          if (bucketGet(state.txs, input.timer.tx)?.phase === "preparing") decide(d, fx, config, input.timer.tx, "abort");
          return;
      }
    });
}

function buildCoordinator(name: string, input: TwoPhaseConfigInput | TwoPhaseConfig, recovery: Recovery): CoordinatorProtocol {
  const config = resolveTwoPhaseConfig(input as TwoPhaseConfigInput);
  return {
    name,
    init: (_ctx, records) => recover(records, config, recovery),
    step: coordinatorStep(config),
    validateMessage,
    validateRequest,
  };
}

/**
 * The two-phase commit coordinator. It answers each client `begin` with `{ tx, outcome }` as soon
 * as the decision is durably logged (at decision, not completion); it keeps resending the decision
 * until every participant has ACKed, then logs the transaction done.
 */
export function coordinatorProtocol(config: TwoPhaseConfigInput = {}): CoordinatorProtocol {
  return buildCoordinator("2pc-coordinator", config, "from-log");
}

/**
 * A deliberately broken coordinator that exists ONLY to prove the checkers can fail: on restart
 * it forgets its logged decisions and aborts every unfinished transaction again, so a transaction
 * decided "commit" (and committed by some participant) can be re-decided "abort". Never use it
 * for anything else.
 */
export function forgetfulCoordinatorProtocol(config: TwoPhaseConfigInput = {}): CoordinatorProtocol {
  return buildCoordinator("2pc-forgetful-coordinator", config, "forget-decisions");
}
