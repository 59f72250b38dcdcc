/**
 * The coordinator: one reducer for many concurrent transactions. It dispatches each input to the
 * rule named after its spec action (src/coordinator-rules.ts).
 */
import { transition, type Input, type NodeId, type Protocol, type Step } from "@faultline/kernel";
import type { Buckets } from "./buckets.js";
import { resolveTwoPhaseConfig, type TwoPhaseConfig, type TwoPhaseConfigInput } from "./config.js";
import { coordinatorRules, type CoordinatorRules, type CoordinatorScope } from "./coordinator-rules.js";
import { coordinatorLog } from "./ledger.js";
import { validateMessage, validateRequest } from "./validate.js";
import type { BeginRequest, CoordinatorRecord, Decision, TransactionResult, TwoPhaseMessage, TxId, Waiter } from "./types.js";

/**
 * A running transaction's phase at the coordinator. A transaction it has no entry for is the
 * spec's "init"; completed ones move to {@link CoordinatorState.completed}.
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
 * The coordinator's state: every transaction it knows. Completed ones are kept apart, as their
 * decision only. Both maps are bucketed (see src/buckets.ts for why).
 */
export interface CoordinatorState {
  /** Running transactions: preparing, committing or aborting. */
  readonly txs: Buckets<CoordinatorTx>;
  /** Completed transactions' decisions (every participant has ACKed). */
  readonly completed: Buckets<Decision>;
}

/** The coordinator protocol type. */
export type CoordinatorProtocol = Protocol<CoordinatorState, TwoPhaseMessage, BeginRequest, TransactionResult, CoordinatorRecord, CoordinatorTimer>;

/**
 * The coordinator's timers, one of each per transaction: its retry timer (resending PREPARE, then
 * the decision; re-armed by every round, so two rounds of one transaction are at least
 * `resendIntervalMs` apart) and its vote timeout.
 */
export type CoordinatorTimer = { readonly kind: "resend"; readonly tx: TxId } | { readonly kind: "vote-timeout"; readonly tx: TxId };

type CoordinatorStep = Step<CoordinatorState, TwoPhaseMessage, TransactionResult, CoordinatorRecord, CoordinatorTimer>;

function run(config: TwoPhaseConfig, rules: CoordinatorRules, base: CoordinatorState, body: (s: CoordinatorScope) => void): CoordinatorStep {
  return transition<CoordinatorState, TwoPhaseMessage, TransactionResult, CoordinatorRecord, CoordinatorTimer>(base, (draft, fx) => body({ config, rules, base, draft, fx }));
}

function dispatch(s: CoordinatorScope, input: Input<TwoPhaseMessage, BeginRequest, CoordinatorTimer>): void {
  const { rules } = s;
  switch (input.type) {
    case "request":
      return rules.CBegin(s, input.client, input.id, input.req.tx ?? `${input.client}/${input.id}`);
    case "timer":
      if (input.timer.kind === "resend") return rules.CResend(s, input.timer.tx);
      return rules.CTimeout(s, input.timer.tx);
    case "message": {
      const { from, msg } = input;
      if (!s.config.participants.includes(from)) return;
      if (msg.type === "vote") return rules.CRecvVote(s, from, msg.tx, msg.vote);
      if (msg.type === "ack") return rules.CRecvAck(s, from, msg.tx);
      if (msg.type === "status") return rules.CRecvStatus(s, from, msg.tx);
      return; // PREPARE/COMMIT/ABORT are the coordinator's own messages: not for it
    }
  }
}

/**
 * A coordinator running `rules` instead of the shipped ones: the hook planted-bug tests use
 * (test/mutants). Shipped code calls it only with {@link coordinatorRules}.
 * @internal
 */
export function coordinatorWithRules(input: TwoPhaseConfigInput | TwoPhaseConfig, rules: CoordinatorRules, name = "2pc-coordinator"): CoordinatorProtocol {
  const config = resolveTwoPhaseConfig(input as TwoPhaseConfigInput);
  return {
    name,
    init: (_ctx, records) => run(config, rules, { txs: {}, completed: {} }, (s) => rules.CRecover(s, coordinatorLog(records))),
    step: (state, input) => run(config, rules, state, (s) => dispatch(s, input)),
    validateMessage,
    validateRequest,
    describe: describeCoordinator,
  };
}

/** Running transactions by phase and completed ones by decision: the failure printer's line for the coordinator. */
function describeCoordinator(s: CoordinatorState): string {
  const count = (buckets: Buckets<unknown>, key: (v: any) => string) => {
    const n: Record<string, number> = {};
    for (const b of Object.keys(buckets).sort()) for (const v of Object.values(buckets[b] ?? {})) n[key(v)] = (n[key(v)] ?? 0) + 1;
    return n;
  };
  const running = count(s.txs, (t: CoordinatorTx) => t.phase);
  const done = count(s.completed, (d: Decision) => d);
  return `coordinator: preparing ${running.preparing ?? 0}, committing ${running.committing ?? 0}, aborting ${running.aborting ?? 0}; completed ${done.commit ?? 0} commit, ${done.abort ?? 0} abort`;
}

/**
 * The two-phase commit coordinator. It answers each client `begin` with `{ tx, outcome }` as soon
 * as the decision is durably logged (at decision, not completion); it keeps resending the decision
 * until every participant has ACKed, then logs the transaction done.
 */
export function coordinatorProtocol(config: TwoPhaseConfigInput = {}): CoordinatorProtocol {
  return coordinatorWithRules(config, coordinatorRules);
}
