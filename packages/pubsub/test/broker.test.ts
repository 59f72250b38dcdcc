import { describe, expect, it } from "vitest";
import type { PubSubResponse } from "@faultline/pubsub";
import { startPubSub } from "./harness.js";

const res = (r: ReturnType<typeof startPubSub>, client: string) => r.sim.result().history.filter((h) => h.client === client).map((h) => h.res as PubSubResponse | undefined);

describe("brokers on Raft", () => {
  it("the leader appends; followers redirect to it", () => {
    const r = startPubSub({ seed: 1 });
    r.sim.runUntil(1_500);
    const leader = r.leader() as string;
    const follower = r.cluster.ids.find((id) => id !== leader) as string;
    r.sim.request(follower, "c1", { op: "publish", topic: "t", producer: "p", seq: 1, payload: "x" }, 1_500);
    r.sim.request(leader, "c2", { op: "publish", topic: "t", producer: "p", seq: 1, payload: "x" }, 1_500);
    r.sim.runUntil(2_000);
    expect(res(r, "c1")[0]).toEqual({ ok: false, redirect: leader });
    expect(res(r, "c2")[0]).toMatchObject({ ok: true, op: "publish", offset: 0, duplicate: false });
    for (const id of r.cluster.ids) expect(r.machine(id)?.topics.t?.length).toBe(1);
  });

  it("a publish retried at a new leader after the old one crashed appears once; the dedup table survives snapshots and restarts", () => {
    const r = startPubSub({ seed: 2, config: { raft: { snapshotThreshold: 3 } } });
    r.sim.runUntil(1_500);
    const first = r.leader() as string;
    for (let seq = 1; seq <= 6; seq++) r.sim.request(first, `a${seq}`, { op: "publish", topic: "t", producer: "p", seq, payload: `m${seq}` }, 1_500 + seq * 20);
    r.sim.runUntil(2_000);
    // Every broker snapshotted the dedup table; crash all, restart all: only the snapshots remain.
    for (const id of r.cluster.ids) expect(r.state(id)?.raft.log.snapshot.index).toBeGreaterThan(0);
    for (const id of r.cluster.ids) r.sim.inject({ at: r.sim.time, type: "crash", node: id });
    for (const id of r.cluster.ids) r.sim.inject({ at: r.sim.time, type: "restart", node: id });
    r.sim.runUntil(4_000);
    const leader = r.leader() as string;
    r.sim.request(leader, "retry", { op: "publish", topic: "t", producer: "p", seq: 6, payload: "m6" }, 4_000);
    r.sim.runUntil(4_500);
    expect(res(r, "retry")[0]).toMatchObject({ ok: true, offset: 5, duplicate: true });
    expect(r.machine(leader)?.topics.t?.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(r.sim.result().violation).toBeUndefined();
  });

  it("a lagging broker catches up through InstallSnapshot", () => {
    const r = startPubSub({ seed: 3, config: { raft: { snapshotThreshold: 4 } } });
    r.sim.runUntil(1_500);
    const leader = r.leader() as string;
    const lagging = r.cluster.ids.find((id) => id !== leader) as string;
    r.sim.inject({ at: r.sim.time, type: "crash", node: lagging });
    for (let seq = 1; seq <= 12; seq++) r.sim.request(leader, `a${seq}`, { op: "publish", topic: "t", producer: "p", seq, payload: `m${seq}` }, 1_500 + seq * 10);
    r.sim.runUntil(2_500);
    r.sim.inject({ at: r.sim.time, type: "restart", node: lagging });
    r.sim.runUntil(4_000);
    expect(r.machine(lagging)?.topics.t?.map((m) => m.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(r.machine(lagging)?.producers.p?.last).toBe(12);
  });

  it("STATUS reports role, leader and each peer's suspicion; a crashed peer becomes suspected and refusals name it", () => {
    const r = startPubSub({ seed: 4 });
    r.sim.runUntil(1_500);
    const leader = r.leader() as string;
    const [a, b] = r.cluster.ids.filter((id) => id !== leader) as [string, string];
    r.sim.request(a, "s1", { op: "status" }, 1_500);
    r.sim.runUntil(1_600);
    const s1 = res(r, "s1")[0];
    expect(s1).toMatchObject({ ok: true, op: "status", role: "follower", leader });
    if (s1?.ok && s1.op === "status") for (const p of Object.values(s1.peers)) expect(p.suspected).toBe(false);
    r.sim.inject({ at: r.sim.time, type: "crash", node: b });
    r.sim.request(a, "s2", { op: "status" }, 3_000);
    r.sim.request(a, "p", { op: "publish", topic: "t", producer: "p", seq: 1, payload: "x" }, 3_000);
    r.sim.runUntil(3_100);
    const s2 = res(r, "s2")[0];
    if (!(s2?.ok && s2.op === "status")) throw new Error("no status");
    expect(s2.peers[b]?.suspected).toBe(true);
    expect(s2.peers[leader]?.suspected).toBe(false);
    expect(res(r, "p")[0]).toEqual({ ok: false, redirect: leader, suspects: [b] });
  });

  it("refuses bad requests naming the field", () => {
    const r = startPubSub({ seed: 5 });
    r.sim.runUntil(1_500);
    const leader = r.leader() as string;
    r.sim.request(leader, "b1", { op: "publish", topic: "x".repeat(65), producer: "p", seq: 1, payload: "" }, 1_500);
    r.sim.request(leader, "b2", { op: "publish", topic: "t", producer: "p", seq: 0, payload: "" }, 1_500);
    r.sim.request(leader, "b3", { op: "nope" } as never, 1_500);
    r.sim.runUntil(1_600);
    expect(res(r, "b1")[0]).toEqual({ ok: false, error: "topic: longer than 64 characters (65)" });
    expect(res(r, "b2")[0]).toMatchObject({ ok: false, error: expect.stringContaining("seq: expected a whole number in [1,") });
    expect(res(r, "b3")[0]).toMatchObject({ ok: false, error: expect.stringContaining("op: expected one of") });
  });
});
