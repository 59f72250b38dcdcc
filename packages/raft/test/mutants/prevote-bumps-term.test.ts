/**
 * `raft-prevote-bumps-term` (bench/mutants/registry.ts: granting a pre-vote sets the voter's term to
 * the proposed one) is not observable from outside, and these tests are the evidence the issue
 * asks for when a mutant is exempted. A pre-vote is granted only by a node that has not heard
 * from a leader for an election timeout, and a term is safe to raise (the vote is cleared with
 * it, as for any later term), so the bug breaks no invariant and answers no client wrongly. What
 * it undoes is PreVote's purpose: nodes cut off from the leader inflate their terms among
 * themselves, and when they rejoin, the leader's next AppendEntries is answered with a later term
 * and it steps down — one extra election, a latency blip of an election timeout, after which
 * every client finishes and every node catches up as with the real Raft. The sweeps' checks
 * (linearizability, clients finish, nodes catch up once the faults stop) pass on both.
 */
import { describe, expect, it } from "vitest";
import { runCase, type Case } from "@faultline/check";
import type { createRaftProtocol } from "@faultline/raft";
import { loadPatched } from "../../../../bench/mutants/patch.js";
import { mutantNamed, mutantSpace } from "../../../../bench/mutants/registry.js";
import { OneNode } from "../one-node.js";
import { raftSpace, type RaftSearchConfig } from "../space.js";

const mutant = mutantNamed("raft-prevote-bumps-term");
const patched = await loadPatched<{ createRaftProtocol: typeof createRaftProtocol }>(mutant.name, "packages/raft", mutant.patches ?? {});
const buggy = await mutantSpace(mutant);

describe("raft-prevote-bumps-term: a difference in terms and timing only", () => {
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

  // Five nodes; n4 and n5 cut off from the other three for 1.5 s, then healed.
  const config: RaftSearchConfig = { nodes: 5, electionMinMs: 150, electionSpreadMs: 150, heartbeatPct: 33, snapshotThreshold: 200, maxEntriesPerAppend: 64, preVote: true, checkQuorum: true, clients: 2, ops: 30, readPct: 30, keys: 3, thinkMs: 5, clientTimeoutMs: 600 };
  const minorityCutOff: Case<RaftSearchConfig> = {
    config,
    seed: 1,
    swarm: { kinds: { crash: false, partition: true, block: false, pause: false, clock: false, network: false }, drop: 0, dup: 0, reorder: 0, loseUnsynced: false },
    faults: [{ kind: "partition", at: 1_000, forMs: 1_500, mask: 0b11000 }],
    triggers: [],
  };
  const outcome = (run: ReturnType<typeof runCase<RaftSearchConfig>>) => {
    const states = run.result.view.nodes.map((n) => n.state as { role: string; term: number });
    return { failure: run.failure, term: Math.max(...states.map((s) => s.term)), leaders: states.filter((s) => s.role === "leader").length, ok: run.result.history.filter((h) => (h.res as { ok?: boolean } | undefined)?.ok === true).length };
  };

  it("a whole cluster: the cut-off minority inflates its terms and deposes the leader on rejoining, yet every check passes and every client finishes", () => {
    const real = outcome(runCase(raftSpace, minorityCutOff));
    const bug = outcome(runCase(buggy, minorityCutOff));
    // The real Raft keeps its first leader throughout: PreVote kept the minority's terms down.
    expect(real).toEqual({ failure: undefined, term: 1, leaders: 1, ok: 60 });
    // The mutant: many terms later, a new leader; nothing a client or a check can tell.
    expect(bug.failure).toBeUndefined();
    expect(bug.term).toBeGreaterThan(5);
    expect([bug.leaders, bug.ok]).toEqual([1, 60]);
  });
});
