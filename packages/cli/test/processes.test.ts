/** Real processes on 127.0.0.1: two-phase commit and Raft over TCP, with kill -9 and restarts. */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { beginTransaction, kvRequest, type Cluster } from "@faultline/cli";
import { foldRecords, kvStateMachine, type RaftRecord } from "@faultline/raft";
import { readLog } from "@faultline/tcp";
import { participantLog, type ParticipantRecord } from "@faultline/two-phase-commit";
import { faultline, killAll, makeCluster, startProcess } from "./procs.js";

afterEach(() => killAll());

/** A participant's durable state for `tx`, read from its log file ("working" if it never heard of it). */
const stateOf = (dataDir: string, tx: string) => participantLog(readLog(dataDir) as ParticipantRecord[]).get(tx)?.state ?? "working";

describe("two-phase commit over TCP", () => {
  it("commits when every participant votes YES and aborts when one votes NO", async () => {
    const c = await makeCluster(["coordinator", "p1", "p2", "p3"]);
    await Promise.all([
      startProcess("coordinator", "coordinator", c),
      startProcess("participant", "p1", c),
      startProcess("participant", "p2", c),
      startProcess("participant", "p3", c, ["--commit-probability", "1"]),
    ]);
    expect(await beginTransaction(c.nodes as Cluster, "coordinator", "yes-1")).toEqual({ tx: "yes-1", outcome: "commit" });
    killAll();
    const d = await makeCluster(["coordinator", "p1", "p2", "p3"]);
    await Promise.all([startProcess("coordinator", "coordinator", d), startProcess("participant", "p1", d), startProcess("participant", "p2", d), startProcess("participant", "p3", d, ["--commit-probability", "0"])]);
    expect(await beginTransaction(d.nodes as Cluster, "coordinator", "no-1")).toEqual({ tx: "no-1", outcome: "abort" });
    await new Promise((r) => setTimeout(r, 300));
    for (const p of ["p1", "p2", "p3"]) expect(stateOf(d.data(p), "no-1")).toBe("aborted");
  }, 60_000);

  it("kill -9 of the coordinator mid-transaction and a restart give every participant the same outcome", async () => {
    const c = await makeCluster(["coordinator", "p1", "p2", "p3"]);
    const args = ["--vote-timeout-ms", "60000", "--resend-interval-ms", "100"];
    const coordinator = await startProcess("coordinator", "coordinator", c, args);
    await Promise.all([startProcess("participant", "p1", c), startProcess("participant", "p2", c)]);
    // p3 is not up: the transaction stays in PREPARING with p1 and p2 prepared.
    const pending = beginTransaction(c.nodes as Cluster, "coordinator", "mid-1", 5_000).catch((e: Error) => e);
    await new Promise((r) => setTimeout(r, 500));
    coordinator.child.kill("SIGKILL");
    expect(await pending).toBeInstanceOf(Error);
    await startProcess("participant", "p3", c);
    await startProcess("coordinator", "coordinator", c, args);
    // Recovery aborts the undecided transaction and tells everyone; asking again answers from the log.
    expect(await beginTransaction(c.nodes as Cluster, "coordinator", "mid-1")).toEqual({ tx: "mid-1", outcome: "abort" });
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline && !["p1", "p2", "p3"].every((p) => stateOf(c.data(p), "mid-1") === "aborted")) await new Promise((r) => setTimeout(r, 50));
    for (const p of ["p1", "p2", "p3"]) expect(stateOf(c.data(p), "mid-1")).toBe("aborted");
  }, 60_000);
});

describe("Raft over TCP", () => {
  it("elects a leader, commits 1,000 writes, loses none when the leader is killed -9, and the restarted node catches up from its file", async () => {
    const c = await makeCluster(["n1", "n2", "n3"]);
    // Compaction every 200 entries: the 1,000 writes cross several snapshots, and the restart loads one.
    const extra = ["--snapshot-threshold", "200"];
    const procs = Object.fromEntries(await Promise.all(["n1", "n2", "n3"].map(async (id) => [id, await startProcess("raft-node", id, c, extra)] as const)));
    const cluster = c.nodes as Cluster;
    const writers = 20;
    const perWriter = 50;
    let leader = "";
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (let i = 0; i < perWriter; i++) {
          const res = await kvRequest(cluster, { op: "put", key: `k${w}-${i}`, value: `v${w}-${i}`, session: { client: `w${w}`, seq: i + 1 } }, { client: `w${w}`, timeoutMs: 20_000, start: leader || undefined });
          expect(res.ok).toBe(true);
          leader = res.node;
        }
      }),
    );
    expect(leader).not.toBe("");
    procs[leader]?.child.kill("SIGKILL");
    // Every acknowledged write is still there, read through the new leader.
    for (let w = 0; w < writers; w += 7) {
      for (let i = 0; i < perWriter; i += 7) {
        const res = await kvRequest(cluster, { op: "get", key: `k${w}-${i}` }, { timeoutMs: 20_000 });
        expect(res).toMatchObject({ ok: true, value: `v${w}-${i}` });
      }
    }
    const last = await kvRequest(cluster, { op: "put", key: "after", value: "kill" }, { timeoutMs: 20_000 });
    expect(last.ok).toBe(true);
    await startProcess("raft-node", leader, c, extra);
    // The restarted node's own durable log comes to hold every write, the one made while it was down included.
    const durableData = () => {
      const state = foldRecords(readLog(c.data(leader)) as RaftRecord[], kvStateMachine.init());
      const data = { ...(state.log.snapshot.machine as { data: Record<string, string> }).data };
      for (const e of state.log.entries()) if (e.command.op === "put") data[e.command.key] = e.command.value;
      return data;
    };
    const deadline = Date.now() + 30_000;
    while (durableData().after === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    killAll();
    const state = foldRecords(readLog(c.data(leader)) as RaftRecord[], kvStateMachine.init());
    expect(state.log.snapshot.index).toBeGreaterThan(0);
    const entries = state.log.entries().map((entry) => entry.command);
    const data = { ...(state.log.snapshot.machine as { data: Record<string, string> }).data };
    for (const cmd of entries) if (cmd.op === "put") data[cmd.key] = cmd.value;
    expect(Object.keys(data).filter((k) => k.startsWith("k"))).toHaveLength(writers * perWriter);
    expect(data.after).toBe("kill");
  }, 120_000);
});

describe("bad configuration and state", () => {
  it("an invalid setting fails with an error naming it", async () => {
    const c = await makeCluster(["coordinator", "p1"]);
    const p = faultline(["participant", "--id", "p1", "--cluster", c.file, "--commit-probability", "2"]);
    expect(await p.exited).toBe(2);
    expect(p.output()).toContain("--commit-probability: expected a probability in [0, 1], got \\\"2\\\"");
    const q = faultline(["participant", "--id", "p9", "--cluster", c.file]);
    expect(await q.exited).toBe(2);
    expect(q.output()).toContain('unknown node \\"p9\\"');
    const r = faultline(["raft-node", "--id", "p1", "--cluster", c.file, "--snapshot-threshold", "2.5"]);
    expect(await r.exited).toBe(2);
    expect(r.output()).toContain("--snapshot-threshold: expected a whole number, got 2.5");
  }, 30_000);

  it("a corrupt state file stops that node with the file and byte offset; the others keep serving", async () => {
    const c = await makeCluster(["coordinator", "p1"]);
    await Promise.all([startProcess("coordinator", "coordinator", c), startProcess("participant", "p1", c)]);
    expect(await beginTransaction(c.nodes as Cluster, "coordinator", "t1")).toEqual({ tx: "t1", outcome: "commit" });
    killAll();
    const wal = join(c.data("p1"), "wal.log");
    const bytes = readFileSync(wal);
    bytes[32 + 16 + 3] = (bytes[32 + 16 + 3] as number) ^ 0xff; // inside the first record's body
    writeFileSync(wal, bytes);
    const coordinator = await startProcess("coordinator", "coordinator", c);
    const p = faultline(["participant", "--id", "p1", "--cluster", c.file, "--data", c.data("p1")]);
    expect(await p.exited).toBe(1);
    expect(p.output()).toContain(`${wal}: damaged record (checksum mismatch;`);
    expect(p.output()).toContain("at byte 32. This node's acknowledged state is damaged.");
    expect(coordinator.child.exitCode).toBeNull();
    expect(await beginTransaction(c.nodes as Cluster, "coordinator", "t1")).toEqual({ tx: "t1", outcome: "commit" });
  }, 30_000);
});
