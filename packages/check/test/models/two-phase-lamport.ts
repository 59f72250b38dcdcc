/**
 * A transcription of the next-state relation of Lamport's TwoPhase.tla (tlaplus/Examples,
 * specifications/transaction_commit/), action for action, as an explorer {@link Model}.
 */
import type { Model } from "@faultline/check";

type RmState = "working" | "prepared" | "committed" | "aborted";

/** TwoPhase's variables; msgs is a set, kept sorted so equal sets print equal. */
export interface TwoPhaseState {
  readonly rmState: readonly RmState[];
  readonly tmState: "init" | "committed" | "aborted";
  readonly tmPrepared: readonly boolean[];
  readonly msgs: readonly string[];
}

const withMsg = (msgs: readonly string[], m: string) => (msgs.includes(m) ? msgs : [...msgs, m].sort());
const set = <T>(xs: readonly T[], i: number, v: T) => xs.map((x, j) => (j === i ? v : x));

/** The model for `rms` resource managers (TPInit, TPNext). */
export function twoPhaseLamport(rms: number): Model<TwoPhaseState> {
  const RM = Array.from({ length: rms }, (_, i) => i);
  return {
    init: () => [{ rmState: RM.map(() => "working"), tmState: "init", tmPrepared: RM.map(() => false), msgs: [] }],
    fingerprint: (s) => JSON.stringify(s),
    *next(s) {
      // TMCommit
      if (s.tmState === "init" && s.tmPrepared.every(Boolean)) yield ["TMCommit", { ...s, tmState: "committed", msgs: withMsg(s.msgs, "Commit") }];
      // TMAbort
      if (s.tmState === "init") yield ["TMAbort", { ...s, tmState: "aborted", msgs: withMsg(s.msgs, "Abort") }];
      for (const rm of RM) {
        // TMRcvPrepared(rm)
        if (s.tmState === "init" && s.msgs.includes(`Prepared:${rm}`)) yield [`TMRcvPrepared(${rm})`, { ...s, tmPrepared: set(s.tmPrepared, rm, true) }];
        // RMPrepare(rm)
        if (s.rmState[rm] === "working") yield [`RMPrepare(${rm})`, { ...s, rmState: set(s.rmState, rm, "prepared"), msgs: withMsg(s.msgs, `Prepared:${rm}`) }];
        // RMChooseToAbort(rm)
        if (s.rmState[rm] === "working") yield [`RMChooseToAbort(${rm})`, { ...s, rmState: set(s.rmState, rm, "aborted") }];
        // RMRcvCommitMsg(rm)
        if (s.msgs.includes("Commit")) yield [`RMRcvCommitMsg(${rm})`, { ...s, rmState: set(s.rmState, rm, "committed") }];
        // RMRcvAbortMsg(rm)
        if (s.msgs.includes("Abort")) yield [`RMRcvAbortMsg(${rm})`, { ...s, rmState: set(s.rmState, rm, "aborted") }];
      }
    },
    invariants: [
      {
        // TCConsistent of TCommit.tla, which TwoPhase implements.
        name: "TCConsistent",
        check: (s) => (s.rmState.includes("committed") && s.rmState.includes("aborted") ? "one RM committed while another aborted" : undefined),
      },
    ],
  };
}
