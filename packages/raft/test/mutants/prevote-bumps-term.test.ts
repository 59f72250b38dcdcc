/**
 * `raft-prevote-bumps-term` (bench/mutants/registry.ts: granting a pre-vote sets the voter's term to
 * the proposed one, §9.6 says it must not). The mutation bench's swarm mode found it after 704 runs
 * (`run.ts --only raft-prevote-bumps-term --runs 10000 --modes swarm,triggers`), shrunk to no fault
 * action at all: six nodes whose election timeouts lie within 12 ms of each other, the swarm's 30 %
 * message loss during the fault window. Several nodes pre-campaign at once; each grant lifts the
 * voter to the asker's next term, so by the time a candidate's RequestVote arrives its voters have
 * moved past its term, and the terms race on (past 300) without a leader ever winning — long after
 * the network is calm. The client never finishes its one write; the real Raft elects a leader and
 * finishes. Pinned here, with the one-reducer difference that causes it.
 */
import { describe, expect, it } from "vitest";
import { decodeCase, replayCase, runCase, type Case } from "@faultline/check";
import type { createRaftProtocol } from "@faultline/raft";
import { loadPatched } from "../../../../bench/mutants/patch.js";
import { mutantNamed, mutantSpace } from "../../../../bench/mutants/registry.js";
import { OneNode } from "../one-node.js";
import { raftSpace, type RaftSearchConfig } from "../space.js";

const mutant = mutantNamed("raft-prevote-bumps-term");
const patched = await loadPatched<{ createRaftProtocol: typeof createRaftProtocol }>(mutant.name, "packages/raft", mutant.patches ?? {});
const buggy = await mutantSpace(mutant);
const found = "fls1.VZA9TwMxDIb_i-cM1xZaKRtIjJWKKCyIIU3cXnR3cWQ7lKq6_47ST5js97Etv_YR5CCKA1hgt9UV4zcpPpchyxp5AAPeCYI9wtaVXgXs55cB5bjbIV-U7B0PtaWLKUhNPDtpwW5dL2ggO9aokdKNbHry3Z96qSsuyv-rJdQ98VWPBgJTBjtrDISSwT4YYCQOyKe8J8H3JIfkMdxnPKVt3FVjiQIK2LkB7NFXT8uYlpU83tFbZnSh0snUQIuOdYNOV17BzhsDklyWlnTdMkpLfQA7MzC4n5ekHFFWyE85YwpgJwYy4wcpglUu9bwWffdaiMtwQ33EVF87MUD5HKuD08LGQIeHM9Q2pq76mi6uU-s4IBU9mW2a0YBgvXwxjr8";

describe("raft-prevote-bumps-term, as a sweep found it", () => {
  it("one reducer: the mutant's follower takes the pre-vote's term when it grants it; the real one keeps its own", () => {
    const grant = (create?: typeof createRaftProtocol) => {
      const n = OneNode.follower(2, [], { config: { preVote: true }, ...(create ? { create } : {}) });
      n.now = 1_000; // no leader heard: the pre-vote is granted
      n.deliver("n3", { type: "prevote", term: 3, lastIndex: 0, lastTerm: 0 });
      return { term: n.state.term, votedFor: n.state.votedFor, reply: n.sent(), persisted: n.kinds().includes("persist") };
    };
    const reply = [["n3", { type: "prevote-reply", term: 3, granted: true }]];
    expect(grant()).toEqual({ term: 2, votedFor: null, reply, persisted: false });
    expect(grant(patched.createRaftProtocol)).toEqual({ term: 3, votedFor: null, reply, persisted: true });
  });

  it("a whole cluster: no leader is ever elected once the faults stop, so the client never finishes; the replay gives the sweep's hash", () => {
    const run = runCase(buggy, decodeCase(found).case as Case<RaftSearchConfig>);
    expect(run.failure?.message).toMatch(/^client c1 finished 0 of 1 operations by 10000 ms/);
    const states = run.result.view.nodes.map((n) => n.state as { role: string; term: number });
    expect(states.filter((s) => s.role === "leader")).toEqual([]);
    expect(Math.min(...states.map((s) => s.term))).toBeGreaterThan(100); // terms raced on
    expect(replayCase(buggy, found)).toEqual({ traceHash: "87950fa144cbce5d", failure: `check: ${run.failure?.message}` });
  });

  it("the real Raft passes the same case", () => {
    expect(runCase(raftSpace, decodeCase(found).case as Case<RaftSearchConfig>).failure).toBeUndefined();
  });
});
