/** Courseware-style Raft scenarios, each a seeded simulation (so each is exactly reproducible). */
import { describe, expect, it } from "vitest";
import { ConfigError, type TraceEvent } from "@faultline/kernel";
import { resolveRaftConfig, type KvResponse, type RaftMessage } from "@faultline/raft";
import { put, startRaft } from "./harness.js";

const msgType = (e: TraceEvent) => (e.msg as RaftMessage | undefined)?.type;
const okReplies = (history: readonly { res?: unknown }[]) => history.filter((h) => (h.res as KvResponse | undefined)?.ok === true).length;

describe("election", () => {
  it("elects one leader that all nodes follow, and keeps it while nothing fails", () => {
    const r = startRaft({ nodes: 3 });
    r.sim.runUntil(1_000);
    const leader = r.leader() as string;
    expect(r.leaders()).toHaveLength(1);
    const term = r.state(leader)?.term;
    for (const id of r.cluster.ids) expect(r.state(id)?.term).toBe(term);
    r.sim.runUntil(5_000);
    expect(r.leaders()).toEqual([leader]);
    expect(r.state(leader)?.term).toBe(term);
    expect(r.sim.result().ok).toBe(true);
  });

  it("needs only a few dozen messages to elect a leader of 3", () => {
    const r = startRaft({ nodes: 3, trace: true });
    while (r.leader() === undefined) r.sim.step();
    const messages = (r.sim.result().trace ?? []).filter((e) => e.kind === "deliver").length;
    expect(messages).toBeGreaterThan(0);
    expect(messages).toBeLessThanOrEqual(30);
  });

  it("re-elects when the leader is cut off, and the old leader rejoins as a follower", () => {
    const r = startRaft({ nodes: 3, seed: "reelect" });
    r.sim.runUntil(1_000);
    const old = r.leader() as string;
    r.sim.inject({ at: r.sim.time, type: "isolate", node: old });
    r.sim.runUntil(3_000);
    const fresh = r.leaders().filter((id) => id !== old);
    expect(fresh).toHaveLength(1);
    expect(r.state(fresh[0] as string)?.term).toBeGreaterThan(r.state(old)?.term ?? 0);
    // CheckQuorum: the cut-off leader stepped down on its own.
    expect(r.state(old)?.role).not.toBe("leader");
    r.sim.inject({ at: r.sim.time, type: "heal" });
    r.sim.runUntil(5_000);
    expect(r.leaders()).toEqual(fresh);
    expect(r.state(old)?.leader).toBe(fresh[0]);
    expect(r.sim.result().ok).toBe(true);
  });

  it("PreVote: a node back from a partition does not depose a healthy leader", () => {
    const r = startRaft({ nodes: 3, seed: "prevote" });
    r.sim.runUntil(1_000);
    const leader = r.leader() as string;
    const follower = r.cluster.ids.find((id) => id !== leader) as string;
    const term = r.state(leader)?.term;
    r.sim.inject({ at: r.sim.time, type: "isolate", node: follower });
    r.sim.runUntil(4_000); // it keeps timing out, but pre-votes fail: its term does not move
    expect(r.state(follower)?.term).toBe(term);
    r.sim.inject({ at: r.sim.time, type: "heal" });
    r.sim.runUntil(6_000);
    expect(r.leaders()).toEqual([leader]);
    expect(r.state(leader)?.term).toBe(term);
  });
});

describe("agreement", () => {
  it("commits a command on every node, with about N x (nodes - 1) appends", () => {
    const r = startRaft({ nodes: 3, seed: "agree", trace: true });
    r.sim.runUntil(1_000);
    const leader = r.leader() as string;
    const before = (r.sim.result().trace ?? []).filter((e) => e.kind === "deliver" && msgType(e) === "append").length;
    const n = 20;
    for (let i = 0; i < n; i++) r.sim.request(leader, "c", { op: "put", key: `k${i}`, value: `${i}` }, 1_000 + i * 20);
    r.sim.runUntil(1_000 + n * 20 + 100);
    const result = r.sim.result();
    expect(okReplies(result.history)).toBe(n);
    for (const id of r.cluster.ids) expect(r.committed(id).filter((c) => (c as { op: string }).op === "put")).toHaveLength(n);
    const appends = (result.trace ?? []).filter((e) => e.kind === "deliver" && msgType(e) === "append").length - before;
    const window = n * 20 + 100;
    const heartbeats = Math.ceil(window / 50) * 2;
    expect(appends).toBeLessThanOrEqual(n * 2 + heartbeats + 4);
    expect(appends).toBeGreaterThanOrEqual(n * 2);
  });

  it("does not commit without a majority, and commits once it is back", () => {
    const r = startRaft({ nodes: 5, seed: "minority", config: { checkQuorum: false } });
    r.sim.runUntil(1_000);
    const leader = r.leader() as string;
    const followers = r.cluster.ids.filter((id) => id !== leader);
    for (const f of followers.slice(0, 3)) r.sim.inject({ at: r.sim.time, type: "isolate", node: f });
    const commit = r.state(leader)?.commitIndex;
    r.sim.request(leader, "c", { op: "put", key: "x", value: "1" });
    r.sim.runUntil(3_000);
    expect(r.state(leader)?.commitIndex).toBe(commit);
    expect(r.sim.result().history.at(-1)?.completedAt).toBeUndefined();
    r.sim.inject({ at: r.sim.time, type: "heal" });
    r.sim.runUntil(5_000);
    const last = r.sim.result().history.at(-1);
    // The entry commits under this leader, or a new leader took over and the old one said so.
    expect(last?.completedAt).toBeDefined();
    expect(r.sim.result().ok).toBe(true);
  });

  it("a partitioned old leader's uncommitted entries are replaced when it rejoins", () => {
    const r = startRaft({ nodes: 5, seed: "rejoin" });
    r.sim.runUntil(1_000);
    const old = r.leader() as string;
    r.sim.inject({ at: r.sim.time, type: "isolate", node: old });
    for (let i = 0; i < 5; i++) r.sim.request(old, "lost", { op: "put", key: "x", value: `lost${i}` });
    r.sim.runUntil(2_500);
    const fresh = r.leaders().find((id) => id !== old) as string;
    expect(fresh).toBeDefined();
    for (let i = 0; i < 5; i++) r.sim.request(fresh, "kept", { op: "put", key: "x", value: `kept${i}` }, r.sim.time + i);
    r.sim.runUntil(3_000);
    r.sim.inject({ at: r.sim.time, type: "heal" });
    r.sim.runUntil(5_000);
    const result = r.sim.result();
    expect(result.ok).toBe(true);
    for (const h of result.history.filter((h) => h.client === "lost")) expect((h.res as KvResponse | undefined)?.ok).not.toBe(true);
    const values = r.cluster.ids.map((id) => (r.state(id)?.machine as { data: Record<string, string> }).data.x);
    expect(new Set(values)).toEqual(new Set(["kept4"]));
  });

  it("backs up fast over many divergent entries (one round per term, not per entry)", () => {
    const r = startRaft({ nodes: 5, seed: "backup", trace: true });
    r.sim.runUntil(1_000);
    const old = r.leader() as string;
    const [f1, f2, f3, f4] = r.cluster.ids.filter((id) => id !== old) as [string, string, string, string];
    // The old leader and one follower take 50 entries that never commit.
    r.sim.inject({ at: r.sim.time, type: "partition", groups: [[old, f1], [f2, f3, f4]] });
    for (let i = 0; i < 50; i++) r.sim.request(old, "a", { op: "put", key: "x", value: `a${i}` }, r.sim.time + i);
    r.sim.runUntil(3_000);
    const fresh = r.leaders().find((id) => id !== old && id !== f1) as string;
    for (let i = 0; i < 50; i++) r.sim.request(fresh, "b", { op: "put", key: "y", value: `b${i}` }, r.sim.time + i);
    r.sim.runUntil(4_000);
    const t0 = r.sim.time;
    r.sim.inject({ at: t0, type: "heal" });
    r.sim.runUntil(6_000);
    const rejections = (r.sim.result().trace ?? []).filter(
      (e) => e.t >= t0 && e.kind === "deliver" && msgType(e) === "append-reply" && !(e.msg as { success: boolean }).success && (e.from === old || e.from === f1),
    ).length;
    expect(rejections).toBeLessThanOrEqual(6);
    const logs = r.cluster.ids.map((id) => JSON.stringify(r.committed(id)));
    expect(new Set(logs).size).toBe(1);
    expect(r.sim.result().ok).toBe(true);
  });
});

describe("persistence", () => {
  it("loses nothing committed when every node crashes and restarts", () => {
    const r = startRaft({ nodes: 3, seed: "allcrash", workload: Array.from({ length: 30 }, (_, i) => put(1_000 + i * 10, "n1", `k${i}`, `${i}`)) });
    r.sim.runUntil(1_000);
    const leader = r.leader() as string;
    r.sim.runUntil(2_000);
    const acked = r.sim.result().history.filter((h) => (h.res as KvResponse | undefined)?.ok === true).map((h) => (h.req as { key: string }).key);
    expect(leader).toBeDefined();
    for (const id of r.cluster.ids) r.sim.inject({ at: r.sim.time, type: "crash", node: id });
    r.sim.runUntil(2_500);
    for (const id of r.cluster.ids) r.sim.inject({ at: r.sim.time, type: "restart", node: id });
    r.sim.runUntil(4_500);
    const fresh = r.leader() as string;
    expect(fresh).toBeDefined();
    const data = (r.state(fresh)?.machine as { data: Record<string, string> }).data;
    for (const key of acked) expect(data[key], key).toBeDefined();
    expect(r.sim.result().ok).toBe(true);
  });

  it("keeps bounded records with snapshots, and a lagging follower catches up by InstallSnapshot", () => {
    const r = startRaft({ nodes: 3, seed: "snap", trace: true, config: { snapshotThreshold: 20 } });
    r.sim.runUntil(1_000);
    const leader = r.leader() as string;
    const lagging = r.cluster.ids.find((id) => id !== leader) as string;
    r.sim.inject({ at: r.sim.time, type: "crash", node: lagging });
    for (let i = 0; i < 100; i++) r.sim.request(leader, "c", { op: "put", key: `k${i % 7}`, value: `${i}` }, 1_000 + i * 5);
    r.sim.runUntil(2_000);
    expect(r.sim.node(leader).records.length).toBeLessThanOrEqual(25);
    r.sim.inject({ at: r.sim.time, type: "restart", node: lagging });
    r.sim.runUntil(3_000);
    const trace = r.sim.result().trace ?? [];
    expect(trace.some((e) => e.kind === "deliver" && e.node === lagging && msgType(e) === "snapshot")).toBe(true);
    expect(r.state(lagging)?.machine).toEqual(r.state(leader)?.machine);
    expect(r.state(lagging)?.lastApplied).toBe(r.state(leader)?.lastApplied);
    expect(r.sim.result().ok).toBe(true);
  });
});

describe("clients", () => {
  it("redirects a client that asks a follower to the leader", () => {
    const r = startRaft({ nodes: 3, seed: "redirect" });
    r.sim.runUntil(1_000);
    const leader = r.leader() as string;
    const follower = r.cluster.ids.find((id) => id !== leader) as string;
    r.sim.request(follower, "c", { op: "get", key: "x" });
    r.sim.runUntil(1_100);
    expect(r.sim.result().history.at(-1)?.res).toEqual({ ok: false, redirect: leader });
  });

  it("applies a retried session request once, and answers it with the first result", () => {
    const r = startRaft({ nodes: 3, seed: "session" });
    r.sim.runUntil(1_000);
    const leader = r.leader() as string;
    const session = { client: "c", seq: 1 };
    r.sim.request(leader, "c", { op: "put", key: "x", value: "1", session });
    r.sim.request(leader, "c", { op: "delete", key: "x", session: { client: "c", seq: 2 } }, 1_100);
    r.sim.request(leader, "c", { op: "put", key: "x", value: "1", session }, 1_200); // a late duplicate of seq 1
    r.sim.request(leader, "d", { op: "get", key: "x" }, 1_300);
    r.sim.runUntil(1_500);
    const history = r.sim.result().history;
    expect(history.map((h) => h.res)).toEqual([{ ok: true }, { ok: true }, { ok: false, error: "stale request: seq 1 after 2" }, { ok: true }]);
    expect((r.state(leader)?.machine as { data: Record<string, string> }).data).toEqual({});
  });

  it("reads what was written (reads go through the log)", () => {
    const r = startRaft({ nodes: 3, seed: "read" });
    r.sim.runUntil(1_000);
    const leader = r.leader() as string;
    r.sim.request(leader, "c", { op: "put", key: "x", value: "42" });
    r.sim.request(leader, "c", { op: "get", key: "x" }, 1_001);
    r.sim.runUntil(1_200);
    expect(r.sim.result().history.map((h) => h.res)).toEqual([{ ok: true }, { ok: true, value: "42" }]);
  });
});

describe("configuration", () => {
  it.each([
    [{ electionTimeoutMinMs: 0 }, "electionTimeoutMinMs"],
    [{ electionTimeoutMinMs: 300, electionTimeoutMaxMs: 200 }, "electionTimeoutMaxMs"],
    [{ heartbeatIntervalMs: 500 }, "heartbeatIntervalMs"],
    [{ snapshotThreshold: 1.5 }, "snapshotThreshold"],
    [{ preVote: "yes" }, "preVote"],
    [{ bugs: { commitPreviousTermByCount: true } }, "bugs"],
  ])("rejects %j naming %s", (input, field) => {
    expect(() => resolveRaftConfig(input as never)).toThrow(ConfigError);
    expect(() => resolveRaftConfig(input as never)).toThrow(field);
  });
});

