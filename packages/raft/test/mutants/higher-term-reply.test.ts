/**
 * `raft-leader-ignores-higher-term-reply` (bench/mutants/registry.ts: a leader that gets an
 * AppendEntries reply with a later term stays leader) is observable from outside. The bench's
 * swarm mode found it after 2,077 runs once the Raft space checked that every node follows one
 * leader after the faults stop (no fault action: 3 nodes with PreVote, 22 % loss, a 12 ms election
 * spread); pinned below, with a hand-made case that shows the mechanism: 3 nodes with PreVote, n1
 * leading term 1. For 300 ms
 * n1's messages to n2 and n3 are blocked, so n2 hears no leader and pre-campaigns; n3 grants, n2
 * starts term 2, and both of n2's RequestVotes are dropped (two send triggers). After the heal n3
 * follows n1 again and n2, alone at term 2, rejects n1's AppendEntries for ever: the real leader
 * steps down on that reply and n2 rejoins, the mutant's never does and n2 can never win a
 * pre-vote. The clients are done by then, so only the Raft space's settle check (every node
 * follows one leader once the faults stop) sees it.
 */
import { describe, expect, it } from "vitest";
import { decodeCase, replayCase, type Case } from "@faultline/check";
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

const found = "fls1.VVDLTsMwEPyXPfuQpLRqfeOABBKVChQuiINrb2IriW3tOipRlX9HDi0tt52ZfczsCXjkhD1IIFWnZ1QG6anxgZAfXWOR9kj9K8ZuBAFaMYI8Qa2GLjHIzy8BiVzTIJ0RHxX1uaV13nAuNCm2IGvVMQqIipJLLvg_5tAF3d7oQz5xRvqf5jEdA13wJMBQiCCrSoAZIsiyEkAYyCCBrAR0gfHd8-g1muuQDr52TXbmg0EGuRCAHepsauv8lkFWi9WVe4uEymQ677eoKB1QpZ1OIJcbAexVZBvS3hKyDZ2ZN_bq-8Encsg7pPsY0ZvZUyT8CAlBJhpyQIu6fRkCDf1NaIc-f7cUECKDXOVYyswXCwEtjr9iss632VhxGdq7HsOQZrPFehLAmKOXm3K9LO6qxWqafgA";

describe("raft-leader-ignores-higher-term-reply, as a sweep found it", () => {
  it("a node left at a later term never follows the leader that ignores its replies; the replay gives the sweep's hash", async () => {
    const buggy = await mutantSpace(mutantNamed("raft-leader-ignores-higher-term-reply"));
    expect(replayCase(buggy, found)).toEqual({
      traceHash: "789f38a79a1245e2",
      failure: "check: the cluster never settled after the faults stopped (4000 ms): node n1 (precandidate, term 2) does not follow leader n2 of term 1 at 10000 ms",
    });
  });

  it("the real Raft passes the same case", () => {
    expect(replayCase(raftSpace, decodeCase(found).case as Case<RaftSearchConfig>)).toEqual({ traceHash: "18db1d63879ced20" });
  });
});

describe("raft-leader-ignores-higher-term-reply, a hand-made case", () => {
  it("n2 is left at a later term, rejecting the leader for ever: the cluster never settles", async () => {
    const buggy = await mutantSpace(mutantNamed("raft-leader-ignores-higher-term-reply"));
    expect(replayCase(buggy, lostCandidacy)).toEqual({
      traceHash: "23dcced5e54b5430",
      failure: "check: the cluster never settled after the faults stopped (4000 ms): node n2 (precandidate, term 2) does not follow leader n1 of term 1 at 10000 ms",
    });
  });

  it("the real Raft passes the same case", () => {
    expect(replayCase(raftSpace, lostCandidacy)).toEqual({ traceHash: "91188d44f7ea55a6" });
  });
});
