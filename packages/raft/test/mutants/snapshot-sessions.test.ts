/**
 * `raft-snapshot-forgets-sessions` (bench/mutants/registry.ts: the snapshot carries the key-value
 * data but not the client session table) is observable from outside: a node restored from such a
 * snapshot applies a retried write a second time, over a later write to the same key, and a read
 * it serves sees the older value again. This case comes from a probe over a contended corner
 * (bench/mutants/focused.ts's `CONTENDED` configurations, triggers cases drawn by `fc.sample`),
 * made when the full Raft space drew such workloads about once in 40,000 configurations; the
 * space now draws a contended workload in half its runs, and its triggers sweeps find the bug
 * within 2,475–6,551 runs (bench/mutants/RESULTS.md, rows/sessions.jsonl). The probe
 * found this case at its 708th case: 3 nodes, a snapshot every 3 entries, client timeouts of 103 ms, 23 % message loss,
 * n1 paused from 2304 ms until the faults stop. The mutant's history is not linearizable (c1 reads
 * its write c1-3 again after later writes); the real Raft passes the same case.
 */
import { describe, expect, it } from "vitest";
import { decodeCase, replayCase, type Case } from "@faultline/check";
import { mutantNamed, mutantSpace } from "../../../../bench/mutants/registry.js";
import { raftSpace, type RaftSearchConfig } from "../space.js";

const found = "fls1.TZG9buswDIXfhTMH_ya2tjvcbgVapO1SdFBlOhZsSwIpow0Cv3shI3G7iYc41MfDK8hFIs2ggHUfT04HGXx88HymKCcSsd4JIBgtBOoKvV6mKKDerzBa14GCoBchQNARVFFmFULv-VFAlYfigOB8R6CyFXeDo_jlebxZymNV7JaiqmuEjn0AlbcI3RJANQhMnjtiUGW2fiBEtuczccL4QJAvzXNiS_MlPQxrGUD1ehJCCJqjjda7XfmcvBlBRV62duK_FeZv5w66leudqyhvXNkfrgph8kKvTi7OULdbjHe9PSemlEMKBYEmMgnn0bq0c35sf7VTYNJdkqsWYSDN8ZN0fDIpqRpBbgd6GZhk8FO3TZz1938X2ZI8Ef8LgVLOOUJgevOR9r3NQGZ8Xjwv8682WXLpohWCD4nwmPbS3fZn3SCMdJFtXBysGzfk9u57sTP5JW5iVq4IQmn7vKmzQ942TbOuPw";

describe("raft-snapshot-forgets-sessions, as a focused sweep found it", () => {
  it("a retried write applied twice after a snapshot restore: the client history is not linearizable", async () => {
    const buggy = await mutantSpace(mutantNamed("raft-snapshot-forgets-sessions"));
    const outcome = replayCase(buggy, found);
    expect(outcome.traceHash).toBe("ef2ef2511ac99124");
    expect(outcome.failure).toMatch(/^check: client history not linearizable: .*get\("k0"\) -> "c1-3"/);
  });

  it("the real Raft passes the same case", () => {
    expect(replayCase(raftSpace, decodeCase(found).case as Case<RaftSearchConfig>)).toEqual({ traceHash: "163c27b84a56aecb" });
  });
});
