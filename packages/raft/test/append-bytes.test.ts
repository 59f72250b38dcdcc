/**
 * A leader caps each AppendEntries in bytes as well as in entries: a follower that fell behind
 * big writes catches up in batches that fit a transport's frames (the TCP runtime's are 1 MiB),
 * one oversized entry still going alone.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { simulate } from "@faultline/kernel";
import { raftCluster, resolveRaftConfig, type Entry, type RaftMessage } from "@faultline/raft";
import { OneNode } from "./one-node.js";

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

  it("a batch is exactly the longest run whose commands' JSON fits the cap (the fast bound never decides otherwise), whatever the text", () => {
    // Strings full of escapes and astral characters: their JSON is up to 6 units per unit.
    const text = fc.string({ unit: fc.constantFrom("a", "\n", '"', "\\", "\u0001", "é", "😀", "\ud800"), minLength: 20, maxLength: 120 });
    const leader = (cap: number, writes: readonly { key: string; value: string }[]): OneNode => {
      const n = new OneNode({ config: { maxBytesPerAppend: cap } }).timer("election");
      n.deliver("n2", { type: "vote-reply", term: n.state.term, granted: true });
      writes.forEach((w, i) => n.request({ op: "put", key: w.key, value: w.value }, "c", i + 1));
      return n;
    };
    fc.assert(
      // Caps around the whole log's exact size, where a loose bound would decide wrongly.
      fc.property(fc.array(fc.record({ key: text, value: text }), { minLength: 1, maxLength: 6 }), fc.integer({ min: -120, max: 20 }), (writes, delta) => {
        const total = leader(1, writes)
          .state.log.entries(1)
          .reduce((sum, e) => sum + JSON.stringify(e.command).length, 0);
        const cap = Math.max(1, total + delta);
        const n = leader(cap, writes);
        // n2 holds nothing: the leader sends from its first entry, as much as the cap allows.
        n.deliver("n2", { type: "append-reply", term: n.state.term, success: false, match: 0, conflictIndex: 1 });
        const [[, append]] = n.sent("append") as [[string, Extract<RaftMessage, { type: "append" }>]];
        const all: Entry[] = n.state.log.entries(1);
        let fit = all.length;
        let bytes = 0;
        for (let i = 0; i < all.length; i++) {
          bytes += JSON.stringify((all[i] as Entry).command).length;
          if (bytes > cap && i > 0) {
            fit = i;
            break;
          }
        }
        expect(append.entries.length).toBe(fit);
      }),
      { numRuns: 300, seed: 14 },
    );
  });
});
