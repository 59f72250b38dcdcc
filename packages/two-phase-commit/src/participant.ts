/**
 * A participant: votes once per transaction, persists every change before it sends, and asks the
 * coordinator for the decision while it is uncertain. It dispatches each input to the rule named
 * after its spec action (src/participant-rules.ts).
 */
import { transition, type Ctx, type Input, type Protocol, type Step } from "@faultline/kernel";
import type { Buckets } from "./buckets.js";
import { resolveTwoPhaseConfig, type TwoPhaseConfig, type TwoPhaseConfigInput } from "./config.js";
import { participantLog, type ParticipantLogEntry } from "./ledger.js";
import { participantRules, type ParticipantRules, type ParticipantScope } from "./participant-rules.js";
import { validateMessage } from "./validate.js";
import type { ParticipantRecord, TwoPhaseMessage, TxId } from "./types.js";

/**
 * A participant's state: what its log says per transaction (absent from both = the spec's
 * "working"). Uncertain transactions are few and sit in a plain map; finished ones only
 * accumulate, so they are kept apart in a bucketed map (see src/buckets.ts for why).
 */
export interface ParticipantState {
  /** Transactions it voted YES on and has no decision for yet. */
  readonly prepared: Readonly<Record<TxId, Readonly<ParticipantLogEntry>>>;
  /** Transactions with a final outcome (committed or aborted). */
  readonly finished: Buckets<Readonly<ParticipantLogEntry>>;
}

/** The participant protocol type; it serves no clients. */
export type ParticipantProtocol = Protocol<ParticipantState, TwoPhaseMessage, never, never, ParticipantRecord, ParticipantTimer>;

/** The participant's timer: one per prepared transaction, asking the coordinator for its outcome. */
export type ParticipantTimer = { readonly kind: "status"; readonly tx: TxId };

type ParticipantStep = Step<ParticipantState, TwoPhaseMessage, never, ParticipantRecord, ParticipantTimer>;

function run(config: TwoPhaseConfig, rules: ParticipantRules, ctx: Ctx, base: ParticipantState, body: (s: ParticipantScope) => void): ParticipantStep {
  return transition<ParticipantState, TwoPhaseMessage, never, ParticipantRecord, ParticipantTimer>(base, (draft, fx) => body({ config, rules, base, draft, fx, ctx }));
}

function dispatch(s: ParticipantScope, input: Input<TwoPhaseMessage, never, ParticipantTimer>): void {
  if (input.type === "timer") return s.rules.PAskStatus(s, input.timer.tx);
  // Only the coordinator drives a participant; anything else is noise.
  if (input.type !== "message" || input.from !== s.config.coordinator) return;
  const msg = input.msg;
  if (msg.type === "prepare") s.rules.PRecvPrepare(s, msg.tx);
  else if (msg.type === "commit" || msg.type === "abort") s.rules.PRecvDecision(s, msg.tx, msg.type);
}

/**
 * A participant running `rules` instead of the shipped ones: the hook planted-bug tests use
 * (test/mutants). Shipped code calls it only with {@link participantRules}.
 * @internal
 */
export function participantWithRules(input: TwoPhaseConfigInput | TwoPhaseConfig, rules: ParticipantRules, name = "2pc-participant"): ParticipantProtocol {
  const config = resolveTwoPhaseConfig(input as TwoPhaseConfigInput);
  return {
    name,
    init: (ctx, records) => run(config, rules, ctx, { prepared: {}, finished: {} }, (s) => rules.PRecover(s, participantLog(records))),
    step: (state, input, ctx) => run(config, rules, ctx, state, (s) => dispatch(s, input)),
    validateMessage,
    describe: describeParticipant,
  };
}

/** Prepared, committed and aborted counts: the failure printer's line for a participant. */
function describeParticipant(s: ParticipantState): string {
  let committed = 0;
  let aborted = 0;
  for (const b of Object.values(s.finished)) for (const e of Object.values(b)) if (e.state === "committed") committed++;
  else aborted++;
  return `participant: prepared ${Object.keys(s.prepared).length}, committed ${committed}, aborted ${aborted}`;
}

/**
 * A two-phase commit participant. On the first PREPARE of a transaction it votes YES with its
 * configured commit probability (drawn from `ctx.random()`), persists the vote, then sends it;
 * the vote is fixed for that transaction forever. Restart folds the log back (prepared stays
 * prepared and resumes asking STATUS).
 */
export function participantProtocol(config: TwoPhaseConfigInput | TwoPhaseConfig = {}): ParticipantProtocol {
  return participantWithRules(config, participantRules);
}
