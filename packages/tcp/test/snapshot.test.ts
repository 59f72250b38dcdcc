/**
 * A snapshot larger than a TCP frame reaches a lagging follower: the leader sends it in chunks
 * (Raft's maxSnapshotChunkBytes), each within the runtime's 1 MiB frames.
 */
import { afterEach, describe, expect, it } from "vitest";
import { raftProtocol } from "@faultline/raft";
import { request } from "@faultline/tcp";
import { raftCluster } from "./helpers.js";

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

/** Role, commit index and snapshot index, as `status` shows them. */
const describe3 = (s: unknown) => {
  const r = s as { role: string; term: number; commitIndex: number; log: { snapshot: { index: number } }; machine: unknown };
  return { role: r.role, term: r.term, commit: r.commitIndex, snapshotIndex: r.log.snapshot.index, machineBytes: JSON.stringify(r.machine).length };
};

async function bigSnapshotCluster(chunk?: number) {
  const protocol = raftProtocol({ electionTimeoutMinMs: 150, electionTimeoutMaxMs: 300, heartbeatIntervalMs: 30, snapshotThreshold: 3, ...(chunk === undefined ? {} : { maxSnapshotChunkBytes: chunk }) });
  const c = await raftCluster(["n1", "n2", "n3"], { describe: describe3, protocol });
  cleanup.push(c.closeAll);
  await Promise.all(["n1", "n2", "n3"].map((id) => c.start(id)));
  return c;
}

type Cluster = Awaited<ReturnType<typeof bigSnapshotCluster>>;
const stateOf = (c: Cluster, id: string) => (c.running.get(id)?.status().state ?? {}) as Partial<ReturnType<typeof describe3>>;

async function putAnywhere(c: Cluster, key: string, value: string, seq: number): Promise<unknown> {
  let last: unknown;
  for (let i = 0; i < 20; i++) {
    const port = c.running.get(await c.leader())?.port as number;
    last = await request({ host: "127.0.0.1", port }, "writer", { op: "put", key, value, session: { client: "writer", seq } }, 10_000).catch((e: Error) => e.message);
    if ((last as { ok?: boolean }).ok) return last;
  }
  return last;
}

/** Lags a follower behind 5 puts of 300 KB (a compacted log: a 1.5 MB snapshot), restarts everyone but the third node, and waits for the follower's commit index. */
async function lagAndCatchUp(c: Cluster): Promise<{ lagging: string; target: number }> {
  const leader0 = await c.leader();
  const follower = ["n1", "n2", "n3"].find((n) => n !== leader0) as string;
  await c.stop(follower);
  for (let i = 0; i < 5; i++) expect(await putAnywhere(c, `big${i}`, "x".repeat(300_000), i + 1)).toEqual({ ok: true });
  const leader = await c.leader();
  const target = stateOf(c, leader).commit as number;
  expect(stateOf(c, leader).snapshotIndex).toBeGreaterThan(1);
  expect(stateOf(c, leader).machineBytes).toBeGreaterThan(1 << 20); // more than one frame holds
  // The leader restarts too, so no frame queued for the follower survives: it needs the snapshot.
  await c.stop(leader);
  await c.start(follower);
  await c.start(leader);
  const deadline = Date.now() + 20_000;
  while ((stateOf(c, follower).commit ?? -1) < target && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  return { lagging: follower, target };
}

describe("a snapshot larger than a frame", () => {
  it("reaches a lagging follower in chunks over TCP; nothing is refused for size", async () => {
    const c = await bigSnapshotCluster();
    const { lagging, target } = await lagAndCatchUp(c);
    expect(stateOf(c, lagging).commit).toBeGreaterThanOrEqual(target);
    expect(stateOf(c, lagging).snapshotIndex).toBeGreaterThan(1); // installed a snapshot, not replayed entries
    expect(stateOf(c, lagging).machineBytes).toBeGreaterThan(1 << 20);
    expect(c.logs.filter((l) => l.msg === "message not sent: it does not fit in a frame")).toEqual([]);
    expect(await putAnywhere(c, "after", "small", 6)).toEqual({ ok: true });
  }, 60_000);
});
