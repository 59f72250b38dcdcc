/**
 * A transcription of the next-state relation of spec/two-phase-commit/TwoPhaseCommit.tla for one
 * transaction (every config of ours has Tx = {"t1"}), action for action, as an explorer model.
 * `forgetful` plants the bug of the TypeScript forgetful coordinator in CRecover (decisions are
 * forgotten: every unfinished transaction is aborted again).
 */
import type { Model, StateCodec } from "@faultline/check";

type PState = "working" | "prepared" | "committed" | "aborted";
type Phase = "init" | "preparing" | "committing" | "aborting" | "completed";
type CLog = "none" | "begun" | "commit" | "abort";

/** The spec's variables for one transaction; sets as bitmasks, msgs as a sorted set of strings. */
export interface SpecState {
  readonly pState: readonly PState[];
  readonly pVote: readonly ("none" | "yes" | "no")[];
  readonly cUp: boolean;
  readonly cPhase: Phase;
  readonly cVotes: number;
  readonly cAcks: number;
  readonly cLog: CLog;
  readonly cDone: boolean;
  readonly msgs: readonly string[];
}

/** A TLC config of ours, as constants. */
export interface SpecConstants {
  readonly participants: number;
  readonly votes: readonly ("yes" | "no")[];
  readonly canCrash: boolean;
  readonly canLose: boolean;
  readonly forgetful?: boolean;
}

const send = (msgs: readonly string[], m: string) => (msgs.includes(m) ? msgs : [...msgs, m].sort());
const set = <T>(xs: readonly T[], i: number, v: T) => xs.map((x, j) => (j === i ? v : x));

const P_STATES: readonly PState[] = ["working", "prepared", "committed", "aborted"];
const VOTES: readonly SpecState["pVote"][number][] = ["none", "yes", "no"];
const PHASES: readonly Phase[] = ["init", "preparing", "committing", "aborting", "completed"];
const LOGS: readonly CLog[] = ["none", "begun", "commit", "abort"];

/**
 * Four words per state: participants' states and votes at 2 bits each, the coordinator's
 * variables packed in one word, and msgs as a bit set over every message the spec can send.
 * Up to 12 participants.
 */
function codec(participants: number): StateCodec<SpecState> {
  const names = ["prepare", "commit", "abort", "status"];
  for (let p = 0; p < participants; p++) names.push(`vote:${p}:yes`, `vote:${p}:no`, `ack:${p}`);
  const bit = new Map(names.map((m, i) => [m, i]));
  const pack = <T>(xs: readonly T[], codes: readonly T[]) => xs.reduce((w, x, i) => w | (codes.indexOf(x) << (2 * i)), 0);
  const unpack = <T>(w: number, codes: readonly T[]) => Array.from({ length: participants }, (_, i) => codes[(w >>> (2 * i)) & 3] as T);
  return {
    encode(s, out) {
      out.push(pack(s.pState, P_STATES));
      out.push(pack(s.pVote, VOTES));
      out.push((s.cUp ? 1 : 0) | (PHASES.indexOf(s.cPhase) << 1) | (LOGS.indexOf(s.cLog) << 4) | ((s.cDone ? 1 : 0) << 6) | (s.cVotes << 7) | (s.cAcks << (7 + participants)));
      let msgs = 0;
      for (const m of s.msgs) msgs |= 1 << (bit.get(m) as number);
      out.push(msgs);
    },
    decode(words) {
      const [ps = 0, votes = 0, c = 0, msgs = 0] = words;
      const mask = (1 << participants) - 1;
      return {
        pState: unpack(ps, P_STATES),
        pVote: unpack(votes, VOTES),
        cUp: (c & 1) === 1,
        cPhase: PHASES[(c >>> 1) & 7] as Phase,
        cLog: LOGS[(c >>> 4) & 3] as CLog,
        cDone: ((c >>> 6) & 1) === 1,
        cVotes: (c >>> 7) & mask,
        cAcks: (c >>> (7 + participants)) & mask,
        msgs: names.filter((_, i) => ((msgs >>> i) & 1) === 1).sort(),
      };
    },
  };
}

/** The model of TwoPhaseCommit.tla under `c`. */
export function twoPhaseCommitSpec(c: SpecConstants): Model<SpecState> {
  if (!Number.isInteger(c.participants) || c.participants < 1 || c.participants > 12) throw new RangeError(`twoPhaseCommitSpec: participants must be an integer in 1..12, got ${c.participants}`);
  const P = Array.from({ length: c.participants }, (_, i) => i);
  const all = (1 << c.participants) - 1;
  const decide = (s: SpecState, d: "commit" | "abort"): SpecState => ({ ...s, cLog: d, cPhase: d === "commit" ? "committing" : "aborting", cVotes: 0, msgs: send(s.msgs, d) });
  const outcome = (d: string): PState => (d === "commit" ? "committed" : "aborted");
  return {
    init: () => [{ pState: P.map(() => "working"), pVote: P.map(() => "none"), cUp: true, cPhase: "init", cVotes: 0, cAcks: 0, cLog: "none", cDone: false, msgs: [] }],
    codec: codec(c.participants),
    *next(s) {
      const has = (m: string) => s.msgs.includes(m);
      // Coordinator
      if (s.cUp && s.cPhase === "init" && s.cLog === "none") yield ["CBegin", { ...s, cLog: "begun", cPhase: "preparing", msgs: send(s.msgs, "prepare") }];
      if (s.cUp && s.cPhase === "preparing") {
        yield ["CResendPrepare", { ...s, msgs: send(s.msgs, "prepare") }];
        yield ["CTimeout", decide(s, "abort")];
        for (const p of P) {
          for (const v of ["yes", "no"] as const) {
            if (!has(`vote:${p}:${v}`)) continue;
            if (v === "no") yield [`CRecvVote(${p},no)`, decide(s, "abort")];
            else if ((s.cVotes | (1 << p)) === all) yield [`CRecvVote(${p},yes)`, decide(s, "commit")];
            else yield [`CRecvVote(${p},yes)`, { ...s, cVotes: s.cVotes | (1 << p) }];
          }
        }
      }
      if (s.cUp && (s.cPhase === "committing" || s.cPhase === "aborting")) {
        yield ["CResendDecision", { ...s, msgs: send(s.msgs, s.cLog) }];
        for (const p of P) {
          if (!has(`ack:${p}`) || s.cAcks & (1 << p)) continue;
          if ((s.cAcks | (1 << p)) === all) yield [`CRecvAck(${p})`, { ...s, cPhase: "completed", cAcks: 0, cDone: true }];
          else yield [`CRecvAck(${p})`, { ...s, cAcks: s.cAcks | (1 << p) }];
        }
      }
      if (s.cUp && has("status") && (s.cLog === "commit" || s.cLog === "abort")) yield ["CRecvStatus", { ...s, msgs: send(s.msgs, s.cLog) }];
      if (c.canCrash && s.cUp) yield ["CCrash", { ...s, cUp: false, cPhase: "init", cVotes: 0, cAcks: 0 }];
      if (!s.cUp) {
        const forget = c.forgetful === true && !s.cDone && s.cLog !== "none";
        const cLog: CLog = s.cLog === "begun" || forget ? "abort" : s.cLog;
        const cPhase: Phase = s.cDone && !forget ? "completed" : cLog === "commit" ? "committing" : cLog === "abort" ? "aborting" : "init";
        yield ["CRecover", { ...s, cUp: true, cLog, cPhase }];
      }
      // Participants
      for (const p of P) {
        if (has("prepare") && s.pState[p] === "working") {
          for (const v of c.votes) {
            yield [`PRecvPrepare(${p},${v})`, { ...s, pVote: set(s.pVote, p, v), pState: set(s.pState, p, v === "yes" ? "prepared" : "aborted"), msgs: send(s.msgs, `vote:${p}:${v}`) }];
          }
        }
        const vote = s.pVote[p];
        if (has("prepare") && vote !== "none" && vote !== undefined) yield [`PResendVote(${p})`, { ...s, msgs: send(s.msgs, `vote:${p}:${vote}`) }];
        for (const d of ["commit", "abort"] as const) {
          if (!has(d) || (d === "commit" && s.pState[p] === "working")) continue;
          const now = s.pState[p] as PState;
          const next = now === "working" || now === "prepared" ? outcome(d) : now;
          yield [`PRecvDecision(${p},${d})`, { ...s, pState: set(s.pState, p, next), msgs: send(s.msgs, `ack:${p}`) }];
        }
        if (s.pState[p] === "prepared") yield [`PAskStatus(${p})`, { ...s, msgs: send(s.msgs, "status") }];
      }
      // Network
      if (c.canLose) for (const m of s.msgs) yield [`Lose(${m})`, { ...s, msgs: s.msgs.filter((x) => x !== m) }];
    },
    invariants: [
      { name: "Consistent", check: (s) => (s.pState.includes("committed") && s.pState.includes("aborted") ? "a participant committed while another aborted" : undefined) },
      {
        name: "OutcomeMatchesDecision",
        check: (s) => {
          if (s.pState.includes("committed") && s.cLog !== "commit") return `a participant committed, cLog = ${s.cLog}`;
          if (s.pState.includes("aborted") && s.cLog === "commit") return "a participant aborted, cLog = commit";
          return undefined;
        },
      },
      { name: "CommitRequiresUnanimity", check: (s) => (s.cLog === "commit" && !s.pVote.every((v) => v === "yes") ? "commit without every YES" : undefined) },
    ],
  };
}
