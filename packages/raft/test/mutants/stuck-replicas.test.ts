/**
 * Replicas that never catch up, as the mutation bench's sweeps found them once the Raft space
 * checked that every node reaches the cluster's commit index after the faults stop
 * (packages/cli/src/sim/systems/raft.ts, `laggingNode`). Both bugs leave every client answered
 * and every history linearizable — the other nodes still form a majority — so the earlier checks
 * passed them; an operator sees a replica stuck behind forever, one fault away from an outage.
 * Commands: `nice -n 10 node --import tsx bench/mutants/run.ts --only <mutant> --runs 10000
 * --modes swarm,triggers --shrink-runs 300` (bench/mutants/RESULTS.md, session 3). Each case: the
 * mutant fails it with the sweep's trace hash; the real Raft passes it.
 */
import { describe, expect, it } from "vitest";
import { decodeCase, replayCase, runCase, type Case } from "@faultline/check";
import { mutantNamed, mutantSpace } from "../../../../bench/mutants/registry.js";
import { raftSpace, type RaftSearchConfig } from "../space.js";

const FOUND = [
  {
    // triggers mode, run 86, shrunk to one partition (n2 cut off 407–730 ms), 3 nodes, 2 entries per
    // AppendEntries: n2's conflicting entries make the leader back up one entry too few, the
    // same rejection comes back, and n2 stays at commit index 1 while the others reach 158.
    mutant: "raft-fast-backup-off-by-one",
    token: "fls1.VZBLT-QwEIT_S537QOaRyfi2SHBDgGD3suJgnM7ESmJb3Y5gNMp_X3lgxOzJ_VCX66sT9KiZJxiI7fK91Xxr3TCnx667PT4GBsFZZZgTOjuPWWH-njD40MIgWck--xhAsBlmc7MjdFEeFGa9WhMmqwPMdlMvb4Qs_nBgKQpvBP2wMhXZoqWlcGK1h-nsqExX2ibLzIT3Mbrhaj0XV9-d-28XOH9EufQLoZWYYKqa0M4JZksQjtKywDSEMSr_DnoMjtufGxdD5w_FV4gtFyACj-yKpQcfCuJqv_uZvSRh25Zxta8JPVvJ72zzkyvBVAQNNmkf82svrH0cW5iq2ZWMPu9CFs_6xPIrJS7RrghJ-E_MfMF3PbvheY4yT1fYnkP-8hZTeZuCZtvzpxVh4KOei9z7MJw931zOXv3Ecc5nx5tqISgX_s222dfNul6Wfw",
    traceHash: "38c12f3a81b5695a",
    stuck: /node n2 \(follower, term 2\) has commit index 1, node n1 158/,
  },
  {
    // swarm mode, run 700, no fault action: 4 nodes, a snapshot every 10 entries, 23 % reordering.
    // A reordered rejection sends n2 a snapshot it already holds entries past; n2 drops entry 11,
    // which the leader counts as acknowledged, so the leader resends from 12 forever.
    mutant: "raft-snapshot-install-drops-suffix",
    token: "fls1.VZDLTgMxDEX_xess5kGLyA4JFiwqFbWwQSzSxNOJJpNEtkdtVfXfUfqAsrOvbd1zfQQ-sOAIGsh0soomc5_kLbKYEF4oZV5NXef3oMAaRtBH6MwUhEF_fSsQ8tst0rXjnaGxrAw-Oi6FJcM96M4ERgXZkHjxKf4qm5DscDefisW1s_9mEWWX6NafFDhKGfRMgZsy6EoBYSKHBLppFYTE-BH5EC26vxubYue3BSwmhwz6QQEGtIVp4eOCQc8f_6RVJjSuqHWloEdDskEjSyug60YBX9-17gm5T8FdFkezf41CHnmJ9JwzRnd2yoSfSe4C9miH9ynRNN6F9hjLdxsFKfM5YIE4e1YKBjwUHAXS-zgUtPZ2tPYjpkkuuNVJAWPJXjft03zWVG19Ov0A",
    traceHash: "97a83d18e8fc0535",
    stuck: /node n2 \(follower, term 3\) has commit index 10, node n1 11/,
  },
];

describe.each(FOUND)("$mutant, as a sweep found it", ({ mutant, token, traceHash, stuck }) => {
  it("the mutant leaves a node behind for good once the faults stop; the replay gives the sweep's hash", async () => {
    const buggy = await mutantSpace(mutantNamed(mutant));
    const outcome = replayCase(buggy, token);
    expect(outcome.traceHash).toBe(traceHash);
    expect(outcome.failure).toMatch(/^check: the cluster never settled after the faults stopped/);
    expect(outcome.failure).toMatch(stuck);
  });

  it("the real Raft passes the same case", () => {
    expect(runCase(raftSpace, decodeCase(token).case as Case<RaftSearchConfig>).failure).toBeUndefined();
  });
});
