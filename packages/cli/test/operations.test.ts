/**
 * Issue items 4 (client identity), 6 (requests to the wrong node), 7 (SIGTERM under load) and
 * 8 (looking inside) with real processes on 127.0.0.1.
 */
import { spawn } from "node:child_process";
import { createConnection, type Socket } from "node:net";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { beginTransaction, kvRequest, type Cluster } from "@faultline/cli";
import { FrameDecoder, NodeError, encodeFrame, request } from "@faultline/tcp";
import { faultline, killAll, makeCluster, startProcess } from "./procs.js";

afterEach(() => killAll());

const root = fileURLToPath(new URL("../../..", import.meta.url));
const asRoot = process.getuid?.() === 0;

/** Runs `faultline <args>` as PID 1 of a fresh PID namespace: every run gets the same process id. */
function asPid1(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("unshare", ["--pid", "--fork", process.execPath, "--import", "tsx", "packages/cli/src/bin.ts", ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("exit", (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`exit ${code}: ${out}`))));
  });
}

describe("client identity", () => {
  it.runIf(asRoot)("two CLI runs with the same process id are two clients: the second put is stored, the second begin is a new transaction", async () => {
    const c = await makeCluster(["n1", "n2", "n3"]);
    await Promise.all(["n1", "n2", "n3"].map((id) => startProcess("raft-node", id, c)));
    expect(JSON.parse(await asPid1(["kv", "put", "k", "v1", "--cluster", c.file]))).toMatchObject({ ok: true });
    expect(JSON.parse(await asPid1(["kv", "put", "k", "v2", "--cluster", c.file]))).toMatchObject({ ok: true });
    expect(JSON.parse(await asPid1(["kv", "get", "k", "--cluster", c.file]))).toMatchObject({ ok: true, value: "v2" });
    killAll();
    const t = await makeCluster(["coordinator", "p1"]);
    await Promise.all([startProcess("coordinator", "coordinator", t), startProcess("participant", "p1", t, ["--commit-probability", "1"])]);
    const first = JSON.parse(await asPid1(["tx", "begin", "--cluster", t.file])) as { tx: string };
    const second = JSON.parse(await asPid1(["tx", "begin", "--cluster", t.file])) as { tx: string };
    expect(second.tx).not.toBe(first.tx);
  }, 90_000);
});

describe("requests to the wrong node", () => {
  it("a participant answers a client at once with an error naming the coordinator", async () => {
    const c = await makeCluster(["coordinator", "p1"]);
    await startProcess("participant", "p1", c);
    const err = await request(c.nodes.p1 as { host: string; port: number }, "c", { type: "begin" }, 3_000).catch((e: Error) => e);
    expect(err).toBeInstanceOf(NodeError);
    expect((err as Error).message).toBe('p1 is a two-phase commit participant and takes no requests: send them to the coordinator "coordinator"');
  }, 30_000);
});

describe("SIGTERM under load", () => {
  it("the leader stops taking requests (refusing new ones with an error), answers every request in flight, and exits 0; what it acknowledged is stored", async () => {
    const c = await makeCluster(["n1", "n2", "n3"]);
    const procs = Object.fromEntries(await Promise.all(["n1", "n2", "n3"].map(async (id) => [id, await startProcess("raft-node", id, c)] as const)));
    const cluster = c.nodes as Cluster;
    const leader = (await kvRequest(cluster, { op: "get", key: "warmup" }, { timeoutMs: 20_000 })).node;
    const addr = cluster[leader] as { host: string; port: number };
    // 400 clients, each connected (a ping answered: the node accepted it), each with one put in flight when SIGTERM arrives.
    const conns = await Promise.all(
      Array.from({ length: 400 }, () => new Promise<Socket>((resolve, reject) => {
        const s = createConnection(addr, () => s.write(encodeFrame({ kind: "ping" })));
        s.once("data", () => resolve(s));
        s.on("error", reject);
      })),
    );
    const results = conns.map((s, i) => {
      const decoder = new FrameDecoder();
      s.write(encodeFrame({ kind: "request", client: `w${i}`, id: 1, req: { op: "put", key: `k${i}`, value: `v${i}`, session: { client: `w${i}`, seq: 1 } } }));
      return new Promise<"ok" | "refused" | "reset">((resolve) => {
        s.on("data", (d) => {
          for (const f of decoder.push(d) as { kind: string; res?: { ok: boolean }; error?: string }[]) if (f.kind === "reply") resolve(f.res?.ok === true ? "ok" : "refused");
        });
        s.on("error", () => resolve("reset"));
        s.on("close", () => resolve("reset"));
      });
    });
    await Promise.race(results); // the first reply is out: the others are in flight
    procs[leader]?.child.kill("SIGTERM");
    const settled = await Promise.all(results);
    for (const s of conns) s.destroy();
    const outcomes = { ok: settled.filter((x) => x === "ok").length, refused: settled.filter((x) => x === "refused").length, reset: settled.filter((x) => x === "reset").length, acked: settled.flatMap((x, i) => (x === "ok" ? [`k${i}`] : [])) };
    expect(await procs[leader]?.exited).toBe(0);
    expect(procs[leader]?.output()).toMatch(/"msg":"drained"/);
    expect(outcomes.reset).toBe(0); // each request got a reply: a result, or an error saying why
    expect(outcomes.ok + outcomes.refused).toBe(400);
    // (Under a loaded machine leadership may move first: then every reply is a refusal, still a reply.)
    for (const key of outcomes.acked.slice(0, 40)) expect(await kvRequest(cluster, { op: "get", key }, { timeoutMs: 20_000 })).toMatchObject({ ok: true, value: `v${key.slice(1)}` });
  }, 90_000);
});

describe("looking inside", () => {
  it("faultline status shows role, term, leader, commit index and peers; tx status shows what each node knows", async () => {
    const r = await makeCluster(["n1", "n2", "n3"]);
    await Promise.all(["n1", "n2", "n3"].map((id) => startProcess("raft-node", id, r)));
    const leader = (await kvRequest(r.nodes as Cluster, { op: "put", key: "a", value: "1" }, { timeoutMs: 20_000 })).node;
    const status = faultline(["status", "--cluster", r.file]);
    expect(await status.exited).toBe(0);
    const lines = status.output().trim().split("\n").map((l) => JSON.parse(l) as { node: string; state: Record<string, unknown>; peers: Record<string, { connected: boolean }> });
    expect(lines.map((l) => l.node)).toEqual(["n1", "n2", "n3"]);
    const lead = lines.find((l) => l.node === leader);
    expect(lead?.state).toMatchObject({ role: "leader", leader });
    expect(lead?.state.commitIndex as number).toBeGreaterThanOrEqual(2);
    expect(Object.values(lead?.peers ?? {}).every((p) => p.connected)).toBe(true);
    for (const l of lines) expect(typeof l.state.term).toBe("number");
    killAll();

    const t = await makeCluster(["coordinator", "p1", "p2"]);
    await Promise.all([startProcess("coordinator", "coordinator", t), startProcess("participant", "p1", t), startProcess("participant", "p2", t, ["--commit-probability", "0"])]);
    expect(await beginTransaction(t.nodes as Cluster, "coordinator", "t-1")).toEqual({ tx: "t-1", outcome: "abort" });
    await new Promise((res) => setTimeout(res, 500));
    const tx = faultline(["tx", "status", "t-1", "--cluster", t.file]);
    expect(await tx.exited).toBe(0);
    expect(JSON.parse(tx.output())).toEqual({
      tx: "t-1",
      coordinator: { tx: "t-1", logged: "abort", live: "abort" },
      p1: { tx: "t-1", logged: "aborted", live: "aborted" },
      p2: { tx: "t-1", logged: "aborted", live: "aborted" },
    });
    const st = faultline(["status", "--cluster", t.file, "--node", "coordinator"]);
    expect(await st.exited).toBe(0);
    expect(JSON.parse(st.output())).toMatchObject({ node: "coordinator", state: { outcomes: { abort: 1 } } });
  }, 90_000);
});
