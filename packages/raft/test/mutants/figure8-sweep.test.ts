/**
 * Figure 8 found by a sweep, not by a script: `node --import tsx bench/mutants/figure8.ts triggers
 * 10000 1` (the commit-rule mutant, the leader's no-op kept, over the full Raft space with the
 * real Raft as baseline) failed after 312 runs and shrank to this case: two triggers — crash the
 * node that just became leader (n1) and restart it 14 steps later; isolate the next node that
 * persists an append — on 3 nodes sending at most 2 entries per AppendEntries. Pinned here: the
 * mutant commits an earlier term's entry by counting and a later leader lacks it; the real Raft
 * passes the same case; the trace hash is the one the sweep printed.
 */
import { describe, expect, it } from "vitest";
import { replayCase, runCase, type Case } from "@faultline/check";
import { mutantProtocol } from "./index.js";
import { raftConfigOf, raftSearchSpace, raftSpace, type RaftSearchConfig } from "../space.js";

const found = {"faults":[],"triggers":[{"type":"trigger","at":0,"when":{"on":"state","node":0,"path":"role","equals":"leader"},"then":{"do":"crash","restartAfterSteps":14}},{"type":"trigger","at":0,"when":{"on":"persist","recordType":"append"},"then":{"do":"isolate","forMs":502}}],"swarm":{"kinds":{"crash":false,"partition":false,"block":false,"pause":false,"clock":false,"network":false},"drop":21,"dup":1,"reorder":2,"loseUnsynced":false},"config":{"nodes":3,"electionMinMs":61,"electionSpreadMs":109,"heartbeatPct":48,"snapshotThreshold":198,"maxEntriesPerAppend":2,"preVote":false,"checkQuorum":true,"clients":1,"ops":6,"readPct":54,"keys":3,"thinkMs":30,"clientTimeoutMs":100},"seed":165016695} as Case<RaftSearchConfig>;

describe("figure 8, as a sweep found it", () => {
  const buggy = raftSearchSpace({ protocol: (_real, c) => mutantProtocol("commit-previous-term-by-count", raftConfigOf(c)) }, "raftCommitPreviousTermByCount");

  it("the commit-rule mutant loses an entry it committed from an earlier term; the replay gives the sweep's hash", () => {
    const run = runCase(buggy, found);
    expect(run.failure?.property).toBe("LeaderCompleteness");
    const [, entryTerm, committedIn] = /without entry \d+ \(term (\d+)\) committed in term (\d+)/.exec(run.failure?.message ?? "") ?? [];
    expect(Number(entryTerm)).toBeLessThan(Number(committedIn)); // an earlier term's entry, committed by counting
    expect(replayCase(buggy, found)).toEqual({ traceHash: "102d66120df3f23e", failure: `LeaderCompleteness: ${run.failure?.message}` });
  });

  it("the real Raft passes the same case", () => {
    expect(runCase(raftSpace, found).failure).toBeUndefined();
  });
});
