/**
 * Two terms lost on a crash, found by sweeps through `SenderKeepsTerm` (a node's term never falls
 * below a term its messages carried; figure 2 keeps `currentTerm` on stable storage, updated before
 * the node answers or asks anything):
 * - a follower that steps down to a newer term without writing it (hashicorp/raft lost terms this
 *   way): `node --import tsx bench/mutants/run.ts --only raft-term-not-persisted-on-step-down
 *   --modes plain` found it after 129 runs; shrunk, one crash of n1 for 1 ms on the shipped
 *   configuration. Before the invariant, no sweep of 10^4 runs found it: a safety violation needs
 *   five nodes and about six faults in order (RESULTS.md).
 * - a candidate that sends its RequestVotes before writing its new term and self-vote: `--modes
 *   triggers` found it after 19 runs; shrunk, one trigger that loses n2's next term record while
 *   its requests are out.
 * Each bug is planted here as a wrapper of the real reducer with the effects the bench's text
 * patch gives, so the hashes are the bench's. The real Raft passes both cases.
 */
import { describe, expect, it } from "vitest";
import { replayCase, runCase, type Case } from "@faultline/check";
import type { AnyProtocol, Effect } from "@faultline/kernel";
import type { RaftRecord } from "@faultline/raft";
import { raftSearchSpace, raftSpace, type RaftSearchConfig } from "../space.js";

const stepDownCase = {"faults":[{"kind":"crash","at":192,"forMs":1,"node":0}],"triggers":[],"swarm":{"kinds":{"crash":true,"partition":true,"block":true,"pause":true,"clock":true,"network":true},"drop":5,"dup":5,"reorder":10,"loseUnsynced":false},"config":{"nodes":3,"electionMinMs":150,"electionSpreadMs":150,"heartbeatPct":33,"snapshotThreshold":200,"maxEntriesPerAppend":64,"preVote":true,"checkQuorum":true,"clients":2,"ops":30,"readPct":30,"keys":3,"thinkMs":5,"clientTimeoutMs":600},"seed":432616851} as Case<RaftSearchConfig>;

const candidateCase = {"faults":[],"triggers":[{"type":"trigger","at":0,"when":{"on":"persist","node":1,"recordType":"term"},"then":{"do":"crash-during-write","restartAfterSteps":11}}],"swarm":{"kinds":{"crash":false,"partition":true,"block":true,"pause":true,"clock":true,"network":true},"drop":16,"dup":1,"reorder":27,"loseUnsynced":true},"config":{"nodes":2,"electionMinMs":207,"electionSpreadMs":13,"heartbeatPct":38,"snapshotThreshold":3,"maxEntriesPerAppend":2,"preVote":false,"checkQuorum":true,"clients":4,"ops":9,"readPct":5,"keys":1,"thinkMs":1,"clientTimeoutMs":995},"seed":200782972} as Case<RaftSearchConfig>;

const termRecord = (e: Effect<unknown, unknown, unknown>): Extract<RaftRecord, { type: "term" }> | undefined =>
  e.type === "persist" && (e.record as RaftRecord).type === "term" ? (e.record as Extract<RaftRecord, { type: "term" }>) : undefined;

/** The real reducer, except that stepping down to a newer term (the record with no vote) is never written. */
function termNotPersistedOnStepDown(real: AnyProtocol): AnyProtocol {
  return {
    ...real,
    step(state, input, ctx) {
      const out = real.step(state, input, ctx);
      return { ...out, effects: out.effects.filter((e) => termRecord(e)?.votedFor !== null) };
    },
  };
}

/** The real reducer, except that a new candidate's term record follows its RequestVotes instead of preceding them. */
function candidatePersistsAfterRequests(real: AnyProtocol): AnyProtocol {
  return {
    ...real,
    step(state, input, ctx) {
      const out = real.step(state, input, ctx);
      const fx = out.effects;
      const i = fx.findIndex((e) => termRecord(e)?.votedFor === ctx.self);
      let j = i;
      while (i >= 0 && j + 1 < fx.length && fx[j + 1]!.type === "send" && (fx[j + 1] as { msg: { type: string } }).msg.type === "vote") j++;
      if (j === i) return out;
      return { ...out, effects: [...fx.slice(0, i), ...fx.slice(i + 1, j + 1), fx[i]!, ...fx.slice(j + 1)] };
    },
  };
}

describe("a term lost on a crash, as sweeps found it", () => {
  it("a follower that does not write the term it steps down to: SenderKeepsTerm; the replay gives the sweep's hash", () => {
    const buggy = raftSearchSpace({ protocol: (real) => termNotPersistedOnStepDown(real) }, "raftTermNotPersistedOnStepDown");
    const run = runCase(buggy, stepDownCase);
    expect(run.failure?.property).toBe("SenderKeepsTerm");
    expect(run.failure?.message).toMatch(/its term was not kept$/);
    expect(replayCase(buggy, stepDownCase)).toEqual({ traceHash: "5f22b62f3208aff3", failure: `SenderKeepsTerm: ${run.failure?.message}` });
  });

  it("a candidate that asks for votes before writing its term: SenderKeepsTerm; the replay gives the sweep's hash", () => {
    const buggy = raftSearchSpace({ protocol: (real) => candidatePersistsAfterRequests(real) }, "raftCandidatePersistsAfterRequests");
    const run = runCase(buggy, candidateCase);
    expect(run.failure?.property).toBe("SenderKeepsTerm");
    expect(run.coverage.fired["persist→crash-during-write"]).toBe(1);
    expect(replayCase(buggy, candidateCase)).toEqual({ traceHash: "d9822ab16238a9d5", failure: `SenderKeepsTerm: ${run.failure?.message}` });
  });

  it("the real Raft passes both cases", () => {
    expect(runCase(raftSpace, stepDownCase).failure).toBeUndefined();
    expect(runCase(raftSpace, candidateCase).failure).toBeUndefined();
  });
});
