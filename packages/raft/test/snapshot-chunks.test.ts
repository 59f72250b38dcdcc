/**
 * InstallSnapshot in chunks, one reducer driven by hand (§7 and figure 13 of the extended paper):
 * a snapshot larger than `maxSnapshotChunkBytes` goes as slices of its machine state's JSON text,
 * which the follower assembles and installs on the last one; then the same over a simulated
 * cluster where a lagging follower needs a snapshot larger than a chunk.
 */
import { describe, expect, it } from "vitest";
import { simulate } from "@faultline/kernel";
import { raftCluster, resolveRaftConfig, validateMessage, type Entry, type RaftMessage, type RaftRecord } from "@faultline/raft";
import { entry, OneNode } from "./one-node.js";

type Chunk = Extract<RaftMessage, { type: "snapshot-chunk" }>;

const CAP = 100;
const machine = { data: { a: "x".repeat(120), b: "y".repeat(120) }, sessions: {} };
const TEXT = JSON.stringify(machine);

/** A leader of term 2 whose log was compacted up to index 5 (term 1) holding `machine`; n2 says it has nothing. */
function leaderWithSnapshot(cap = CAP): OneNode {
  const records: RaftRecord[] = [{ type: "snapshot", term: 1, votedFor: null, snapshot: { index: 5, term: 1, machine }, entries: [] }];
  const n = new OneNode({ records, config: { maxSnapshotChunkBytes: cap } }).timer("election");
  for (const peer of ["n2", "n3"]) if (n.state.role !== "leader") n.deliver(peer, { type: "vote-reply", term: 2, granted: true });
  expect(n.state.role).toBe("leader");
  return n.deliver("n2", { type: "append-reply", term: 2, success: false, match: 0, conflictIndex: 1 });
}

/** The chunks of `text` as a leader of `term` sends them. */
function chunksOf(text: string, index: number, snapTerm: number, term = 2, cap = CAP): Chunk[] {
  const out: Chunk[] = [];
  for (let offset = 0; offset < text.length; offset += cap) {
    const data = text.slice(offset, offset + cap);
    out.push({ type: "snapshot-chunk", term, lastIncludedIndex: index, lastIncludedTerm: snapTerm, offset, data, done: offset + cap >= text.length });
  }
  return out;
}

describe("InstallSnapshot in chunks: the leader", () => {
  it('"The leader uses a new RPC called InstallSnapshot to send snapshots to followers that are too far behind" — in chunks past the cap', () => {
    const n = leaderWithSnapshot();
    const [[to, first]] = n.sent("snapshot-chunk") as [[string, Chunk]];
    expect(to).toBe("n2");
    expect(first).toEqual({ type: "snapshot-chunk", term: 2, lastIncludedIndex: 5, lastIncludedTerm: 1, offset: 0, data: TEXT.slice(0, CAP), done: false });
    // Each answer asks for the next chunk, until the text is sent whole.
    let text = first.data;
    for (let offset = CAP; offset < TEXT.length; offset += CAP) {
      n.deliver("n2", { type: "snapshot-reply", term: 2, match: 0, index: 5, offset });
      const [[, chunk]] = n.sent("snapshot-chunk") as [[string, Chunk]];
      expect([chunk.offset, chunk.done]).toEqual([offset, offset + CAP >= TEXT.length]);
      text += chunk.data;
    }
    expect(text).toBe(TEXT);
    // Installed: entries follow from index 6 (the leader's no-op).
    n.deliver("n2", { type: "snapshot-reply", term: 2, match: 5 });
    expect(n.sent("append").map(([peer, m]) => [peer, m.prevIndex, m.entries.length])).toEqual([["n2", 5, 1]]);
    expect(n.state.progress.of("n2")).toMatchObject({ match: 5, next: 7 });
  });

  it("a snapshot within the cap still goes whole, in one message", () => {
    const n = leaderWithSnapshot(10_000);
    expect(n.sent("snapshot-chunk")).toEqual([]);
    expect(n.sent("snapshot").map(([, m]) => m.snapshot)).toEqual([{ index: 5, term: 1, machine }]);
  });

  it("an answer about an older snapshot restarts from the first chunk of the current one", () => {
    const n = leaderWithSnapshot();
    n.deliver("n2", { type: "snapshot-reply", term: 2, match: 0, index: 3, offset: 200 });
    expect(n.sent("snapshot-chunk").map(([, m]) => [m.lastIncludedIndex, m.offset])).toEqual([[5, 0]]);
  });
});

describe("InstallSnapshot in chunks: the follower (figure 13's receiver)", () => {
  const log: Entry[] = [entry(1), entry(1), entry(1), entry(2), entry(2), entry(2)];

  it('"Reply immediately if term < currentTerm"', () => {
    const n = OneNode.follower(3, log);
    n.deliver("n2", (chunksOf(TEXT, 8, 2) as Chunk[])[0] as Chunk);
    expect(n.sent()).toEqual([["n2", { type: "snapshot-reply", term: 3, match: 0 }]]);
    expect(n.state.incoming ?? null).toBeNull();
  });

  it('"Create new snapshot file if first chunk (offset is 0)", "Write data into snapshot file at given offset", "Reply and wait for more data chunks if done is false"', () => {
    const n = OneNode.follower(2, log);
    const chunks = chunksOf(TEXT, 8, 2);
    n.deliver("n2", chunks[0] as Chunk);
    expect(n.sent()).toEqual([["n2", { type: "snapshot-reply", term: 2, match: 0, index: 8, offset: CAP }]]);
    expect(n.state.incoming).toMatchObject({ index: 8, term: 2, received: CAP });
    expect([n.state.log.lastIndex, n.state.commitIndex]).toEqual([6, 0]); // nothing installed yet
    // A chunk at another offset than the one expected is a duplicate or out of order: dropped unanswered.
    n.deliver("n2", chunks[2] as Chunk);
    expect(n.sent()).toEqual([]);
    expect(n.state.incoming?.received).toBe(CAP);
    // The first chunk again (a heartbeat's): what is held is kept and the answer says where to resume.
    n.deliver("n2", chunks[0] as Chunk);
    expect(n.sent()).toEqual([["n2", { type: "snapshot-reply", term: 2, match: 0, index: 8, offset: CAP }]]);
    n.deliver("n2", chunks[1] as Chunk);
    expect(n.state.incoming?.received).toBe(2 * CAP);
  });

  it('"Save snapshot file, discard any existing or partial snapshot with a smaller index", "Discard the entire log", "Reset state machine using snapshot contents"', () => {
    const n = OneNode.follower(2, log);
    n.deliver("n2", chunksOf(TEXT, 7, 2)[0] as Chunk); // a partial snapshot at 7...
    expect(n.state.incoming).toMatchObject({ index: 7 });
    const chunks = chunksOf(TEXT, 8, 2); // ...replaced by the one at 8
    for (const c of chunks) n.deliver("n2", c);
    // The last chunk installs it: the log's index-8 entry is absent, so the whole log goes.
    expect(n.sent()).toEqual([["n2", { type: "snapshot-reply", term: 2, match: 8 }]]);
    expect(n.state.log.snapshot).toEqual({ index: 8, term: 2, machine });
    expect([n.state.log.lastIndex, n.state.commitIndex, n.state.lastApplied]).toEqual([8, 8, 8]);
    expect(n.state.machine).toEqual(machine);
    expect(n.state.incoming ?? null).toBeNull();
    expect(n.kinds()).toContain("compact");
    expect(n.kinds().indexOf("compact")).toBeLessThan(n.kinds().indexOf("send snapshot-reply")); // durable before the reply
  });

  it('"If existing log entry has same index and term as snapshot\'s last included entry, retain log entries following it and reply"', () => {
    const n = OneNode.follower(2, log);
    for (const c of chunksOf(TEXT, 4, 2)) n.deliver("n2", c);
    expect(n.state.log.snapshot.index).toBe(4);
    expect(n.state.log.lastIndex).toBe(6); // entries 5 and 6 kept
    expect(n.state.commitIndex).toBe(4);
  });

  it("a partial snapshot is discarded for the first chunk of a newer one; a late chunk of an older one is ignored", () => {
    const n = OneNode.follower(2, log);
    n.deliver("n2", chunksOf(TEXT, 8, 2)[0] as Chunk);
    n.deliver("n2", chunksOf(TEXT, 9, 2)[0] as Chunk);
    expect(n.state.incoming).toMatchObject({ index: 9, received: CAP });
    n.deliver("n2", chunksOf(TEXT, 8, 2)[1] as Chunk);
    expect(n.sent()).toEqual([]);
    expect(n.state.incoming).toMatchObject({ index: 9, received: CAP });
  });

  it("a chunk of a snapshot this node's commit index already covers is answered with that index", () => {
    const n = OneNode.follower(2, log);
    n.deliver("n2", { type: "append", term: 2, prevIndex: 6, prevTerm: 2, entries: [], commit: 6 });
    n.deliver("n2", chunksOf(TEXT, 5, 2)[1] as Chunk);
    expect(n.sent()).toEqual([["n2", { type: "snapshot-reply", term: 2, match: 6 }]]);
  });

  it("damaged data (not JSON once assembled) is not installed: the transfer starts over", () => {
    const n = OneNode.follower(2, log);
    for (const c of chunksOf(TEXT.slice(0, -1), 8, 2)) n.deliver("n2", c);
    expect(n.sent()).toEqual([["n2", { type: "snapshot-reply", term: 2, match: 0, index: 8, offset: 0 }]]);
    expect([n.state.log.lastIndex, n.state.commitIndex, n.state.incoming ?? null]).toEqual([6, 0, null]);
  });
});

describe("chunked snapshots: settings and wire checks", () => {
  it("maxSnapshotChunkBytes is validated like the other settings", () => {
    expect(resolveRaftConfig({}).maxSnapshotChunkBytes).toBe(256 * 1024);
    expect(() => resolveRaftConfig({ maxSnapshotChunkBytes: 0 })).toThrow(/maxSnapshotChunkBytes.*positive whole number/);
    expect(() => resolveRaftConfig({ maxSnapshotChunkBytes: 1.5 })).toThrow(/maxSnapshotChunkBytes/);
  });

  it("a chunk or a progress reply with a bad field is refused, naming it", () => {
    const good = chunksOf(TEXT, 8, 2)[0] as Chunk;
    expect(validateMessage(good)).toBeUndefined();
    expect(validateMessage({ ...good, data: 7 })).toBe("data: expected a string, got 7");
    expect(validateMessage({ ...good, offset: -1 })).toMatch(/^offset:/);
    expect(validateMessage({ ...good, done: "yes" })).toMatch(/^done:/);
    expect(validateMessage({ type: "snapshot-reply", term: 1, match: 0, offset: 5 })).toMatch(/^index:/);
  });
});

describe("chunked snapshots in a simulated cluster", () => {
  it("a follower behind a compacted log larger than a chunk catches up through the chunks", () => {
    const cluster = raftCluster({ nodes: 3, config: { snapshotThreshold: 5, maxSnapshotChunkBytes: 1_000 } });
    const big = "z".repeat(900);
    const r = simulate({
      seed: 7,
      nodes: cluster.nodes,
      invariants: cluster.invariants,
      plan: [
        { at: 1, type: "isolate", node: "n3" },
        { at: 3_000, type: "heal" },
      ],
      workload: ["n1", "n2"].flatMap((node) => Array.from({ length: 8 }, (_, i) => ({ at: 1_000 + i * 20, client: `c-${node}`, node, req: { op: "put" as const, key: `k${i}`, value: big } }))),
      trace: { full: true },
      maxTimeMs: 6_000,
    });
    expect(r.ok).toBe(true);
    const chunks = (r.trace ?? []).filter((e) => e.kind === "deliver" && (e.msg as RaftMessage).type === "snapshot-chunk").map((e) => e.msg as Chunk);
    expect(chunks.length).toBeGreaterThan(3);
    for (const c of chunks) expect(c.data.length).toBeLessThanOrEqual(1_000);
    expect(chunks.some((c) => c.done)).toBe(true);
    const n3 = r.view.node("n3").state as { machine: { data: Record<string, string> }; log: { snapshot: { index: number } } };
    expect(Object.keys(n3.machine.data).sort()).toEqual(["k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7"]);
    expect(n3.log.snapshot.index).toBeGreaterThan(0);
  });
});
