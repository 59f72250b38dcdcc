/**
 * Figure 8 found by a sweep, not by a script: `node --import tsx bench/mutants/figure8.ts triggers
 * 10000 1` (the commit-rule mutant, the leader's no-op kept, over the full Raft space with the
 * real Raft as baseline) failed after 5,848 runs (102 s) and shrank to this case: no fault action
 * at all — 4 nodes with a narrow election spread (split votes, many terms), one entry per
 * AppendEntries, and the swarm's message loss (18 %), duplication and reordering. Pinned here: the
 * mutant commits an earlier term's entry by counting and a later leader lacks it; the real Raft
 * passes the same case; the trace hash is the one the sweep printed. (An earlier tree's sweep
 * found it at run 312 with two triggers; Raft's batched proposals changed the runs since.)
 */
import { describe, expect, it } from "vitest";
import { replayCase, runCase, type Case } from "@faultline/check";
import { mutantProtocol } from "./index.js";
import { raftConfigOf, raftSearchSpace, raftSpace, type RaftSearchConfig } from "../space.js";

const found = {"faults":[],"triggers":[],"swarm":{"kinds":{"crash":false,"partition":false,"block":false,"pause":false,"clock":false,"network":false},"drop":18,"dup":3,"reorder":30,"loseUnsynced":false},"config":{"nodes":4,"electionMinMs":148,"electionSpreadMs":12,"heartbeatPct":58,"snapshotThreshold":16,"maxEntriesPerAppend":1,"preVote":false,"checkQuorum":false,"clients":4,"ops":1,"readPct":0,"keys":1,"thinkMs":13,"clientTimeoutMs":106},"seed":11} as Case<RaftSearchConfig>;

describe("figure 8, as a sweep found it", () => {
  const buggy = raftSearchSpace({ protocol: (_real, c) => mutantProtocol("commit-previous-term-by-count", raftConfigOf(c)) }, "raftCommitPreviousTermByCount");

  it("the commit-rule mutant loses an entry it committed from an earlier term; the replay gives the sweep's hash", () => {
    const run = runCase(buggy, found);
    expect(run.failure?.property).toBe("LeaderCompleteness");
    const [, entryTerm, committedIn] = /without entry \d+ \(term (\d+)\) committed in term (\d+)/.exec(run.failure?.message ?? "") ?? [];
    expect(Number(entryTerm)).toBeLessThan(Number(committedIn)); // an earlier term's entry, committed by counting
    expect(replayCase(buggy, found)).toEqual({ traceHash: "1218c2345dbfdc8f", failure: `LeaderCompleteness: ${run.failure?.message}` });
  });

  it("the real Raft passes the same case", () => {
    expect(runCase(raftSpace, found).failure).toBeUndefined();
  });
});
