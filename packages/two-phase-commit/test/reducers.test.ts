/**
 * One reducer at a time, driven directly (no simulator), one test per action of
 * spec/two-phase-commit/TwoPhaseCommit.tla, named after it and quoting its comment — the way
 * etcd's raft_paper_test.go cites the Raft paper. The whole-cluster scenarios are in the other files.
 */
import { describe, expect, it } from "vitest";
import type { Ctx, Effect, Input } from "@faultline/kernel";
import {
  coordinatorDecision,
  coordinatorProtocol,
  participantProtocol,
  participantTxState,
  runningTx,
  type BeginRequest,
  type CoordinatorRecord,
  type CoordinatorState,
  type CoordinatorTimer,
  type ParticipantRecord,
  type ParticipantState,
  type ParticipantTimer,
  type TwoPhaseMessage,
} from "@faultline/two-phase-commit";

const PARTICIPANTS = ["p1", "p2", "p3"];
const config = { participants: PARTICIPANTS, voteTimeoutMs: 200, resendIntervalMs: 50, statusIntervalMs: 100 };

function ctx(self: string, draws: number[] = []): Ctx {
  return { self, nodes: ["coordinator", ...PARTICIPANTS], now: () => 0, random: () => draws.shift() ?? 0 };
}

type AnyEffect = Effect<TwoPhaseMessage, unknown, unknown, CoordinatorTimer | ParticipantTimer>;
const kinds = (effects: readonly AnyEffect[]) => effects.map((e) => (e.type === "send" ? `send ${e.to} ${e.msg.type}` : e.type));
const sends = (effects: readonly AnyEffect[]) => effects.filter((e) => e.type === "send").map((e) => (e as { to: string; msg: TwoPhaseMessage }).to + ":" + (e as { msg: TwoPhaseMessage }).msg.type);
/** Every persist of the step comes before its first send or reply ("durable before it leaves"). */
function persistsFirst(effects: readonly AnyEffect[]): boolean {
  const firstOut = effects.findIndex((e) => e.type === "send" || e.type === "reply");
  const lastPersist = effects.map((e) => e.type).lastIndexOf("persist");
  return firstOut === -1 || lastPersist < firstOut;
}

describe("the coordinator alone", () => {
  const c = coordinatorProtocol(config);
  const boot = (records: CoordinatorRecord[] = []) => c.init(ctx("coordinator"), records);
  const step = (s: CoordinatorState, input: Input<TwoPhaseMessage, BeginRequest, CoordinatorTimer>) => c.step(s, input, ctx("coordinator"));
  const begin = (s: CoordinatorState, tx = "t") => step(s, { type: "request", client: "c", id: 1, req: { type: "begin", tx } });
  const vote = (s: CoordinatorState, from: string, v: "yes" | "no", tx = "t") => step(s, { type: "message", from, msg: { type: "vote", tx, vote: v } });
  const allYes = (s: CoordinatorState) => PARTICIPANTS.reduce((st, p) => vote(st, p, "yes").state, s);

  it('CBegin: "log begun (durable before PREPARE leaves), send PREPARE"; arms the vote timeout and the retry of this transaction', () => {
    const out = begin(boot().state);
    expect(kinds(out.effects)).toEqual(["persist", "send p1 prepare", "send p2 prepare", "send p3 prepare", "set-timer", "set-timer"]);
    expect(out.effects[0]).toEqual({ type: "persist", record: { type: "begun", tx: "t" } });
    expect(out.effects.filter((e) => e.type === "set-timer")).toEqual([
      { type: "set-timer", timer: { kind: "vote-timeout", tx: "t" }, afterMs: 200 },
      { type: "set-timer", timer: { kind: "resend", tx: "t" }, afterMs: 50 },
    ]);
    expect(runningTx(out.state, "t")?.phase).toBe("preparing");
  });

  it("CBegin's guard cLog[t] = \"none\": a known transaction is answered from its decision or waits, never begun twice", () => {
    const begun = begin(boot().state).state;
    const again = begin(begun);
    expect(again.effects).toEqual([]);
    expect(runningTx(again.state, "t")?.waiting).toHaveLength(2);
    const decided = allYes(begun);
    expect(begin(decided).effects).toEqual([{ type: "reply", client: "c", id: 1, res: { tx: "t", outcome: "commit" } }]);
  });

  it('CRecvVote: "another YES is counted" once; "the last YES commits" (Decide: logged before it is sent, clients answered)', () => {
    let s = begin(boot().state).state;
    s = vote(s, "p1", "yes").state;
    const dup = vote(s, "p1", "yes");
    expect(dup.effects).toEqual([]);
    expect(runningTx(dup.state, "t")?.yes).toEqual(["p1"]);
    s = vote(s, "p2", "yes").state;
    const last = vote(s, "p3", "yes");
    expect(kinds(last.effects)).toEqual(["persist", "cancel-timer", "send p1 commit", "send p2 commit", "send p3 commit", "reply", "set-timer"]);
    expect(last.effects[0]).toEqual({ type: "persist", record: { type: "decision", tx: "t", decision: "commit" } });
    expect(persistsFirst(last.effects)).toBe(true);
    expect(coordinatorDecision(last.state, "t")).toBe("commit");
    // A vote from a node that is not a participant is noise.
    expect(step(s, { type: "message", from: "intruder", msg: { type: "vote", tx: "t", vote: "yes" } }).effects).toEqual([]);
  });

  it('CRecvVote: "NO aborts"', () => {
    const out = vote(begin(boot().state).state, "p2", "no");
    expect(out.effects[0]).toEqual({ type: "persist", record: { type: "decision", tx: "t", decision: "abort" } });
    expect(sends(out.effects)).toEqual(["p1:abort", "p2:abort", "p3:abort"]);
    expect(runningTx(out.state, "t")?.phase).toBe("aborting");
  });

  it('CTimeout: "the vote timer fires: abort" while preparing; nothing once decided', () => {
    const s = begin(boot().state).state;
    const fired = step(s, { type: "timer", timer: { kind: "vote-timeout", tx: "t" } });
    expect(coordinatorDecision(fired.state, "t")).toBe("abort");
    const decided = allYes(s);
    expect(step(decided, { type: "timer", timer: { kind: "vote-timeout", tx: "t" } }).effects).toEqual([]);
  });

  it("CResendPrepare and CResendDecision: the transaction's own retry goes to those that have not answered, and re-arms itself", () => {
    const s = vote(begin(boot().state).state, "p1", "yes").state;
    const retry = step(s, { type: "timer", timer: { kind: "resend", tx: "t" } });
    expect(sends(retry.effects)).toEqual(["p2:prepare", "p3:prepare"]);
    expect(retry.effects.at(-1)).toEqual({ type: "set-timer", timer: { kind: "resend", tx: "t" }, afterMs: 50 });
    const committed = step(allYes(begin(boot().state).state), { type: "message", from: "p2", msg: { type: "ack", tx: "t" } }).state;
    expect(sends(step(committed, { type: "timer", timer: { kind: "resend", tx: "t" } }).effects)).toEqual(["p1:commit", "p3:commit"]);
  });

  it('CRecvAck: each ACK counted once; "the last one completes t (logged durably)" and stops its retry', () => {
    let s = allYes(begin(boot().state).state);
    for (const p of ["p1", "p2", "p2"]) s = step(s, { type: "message", from: p, msg: { type: "ack", tx: "t" } }).state;
    expect(runningTx(s, "t")?.acks).toEqual(["p1", "p2"]);
    const last = step(s, { type: "message", from: "p3", msg: { type: "ack", tx: "t" } });
    expect(last.effects).toEqual([
      { type: "persist", record: { type: "done", tx: "t" } },
      { type: "cancel-timer", timer: { kind: "resend", tx: "t" } },
    ]);
    expect(runningTx(last.state, "t")).toBeUndefined();
    expect(coordinatorDecision(last.state, "t")).toBe("commit");
    // A retry timer that fired anyway (it raced the cancel) finds nothing to do.
    expect(step(last.state, { type: "timer", timer: { kind: "resend", tx: "t" } }).effects).toEqual([]);
  });

  it('CRecvStatus: "answered only from a durable decision; otherwise it goes unanswered"', () => {
    const status = (s: CoordinatorState) => step(s, { type: "message", from: "p1", msg: { type: "status", tx: "t" } }).effects;
    const s = begin(boot().state).state;
    expect(status(s)).toEqual([]);
    expect(sends(status(allYes(s)))).toEqual(["p1:commit"]);
  });

  it('CRecover: "an undecided (begun) t is durably aborted before anything is sent"; decided ones resume; done ones stay completed', () => {
    const out = boot([
      { type: "begun", tx: "a" },
      { type: "begun", tx: "b" },
      { type: "decision", tx: "b", decision: "commit" },
      { type: "begun", tx: "c" },
      { type: "decision", tx: "c", decision: "abort" },
      { type: "done", tx: "c" },
    ]);
    expect(out.effects[0]).toEqual({ type: "persist", record: { type: "decision", tx: "a", decision: "abort" } });
    expect(persistsFirst(out.effects)).toBe(true);
    expect(sends(out.effects)).toEqual(["p1:abort", "p2:abort", "p3:abort", "p1:commit", "p2:commit", "p3:commit"]);
    expect(runningTx(out.state, "a")?.phase).toBe("aborting");
    expect(runningTx(out.state, "b")?.phase).toBe("committing");
    expect(runningTx(out.state, "c")).toBeUndefined();
    expect(coordinatorDecision(out.state, "c")).toBe("abort");
  });
});

describe("a participant alone", () => {
  const p = participantProtocol({ ...config, commitProbability: 0.5 });
  const boot = (records: ParticipantRecord[] = []) => p.init(ctx("p1"), records);
  const step = (s: ParticipantState, input: Input<TwoPhaseMessage, never, ParticipantTimer>, draw = 0) => p.step(s, input, ctx("p1", [draw]));
  const from = (msg: TwoPhaseMessage) => ({ type: "message" as const, from: "coordinator", msg });

  it('PRecvPrepare: "draw the vote, persist it, send it. YES waits prepared; NO aborts at once"', () => {
    const yes = step(boot().state, from({ type: "prepare", tx: "t" }), 0.2);
    expect(yes.effects).toEqual([
      { type: "persist", record: { type: "vote", tx: "t", vote: "yes" } },
      { type: "send", to: "coordinator", msg: { type: "vote", tx: "t", vote: "yes" } },
      { type: "set-timer", timer: { kind: "status", tx: "t" }, afterMs: 100 },
    ]);
    expect(participantTxState(yes.state, "t")).toBe("prepared");
    const no = step(boot().state, from({ type: "prepare", tx: "t" }), 0.7);
    expect(kinds(no.effects)).toEqual(["persist", "send coordinator vote"]);
    expect(participantTxState(no.state, "t")).toBe("aborted");
  });

  it('PResendVote: "a re-delivered PREPARE gets the same (persisted) vote", drawing and persisting nothing', () => {
    const s = step(boot().state, from({ type: "prepare", tx: "t" }), 0.2).state;
    const again = step(s, from({ type: "prepare", tx: "t" }), 0.9);
    expect(again.effects).toEqual([{ type: "send", to: "coordinator", msg: { type: "vote", tx: "t", vote: "yes" } }]);
    expect(again.state).toBe(s);
  });

  it('PRecvDecision: "a prepared participant adopts it"; "every receipt is ACKed"; an outcome is kept; "COMMIT to a working one is ignored"', () => {
    const prepared = step(boot().state, from({ type: "prepare", tx: "t" }), 0.2).state;
    const commit = step(prepared, from({ type: "commit", tx: "t" }));
    expect(commit.effects).toEqual([
      { type: "persist", record: { type: "outcome", tx: "t", outcome: "committed" } },
      { type: "cancel-timer", timer: { kind: "status", tx: "t" } },
      { type: "send", to: "coordinator", msg: { type: "ack", tx: "t" } },
    ]);
    expect(participantTxState(commit.state, "t")).toBe("committed");
    const duplicate = step(commit.state, from({ type: "commit", tx: "t" }));
    expect(duplicate.effects).toEqual([{ type: "send", to: "coordinator", msg: { type: "ack", tx: "t" } }]);
    expect(step(boot().state, from({ type: "commit", tx: "u" })).effects).toEqual([]);
    // ABORT may reach a participant that never voted (the vote timeout fired first): it aborts.
    const early = step(boot().state, from({ type: "abort", tx: "u" }));
    expect(kinds(early.effects)).toEqual(["persist", "send coordinator ack"]);
    expect(participantTxState(early.state, "u")).toBe("aborted");
  });

  it('PAskStatus: "the status timer of a prepared (uncertain) participant" asks again and re-arms; silent otherwise', () => {
    const prepared = step(boot().state, from({ type: "prepare", tx: "t" }), 0.2).state;
    expect(step(prepared, { type: "timer", timer: { kind: "status", tx: "t" } }).effects).toEqual([
      { type: "send", to: "coordinator", msg: { type: "status", tx: "t" } },
      { type: "set-timer", timer: { kind: "status", tx: "t" }, afterMs: 100 },
    ]);
    const done = step(prepared, from({ type: "abort", tx: "t" })).state;
    expect(step(done, { type: "timer", timer: { kind: "status", tx: "t" } }).effects).toEqual([]);
  });

  it('restart: "participants persist every change before they send, so a participant crash loses nothing" — prepared comes back prepared and asks', () => {
    const out = boot([
      { type: "vote", tx: "t", vote: "yes" },
      { type: "vote", tx: "u", vote: "yes" },
      { type: "outcome", tx: "u", outcome: "committed" },
    ]);
    expect(participantTxState(out.state, "t")).toBe("prepared");
    expect(participantTxState(out.state, "u")).toBe("committed");
    expect(out.effects).toEqual([{ type: "set-timer", timer: { kind: "status", tx: "t" }, afterMs: 100 }]);
  });
});
