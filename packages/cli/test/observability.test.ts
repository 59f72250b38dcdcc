/** Logs through pino (JSON lines, or pretty for humans) and Prometheus metrics on --metrics-port, from real processes. */
import { afterEach, describe, expect, it } from "vitest";
import { beginTransaction, kvRequest, type Cluster } from "@faultline/cli";
import { killAll, makeCluster, startProcess } from "./procs.js";

afterEach(() => killAll());

async function metricsOf(output: () => string): Promise<string> {
  const url = /"url":"(http:\/\/127\.0\.0\.1:\d+\/metrics)"/.exec(output())?.[1];
  expect(url).toBeDefined();
  return (await fetch(url as string)).text();
}

const value = (text: string, metric: string) => Number(new RegExp(`^${metric}(?:\\{[^}]*\\})? (\\S+)$`, "m").exec(text)?.[1] ?? Number.NaN);

describe("observability", () => {
  it("a Raft node serves elections, votes, commit latency, fsync latency and batch sizes on /metrics; logs are pino JSON lines with the node", async () => {
    const c = await makeCluster(["n1", "n2", "n3"]);
    const procs = await Promise.all(["n1", "n2", "n3"].map((id) => startProcess("raft-node", id, c, ["--metrics-port", "0"])));
    for (let i = 0; i < 5; i++) await kvRequest(c.nodes as Cluster, { op: "put", key: `k${i}`, value: "v" }, { timeoutMs: 20_000 });
    const texts = await Promise.all(procs.map((p) => metricsOf(p.output)));
    const sum = (m: string) => texts.reduce((n, t) => n + value(t, m), 0);
    expect(sum("faultline_raft_elections_total")).toBeGreaterThanOrEqual(1);
    expect(sum("faultline_raft_votes_granted_total")).toBeGreaterThanOrEqual(1);
    expect(sum("faultline_raft_leaderships_total")).toBeGreaterThanOrEqual(1);
    expect(sum("faultline_raft_commit_seconds_count")).toBe(5);
    expect(sum("faultline_fsync_seconds_count")).toBeGreaterThan(0);
    expect(sum("faultline_group_commit_records_count")).toBeGreaterThan(0);
    for (const t of texts) expect(t).toMatch(/faultline_fsync_seconds_bucket\{le="0.01",node="n\d"\}/);
    const line = procs[0]?.output().split("\n").find((l) => l.includes('"msg":"listening"')) as string;
    expect(JSON.parse(line)).toMatchObject({ level: "info", node: "n1", msg: "listening", host: "127.0.0.1" });
  }, 60_000);

  it("a coordinator counts outcomes; --log-pretty renders for humans", async () => {
    const c = await makeCluster(["coordinator", "p1"]);
    const coordinator = await startProcess("coordinator", "coordinator", c, ["--metrics-port", "0"]);
    await startProcess("participant", "p1", c, ["--commit-probability", "0"]);
    expect(await beginTransaction(c.nodes as Cluster, "coordinator", "t1")).toEqual({ tx: "t1", outcome: "abort" });
    expect(await metricsOf(coordinator.output)).toMatch(/^faultline_2pc_outcomes_total\{outcome="abort",node="coordinator"\} 1$/m);
    killAll();
    const d = await makeCluster(["n1"]);
    const p = await startProcess("raft-node", "n1", d, ["--log-pretty", "true"]);
    expect(p.output()).toMatch(/INFO.*listening/);
    expect(p.output()).toContain('node: "n1"');
    expect(p.output()).not.toContain('{"level"');
  }, 60_000);
});
