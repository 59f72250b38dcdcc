/**
 * `raft-snapshot-forgets-sessions` (bench/mutants/registry.ts: the snapshot carries the key-value
 * data but not the client session table) is observable from outside: a node restored from such a
 * snapshot applies a retried write a second time, over a later write to the same key, and a read
 * it serves sees the older value again. This case comes from a probe over a contended corner
 * (bench/mutants/focused.ts's `CONTENDED` configurations, triggers cases drawn by `fc.sample`),
 * made when the full Raft space drew such workloads about once in 40,000 configurations; the
 * space now draws a contended workload in half its runs, and its triggers sweeps find the bug
 * within 2,475–6,551 runs (bench/mutants/RESULTS.md, rows/sessions.jsonl). This case is the one
 * `node --import tsx bench/mutants/focused.ts raft-snapshot-forgets-sessions triggers 10000 2`
 * found at its 1,406th run, once a leader stopped sending a lagging follower the snapshot with
 * every proposal (the case found before depended on those extra snapshots): 3 nodes, a snapshot
 * every 5 entries, client timeouts of 117 ms, 30 % message loss and reordering, 3 % duplicates, no
 * crash at all. The mutant's history is not linearizable (c3 reads c1's write c1-14 again after
 * later writes); the real Raft passes the same case.
 */
import { describe, expect, it } from "vitest";
import { decodeCase, replayCase, type Case } from "@faultline/check";
import { mutantNamed, mutantSpace } from "../../../../bench/mutants/registry.js";
import { raftSpace, type RaftSearchConfig } from "../space.js";

const found = "fls1.VZC9bsMwDITfhbOGJq3TQFuHdguQImmXooMi0bZgWxRIGmkQ-N0L5adJN95RB36nI8hBFAewwK7WTXJZWtI34gZVNigSKQkY8E4Q7BFqN_YqYL--DSjHpkG-KNk7HsqTLqYgZfDspAVbu17QQHasUSOlP2fXk-_u9mM5cVH-3y6h7omvejIQmDLYxwcDYSyDAUbigHw2exL8SHJIHsMt5CnVsSlkiQLKKYY9-gK1imklYBfzm7XJjC4Ud7ZYGmjRse7Q6dor2KoyIJff2raM0lIfwFYGBvfzmpQjyhr5JWdMAezcQGb8JL1r2KLv3kficbhrHTHpmYyynMsUitPNIjo8FCAD2sbUFbj58prbxgFp1BPx7HkyIFjqP03TLw";

describe("raft-snapshot-forgets-sessions, as a focused sweep found it", () => {
  it("a retried write applied twice after a snapshot restore: the client history is not linearizable", async () => {
    const buggy = await mutantSpace(mutantNamed("raft-snapshot-forgets-sessions"));
    const outcome = replayCase(buggy, found);
    expect(outcome.traceHash).toBe("7b383b635cf20419");
    expect(outcome.failure).toMatch(/^check: client history not linearizable: .*get\("k0"\) -> "c1-14"/);
  });

  it("the real Raft passes the same case", () => {
    expect(replayCase(raftSpace, decodeCase(found).case as Case<RaftSearchConfig>)).toEqual({ traceHash: "6ca45346be4f0ddd" });
  });
});
