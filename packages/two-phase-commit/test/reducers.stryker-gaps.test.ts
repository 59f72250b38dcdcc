/**
 * What StrykerJS showed the reducer tests never pinned down (bench/mutants/STRYKER.md): the state
 * a decision or a recovery leaves, the guards against inputs the shipped cluster never sends, the
 * default transaction id, the protocol names, the failure printer's lines, and the vote draw at
 * its edge. Each test kills surviving Stryker mutants that change something a user can see.
 */
import { describe, expect, it } from "vitest";
import type { Ctx, Input } from "@faultline/kernel";
import {
  coordinatorProtocol,
  participantProtocol,
  participantTxState,
  runningTx,
  type BeginRequest,
  type CoordinatorState,
  type CoordinatorTimer,
  type ParticipantState,
  type ParticipantTimer,
  type TwoPhaseMessage,
} from "@faultline/two-phase-commit";

const PARTICIPANTS = ["p1", "p2", "p3"];
const config = { participants: PARTICIPANTS, voteTimeoutMs: 200, resendIntervalMs: 50, statusIntervalMs: 100 };

function ctx(self: string, draws: number[] = []): Ctx {
  return { self, nodes: ["coordinator", ...PARTICIPANTS], now: () => 0, random: () => draws.shift() ?? 0 };
}

describe("the coordinator, where Stryker's mutants survived", () => {
  const c = coordinatorProtocol(config);
  const boot = () => c.init(ctx("coordinator"), []).state;
  const step = (s: CoordinatorState, input: Input<TwoPhaseMessage, BeginRequest, CoordinatorTimer>) => c.step(s, input, ctx("coordinator"));
  const msg = (from: string, m: TwoPhaseMessage) => ({ type: "message" as const, from, msg: m });
  const begin = (s: CoordinatorState, tx: string) => step(s, { type: "request", client: "c", id: 1, req: { type: "begin", tx } }).state;
  const votes = (s: CoordinatorState, tx: string, v: "yes" | "no") => PARTICIPANTS.reduce((st, p) => step(st, msg(p, { type: "vote", tx, vote: v })).state, s);

  it("a decision leaves exactly the phase it names, no votes and no waiting clients", () => {
    const s = begin(begin(boot(), "t"), "u");
    expect(runningTx(votes(s, "t", "yes"), "t")).toEqual({ phase: "committing", decision: "commit", yes: [], acks: [], waiting: [] });
    expect(runningTx(votes(s, "u", "no"), "u")).toEqual({ phase: "aborting", decision: "abort", yes: [], acks: [], waiting: [] });
  });

  it("recovery rebuilds a decided transaction with no votes and no waiting clients", () => {
    const out = c.init(ctx("coordinator"), [
      { type: "begun", tx: "a" },
      { type: "begun", tx: "b" },
      { type: "decision", tx: "b", decision: "commit" },
    ]);
    expect(runningTx(out.state, "a")).toEqual({ phase: "aborting", decision: "abort", yes: [], acks: [], waiting: [] });
    expect(runningTx(out.state, "b")).toEqual({ phase: "committing", decision: "commit", yes: [], acks: [], waiting: [] });
  });

  it("a begin without a tx names its transaction after the client and request id", () => {
    const out = step(boot(), { type: "request", client: "c7", id: 3, req: { type: "begin" } });
    expect(out.effects[0]).toEqual({ type: "persist", record: { type: "begun", tx: "c7/3" } });
    expect(runningTx(out.state, "c7/3")?.phase).toBe("preparing");
  });

  it("ignores PREPARE, COMMIT and ABORT sent to it (its own message types), even for a decided transaction", () => {
    const decided = votes(begin(boot(), "t"), "t", "yes");
    for (const type of ["prepare", "commit", "abort"] as const) {
      const out = step(decided, msg("p1", { type, tx: "t" }));
      expect(out.effects).toEqual([]);
      expect(out.state).toBe(decided);
    }
  });

  it("a vote timeout for a transaction it does not run does nothing", () => {
    const s = begin(boot(), "t");
    const out = step(s, { type: "timer", timer: { kind: "vote-timeout", tx: "gone" } });
    expect(out.effects).toEqual([]);
    expect(out.state).toBe(s);
  });

  it("is named 2pc-coordinator, and its failure-report line counts transactions by phase and decision", () => {
    expect(c.name).toBe("2pc-coordinator");
    let s = begin(begin(boot(), "a"), "b"); // two preparing
    s = votes(begin(s, "c"), "c", "yes"); // one committing
    s = votes(begin(s, "d"), "d", "no");
    for (const p of PARTICIPANTS) s = step(s, msg(p, { type: "ack", tx: "d" })).state; // one completed abort
    expect(c.describe?.(s)).toBe("coordinator: preparing 2, committing 1, aborting 0; completed 0 commit, 1 abort");
  });
});

describe("a participant, where Stryker's mutants survived", () => {
  const make = (commitProbability: number) => participantProtocol({ ...config, commitProbability });
  const p = make(0.5);
  const boot = () => p.init(ctx("p1"), []).state;
  const step = (s: ParticipantState, input: Input<TwoPhaseMessage, never, ParticipantTimer>, draw = 0) => p.step(s, input, ctx("p1", [draw]));
  const from = (node: string, msg: TwoPhaseMessage) => ({ type: "message" as const, from: node, msg });

  it("a transaction it has never heard of is working", () => {
    expect(participantTxState(boot(), "never")).toBe("working");
  });

  it("answers a late PREPARE with its vote once finished, and with nothing if ABORT came before it voted", () => {
    const prepared = step(boot(), from("coordinator", { type: "prepare", tx: "t" }), 0.2).state;
    const committed = step(prepared, from("coordinator", { type: "commit", tx: "t" })).state;
    expect(step(committed, from("coordinator", { type: "prepare", tx: "t" }), 0.9).effects).toEqual([
      { type: "send", to: "coordinator", msg: { type: "vote", tx: "t", vote: "yes" } },
    ]);
    const abortedFirst = step(boot(), from("coordinator", { type: "abort", tx: "u" })).state;
    const late = step(abortedFirst, from("coordinator", { type: "prepare", tx: "u" }), 0.2);
    expect(late.effects).toEqual([]);
    expect(late.state).toBe(abortedFirst);
  });

  it("obeys only the coordinator: PREPARE, COMMIT or ABORT from another node is noise", () => {
    const prepared = step(boot(), from("coordinator", { type: "prepare", tx: "t" }), 0.2).state;
    for (const m of [{ type: "prepare", tx: "v" }, { type: "commit", tx: "t" }, { type: "abort", tx: "t" }] as const) {
      const out = step(prepared, from("p2", m), 0.2);
      expect(out.effects).toEqual([]);
      expect(out.state).toBe(prepared);
    }
  });

  it("votes by its commit probability at the edges: never YES at 0, always YES at 1, whatever the draw", () => {
    const vote = (probability: number, draw: number) => make(probability).step(make(probability).init(ctx("p1"), []).state, from("coordinator", { type: "prepare", tx: "t" }), ctx("p1", [draw]));
    expect(participantTxState(vote(0, 0).state, "t")).toBe("aborted");
    expect(participantTxState(vote(1, 0.999999).state, "t")).toBe("prepared");
  });

  it("is named 2pc-participant, and its failure-report line counts prepared, committed and aborted transactions", () => {
    expect(p.name).toBe("2pc-participant");
    const out = p.init(ctx("p1"), [
      { type: "vote", tx: "t", vote: "yes" },
      { type: "vote", tx: "u", vote: "yes" },
      { type: "outcome", tx: "u", outcome: "committed" },
      { type: "vote", tx: "v", vote: "yes" },
      { type: "outcome", tx: "v", outcome: "committed" },
      { type: "vote", tx: "w", vote: "no" },
    ]);
    expect(p.describe?.(out.state)).toBe("participant: prepared 1, committed 2, aborted 1");
  });
});
