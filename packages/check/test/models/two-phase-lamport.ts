/**
 * A transcription of the next-state relation of Lamport's TwoPhase.tla (tlaplus/Examples,
 * specifications/transaction_commit/), action for action, as an explorer {@link Model}.
 */
import type { Model, StateCodec } from "@faultline/check";

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

const RM_STATES: readonly RmState[] = ["working", "prepared", "committed", "aborted"];
const RM_CODE: Readonly<Record<RmState, number>> = { working: 0, prepared: 1, committed: 2, aborted: 3 };
const TM_STATES: readonly TwoPhaseState["tmState"][] = ["init", "committed", "aborted"];
const TM_CODE: Readonly<Record<TwoPhaseState["tmState"], number>> = { init: 0, committed: 1, aborted: 2 };

/**
 * Three words per state: rmState at 2 bits per RM, tmState, and tmPrepared and msgs as bit sets
 * (bit rm for Prepared:rm, then Commit, then Abort). Up to 14 RMs.
 */
function codec(rms: number): StateCodec<TwoPhaseState> {
  const msgBit = new Map<string, number>([...Array.from({ length: rms }, (_, rm) => [`Prepared:${rm}`, rm] as const), ["Commit", rms], ["Abort", rms + 1]]);
  const msgNames = [...msgBit.keys()];
  return {
    encode(s, out) {
      let rm = 0;
      let prepared = 0;
      for (let i = 0; i < rms; i++) {
        rm |= RM_CODE[s.rmState[i] as RmState] << (2 * i);
        if (s.tmPrepared[i]) prepared |= 1 << i;
      }
      let msgs = 0;
      for (const m of s.msgs) msgs |= 1 << (msgBit.get(m) as number);
      out.push(rm);
      out.push(TM_CODE[s.tmState] | (prepared << 2));
      out.push(msgs);
    },
    decode(words) {
      const [rm = 0, tm = 0, msgs = 0] = words;
      return {
        rmState: Array.from({ length: rms }, (_, i) => RM_STATES[(rm >>> (2 * i)) & 3] as RmState),
        tmState: TM_STATES[tm & 3] as TwoPhaseState["tmState"],
        tmPrepared: Array.from({ length: rms }, (_, i) => ((tm >>> (i + 2)) & 1) === 1),
        msgs: msgNames.filter((_, bit) => ((msgs >>> bit) & 1) === 1).sort(),
      };
    },
  };
}

/** Variants of {@link twoPhaseLamport}. */
export interface TwoPhaseOptions {
  /** "json" drops the codec and fingerprints JSON text (the explorer's generic path). Default "codec". */
  readonly fingerprint?: "codec" | "json";
  /** A planted bug for tests: the TM commits once any one RM is prepared. */
  readonly bug?: "commit-on-one-prepared";
}

/** The model for `rms` resource managers (TPInit, TPNext). */
export function twoPhaseLamport(rms: number, options: TwoPhaseOptions = {}): Model<TwoPhaseState> {
  const { fingerprint = "codec", bug } = options;
  if (!Number.isInteger(rms) || rms < 1 || rms > 14) throw new RangeError(`twoPhaseLamport: rms must be an integer in 1..14, got ${rms}`);
  const RM = Array.from({ length: rms }, (_, i) => i);
  // Message names and step labels per RM, built once rather than per state.
  const prepared = RM.map((rm) => `Prepared:${rm}`);
  const label = (action: string) => RM.map((rm) => `${action}(${rm})`);
  const rcvPrepared = label("TMRcvPrepared");
  const prepare = label("RMPrepare");
  const chooseToAbort = label("RMChooseToAbort");
  const rcvCommit = label("RMRcvCommitMsg");
  const rcvAbort = label("RMRcvAbortMsg");
  return {
    init: () => [{ rmState: RM.map(() => "working"), tmState: "init", tmPrepared: RM.map(() => false), msgs: [] }],
    ...(fingerprint === "codec" ? { codec: codec(rms) } : { fingerprint: (s: TwoPhaseState) => JSON.stringify(s) }),
    *next(s) {
      // TMCommit
      if (s.tmState === "init" && (bug === "commit-on-one-prepared" ? s.tmPrepared.some(Boolean) : s.tmPrepared.every(Boolean))) yield ["TMCommit", { ...s, tmState: "committed", msgs: withMsg(s.msgs, "Commit") }];
      // TMAbort
      if (s.tmState === "init") yield ["TMAbort", { ...s, tmState: "aborted", msgs: withMsg(s.msgs, "Abort") }];
      for (const rm of RM) {
        // TMRcvPrepared(rm)
        if (s.tmState === "init" && s.msgs.includes(prepared[rm] as string)) yield [rcvPrepared[rm] as string, { ...s, tmPrepared: set(s.tmPrepared, rm, true) }];
        // RMPrepare(rm)
        if (s.rmState[rm] === "working") yield [prepare[rm] as string, { ...s, rmState: set(s.rmState, rm, "prepared"), msgs: withMsg(s.msgs, prepared[rm] as string) }];
        // RMChooseToAbort(rm)
        if (s.rmState[rm] === "working") yield [chooseToAbort[rm] as string, { ...s, rmState: set(s.rmState, rm, "aborted") }];
        // RMRcvCommitMsg(rm)
        if (s.msgs.includes("Commit")) yield [rcvCommit[rm] as string, { ...s, rmState: set(s.rmState, rm, "committed") }];
        // RMRcvAbortMsg(rm)
        if (s.msgs.includes("Abort")) yield [rcvAbort[rm] as string, { ...s, rmState: set(s.rmState, rm, "aborted") }];
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
