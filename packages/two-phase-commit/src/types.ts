/**
 * Wire and log vocabulary of two-phase commit. Names follow the TLA+ spec
 * (spec/two-phase-commit/TwoPhaseCommit.tla) so each message and record maps onto a spec variable.
 */
import type { NodeId } from "@faultline/kernel";

/** A transaction id: any non-empty string, unique per coordinator. */
export type TxId = string;
/** A participant's vote. */
export type Vote = "yes" | "no";
/** The coordinator's decision for a transaction. */
export type Decision = "commit" | "abort";
/** Where a participant ends once it learns the decision (the spec's `Outcome(d)`). */
export type Outcome = "committed" | "aborted";

/** Coordinator → participants: vote on `tx`; the decision; or participant → coordinator: `status`. */
export type TwoPhaseMessage =
  | { readonly type: "prepare"; readonly tx: TxId }
  | { readonly type: "commit"; readonly tx: TxId }
  | { readonly type: "abort"; readonly tx: TxId }
  /** A prepared participant asks the coordinator for the decision of `tx`. */
  | { readonly type: "status"; readonly tx: TxId }
  /** A participant's vote; the sender is the message's `from`. */
  | { readonly type: "vote"; readonly tx: TxId; readonly vote: Vote }
  /** A participant acknowledges the decision of `tx`. */
  | { readonly type: "ack"; readonly tx: TxId };

/**
 * A client asks the coordinator to run a transaction. Without `tx` the coordinator names it
 * `<client>/<request id>`, which is deterministic and unique per client request; give `tx` to
 * retry the same transaction after a timeout (a known `tx` is answered, never begun twice).
 */
export interface BeginRequest {
  readonly type: "begin";
  readonly tx?: TxId;
}

/** The coordinator's answer: the transaction's durable decision. */
export interface TransactionResult {
  readonly tx: TxId;
  readonly outcome: Decision;
}

/** The coordinator's write-ahead log: the spec's `cLog` ("begun", then a decision) and `cDone`. */
export type CoordinatorRecord =
  | { readonly type: "begun"; readonly tx: TxId }
  | { readonly type: "decision"; readonly tx: TxId; readonly decision: Decision }
  | { readonly type: "done"; readonly tx: TxId };

/** A participant's write-ahead log: the spec's `pVote` and `pState`. */
export type ParticipantRecord =
  | { readonly type: "vote"; readonly tx: TxId; readonly vote: Vote }
  | { readonly type: "outcome"; readonly tx: TxId; readonly outcome: Outcome };

/** A participant's durable state for one transaction (the spec's `pState` without "working"). */
export type ParticipantTxState = "prepared" | Outcome;

/** Who asked for a transaction and waits for its outcome. */
export interface Waiter {
  readonly client: string;
  readonly id: number;
}

/** Ids of the nodes a protocol instance talks to. */
export interface Roles {
  readonly coordinator: NodeId;
  readonly participants: readonly NodeId[];
}
