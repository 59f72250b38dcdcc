/**
 * The bug fixed in src/roles.ts, planted back as a protocol wrapper (test code only): a leader
 * that steps down answers every client still waiting on it "not applied" ({ ok: false }), although
 * the entry is in its log and the next leader may commit it.
 */
import type { AnyProtocol } from "@faultline/kernel";
import type { RaftState } from "@faultline/raft";

/** `real` with the old step-down reply planted back. */
export function answerNotAppliedOnStepDown(real: AnyProtocol): AnyProtocol {
  return {
    ...real,
    name: `${real.name}+answer-not-applied-on-step-down`,
    step(state, input, ctx) {
      const out = real.step(state, input, ctx);
      const before = state as RaftState;
      const after = out.state as RaftState;
      if (before.role !== "leader" || after.role === "leader" || before.pending.length === 0) return out;
      const redirect = after.leader !== null && after.leader !== ctx.self ? after.leader : undefined;
      const answered = new Set(out.effects.flatMap((e) => (e.type === "reply" ? [`${e.client}/${e.id}`] : [])));
      const replies = before.pending.filter((w) => !answered.has(`${w.client}/${w.id}`)).map((w) => ({ type: "reply" as const, client: w.client, id: w.id, res: redirect !== undefined ? { ok: false, redirect } : { ok: false, error: "leadership lost" } }));
      return { state: out.state, effects: [...out.effects, ...replies] };
    },
  };
}
