/**
 * A persistence-order bug found by a sweep: a follower grants a vote without persisting it
 * (figure 2: votedFor is on stable storage before the node answers). `node --import tsx
 * bench/mutants/run.ts --only raft-vote-not-persisted --modes triggers` found it after 2,402 runs
 * and shrank it to this case: one trigger — crash the next node to persist anything, from the
 * start, and restart it one step later — on 3 nodes with a 10 ms election spread (two candidates
 * of one term). n2 votes for the first candidate and crashes; back a step later with its term but
 * no vote, it grants the second candidate too: two leaders of one term.
 *
 * The bug is planted here as a wrapper of the real reducer that drops the vote's record (the
 * bench plants it as a text patch; both give the same effects, so the same trace hash). The real
 * Raft passes the same case.
 */
import { describe, expect, it } from "vitest";
import { replayCase, runCase, type Case } from "@faultline/check";
import type { AnyProtocol } from "@faultline/kernel";
import type { RaftRecord } from "@faultline/raft";
import { raftSearchSpace, raftSpace, type RaftSearchConfig } from "../space.js";

const found = {"faults":[],"triggers":[{"type":"trigger","at":0,"when":{"on":"persist","node":1},"then":{"do":"crash","restartAfterSteps":1}}],"swarm":{"kinds":{"crash":false,"partition":false,"block":false,"pause":false,"clock":false,"network":false},"drop":21,"dup":1,"reorder":1,"loseUnsynced":false},"config":{"nodes":3,"electionMinMs":60,"electionSpreadMs":10,"heartbeatPct":10,"snapshotThreshold":3,"maxEntriesPerAppend":1,"preVote":false,"checkQuorum":false,"clients":1,"ops":1,"readPct":0,"keys":1,"thinkMs":0,"clientTimeoutMs":100},"seed":1755454301} as Case<RaftSearchConfig>;

/** The real reducer, except that a granted vote's record (`votedFor` = the candidate) is never written. */
function voteNotPersisted(real: AnyProtocol): AnyProtocol {
  return {
    ...real,
    step(state, input, ctx) {
      const out = real.step(state, input, ctx);
      if (input.type !== "message" || (input.msg as { type?: string }).type !== "vote") return out;
      const effects = out.effects.filter((e) => !(e.type === "persist" && (e.record as RaftRecord).type === "term" && (e.record as Extract<RaftRecord, { type: "term" }>).votedFor === input.from));
      return { ...out, effects };
    },
  };
}

describe("a vote not persisted, as a sweep found it", () => {
  const buggy = raftSearchSpace({ protocol: (real) => voteNotPersisted(real) }, "raftVoteNotPersisted");

  it("two leaders of one term; the replay gives the sweep's hash", () => {
    const run = runCase(buggy, found);
    expect(run.failure?.property).toBe("ElectionSafety");
    expect(run.failure?.message).toMatch(/^term \d+ has two leaders/);
    expect(run.coverage.fired["persist→crash"]).toBe(1);
    expect(replayCase(buggy, found)).toEqual({ traceHash: "29bf5877a0202090", failure: `ElectionSafety: ${run.failure?.message}` });
  });

  it("the real Raft passes the same case", () => {
    expect(runCase(raftSpace, found).failure).toBeUndefined();
  });
});
