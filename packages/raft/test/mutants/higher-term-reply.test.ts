/**
 * `raft-leader-ignores-higher-term-reply` (bench/mutants/registry.ts: a leader that gets an
 * AppendEntries reply with a later term stays leader) is observable from outside, shown here with
 * a hand-made case (not one a sweep found): 3 nodes with PreVote, n1 leading term 1. For 300 ms
 * n1's messages to n2 and n3 are blocked, so n2 hears no leader and pre-campaigns; n3 grants, n2
 * starts term 2, and both of n2's RequestVotes are dropped (two send triggers). After the heal n3
 * follows n1 again and n2, alone at term 2, rejects n1's AppendEntries for ever: the real leader
 * steps down on that reply and n2 rejoins, the mutant's never does and n2 can never win a
 * pre-vote. The clients are done by then, so only the Raft space's settle check (every node
 * follows one leader once the faults stop) sees it.
 */
import { describe, expect, it } from "vitest";
import { replayCase, type Case } from "@faultline/check";
import { mutantNamed, mutantSpace } from "../../../../bench/mutants/registry.js";
import { raftSpace, type RaftSearchConfig } from "../space.js";

const lostCandidacy: Case<RaftSearchConfig> = {
  config: { nodes: 3, electionMinMs: 100, electionSpreadMs: 300, heartbeatPct: 20, snapshotThreshold: 200, maxEntriesPerAppend: 64, preVote: true, checkQuorum: false, clients: 1, ops: 20, readPct: 30, keys: 1, thinkMs: 20, clientTimeoutMs: 500 },
  seed: 1,
  swarm: { kinds: { crash: false, partition: false, block: true, pause: false, clock: false, network: false }, drop: 0, dup: 0, reorder: 0, loseUnsynced: false },
  faults: [
    { kind: "block", at: 1_000, forMs: 300, from: 0, to: 1 },
    { kind: "block", at: 1_000, forMs: 300, from: 0, to: 2 },
  ],
  triggers: [
    { type: "trigger", at: 1_000, when: { on: "send", from: 1, to: 0, msgType: "vote" }, then: { do: "drop" } },
    { type: "trigger", at: 1_000, when: { on: "send", from: 1, to: 2, msgType: "vote" }, then: { do: "drop" } },
  ],
};

describe("raft-leader-ignores-higher-term-reply, a hand-made case", () => {
  it("n2 is left at a later term, rejecting the leader for ever: the cluster never settles", async () => {
    const buggy = await mutantSpace(mutantNamed("raft-leader-ignores-higher-term-reply"));
    expect(replayCase(buggy, lostCandidacy)).toEqual({
      traceHash: "3a2ac9ecd185db73",
      failure: "check: the cluster never settled after the faults stopped (4000 ms): node n2 (precandidate, term 2) does not follow leader n1 of term 1 at 10000 ms",
    });
  });

  it("the real Raft passes the same case", () => {
    expect(replayCase(raftSpace, lostCandidacy)).toEqual({ traceHash: "b97382ee89679e2e" });
  });
});
