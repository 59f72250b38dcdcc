/**
 * A leader caps each AppendEntries in bytes as well as in entries: a follower that fell behind
 * big writes catches up in batches that fit a transport's frames (the TCP runtime's are 1 MiB),
 * one oversized entry still going alone.
 */
import { describe, expect, it } from "vitest";
import { simulate } from "@faultline/kernel";
import { raftCluster, resolveRaftConfig, type RaftMessage } from "@faultline/raft";

describe("AppendEntries byte cap", () => {
  it("splits a lagging follower's catch-up into batches within maxBytesPerAppend, and it catches up", () => {
    const cluster = raftCluster({ nodes: 3, config: { maxBytesPerAppend: 5_000 } });
    const big = "x".repeat(2_000);
    const r = simulate({
      seed: 3,
      nodes: cluster.nodes,
      invariants: cluster.invariants,
      // n3 is away while six 2 KB writes commit, then comes back and must catch up.
      plan: [
        { at: 1, type: "isolate", node: "n3" },
        { at: 2_000, type: "heal" },
      ],
      // Each write goes to both reachable nodes: the leader takes it, a follower redirects.
      workload: ["n1", "n2"].flatMap((node) => Array.from({ length: 6 }, (_, i) => ({ at: 1_000 + i * 10, client: `c-${node}`, node, req: { op: "put" as const, key: `k${i}`, value: big } }))),
      trace: { full: true },
      maxTimeMs: 4_000,
    });
    expect(r.ok).toBe(true);
    const appends = (r.trace ?? []).filter((e) => e.kind === "deliver" && (e.msg as RaftMessage).type === "append").map((e) => e.msg as Extract<RaftMessage, { type: "append" }>);
    const sizes = appends.map((m) => m.entries.reduce((n, e) => n + JSON.stringify(e.command).length, 0));
    expect(Math.max(...appends.map((m) => m.entries.length))).toBeGreaterThan(1); // batching still happens
    for (const [i, m] of appends.entries()) if (m.entries.length > 1) expect(sizes[i]).toBeLessThanOrEqual(5_000);
    // Every node ends with all six writes, n3 included.
    const n3 = r.view.node("n3").state as { machine: { data: Record<string, string> } } | undefined;
    const leaderData = r.view.nodes.map((n) => (n.state as { machine: { data: Record<string, string> } } | undefined)?.machine.data).find((d) => d && Object.keys(d).length === 6);
    expect(leaderData).toBeDefined();
    expect(Object.keys(n3?.machine.data ?? {}).sort()).toEqual(["k0", "k1", "k2", "k3", "k4", "k5"]);
  });

  it("is validated like the other settings", () => {
    expect(() => resolveRaftConfig({ maxBytesPerAppend: 0 })).toThrow(/maxBytesPerAppend/);
    expect(resolveRaftConfig({}).maxBytesPerAppend).toBe(256 * 1024);
  });
});
