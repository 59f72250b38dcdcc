/**
 * `faultline broker` and the pub/sub commands as real processes on 127.0.0.1: kill -9 of the
 * leader mid-publish, repeated (see broker-kill.ts; the long run is broker-kill-long.ts), and the
 * CLI's commands and flag errors.
 */
import { afterEach, describe, expect, it } from "vitest";
import { brokerClient, findLeader, makeBrokerCluster, startBroker } from "./broker-procs.js";
import { killRun } from "./broker-kill.js";
import { faultline, killAll } from "./procs.js";

afterEach(() => killAll());

const run = async (args: string[]) => {
  const p = faultline(args);
  const code = await p.exited;
  return { code, out: p.output() };
};

describe("faultline broker over TCP", () => {
  it("kill -9 of the leader mid-publish, 3 times: no acknowledged publish lost or duplicated, subscribers resume at their committed offsets", async () => {
    const r = await killRun({ kills: 3 });
    expect(r.check.violations.map((v) => `${v.kind}: ${v.message}`)).toEqual([]);
    expect(r.check.ok).toBe(true);
    expect(r.killed).toHaveLength(3);
    expect(r.acked).toBeGreaterThan(30);
    // Every acknowledged publish was found in the log read back, none left unverified.
    expect(r.check.acked).toBeGreaterThanOrEqual(r.acked); // plus in-doubt publishes settled by a later call
    expect(r.check.found).toBe(r.check.acked);
    expect(r.check.unverified).toBe(0);
    for (const x of r.resumes) {
      // The group's offset never goes back (resume ≥ the last acknowledged commit), and
      // nothing handled was skipped over (resume ≤ what the previous member had handled).
      expect(x.resumedAt).toBeGreaterThanOrEqual(x.committed);
      expect(x.resumedAt).toBeLessThanOrEqual(x.handled);
    }
    // The subscriber saw the whole log by the end.
    expect(r.delivered).toBeGreaterThanOrEqual(r.end);
  }, 180_000);

  it("pub, sub and history from the command line; a follower redirects; bad flags name the flag", async () => {
    const c = await makeBrokerCluster(["n1", "n2", "n3"]);
    const procs = Object.fromEntries(await Promise.all(["n1", "n2", "n3"].map(async (id) => [id, await startBroker(id, c, ["--metrics-port", "0"])] as const)));
    const admin = await brokerClient(c);
    const leader = await findLeader(admin, ["n1", "n2", "n3"], 20_000);
    const follower = ["n1", "n2", "n3"].find((id) => id !== leader) as string;
    // A follower names the leader once it has heard from it (the leader may have just been elected).
    type Status = { leader: string | null; peers: Record<string, { phi: number; suspected: boolean }> };
    let status = (await admin.status(follower)) as Status;
    for (let i = 0; i < 100 && status.leader !== leader; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await admin.status(follower)) as Status;
    }
    expect(status.leader).toBe(leader);
    expect(status.peers[leader]?.suspected).toBe(false);
    admin.close();

    const pub = await run(["pub", "t", "one", "two", "--cluster", c.file, "--producer", "cli-1"]);
    expect(pub.code).toBe(0);
    const acks = pub.out.trim().split("\n").filter((l) => l.startsWith('{"topic"')).map((l) => JSON.parse(l) as { offset: number; seq: number });
    expect(acks.map((a) => [a.offset, a.seq])).toEqual([[0, 1], [1, 2]]);
    // The same producer and seq again: answered with the first offset, not appended.
    const again = await run(["pub", "t", "two", "--cluster", c.file, "--producer", "cli-1", "--first-seq", "2"]);
    expect(again.out).toContain('"offset":1,');
    expect(again.out).toContain('"duplicate":true');

    // The leader's metrics count the acknowledged publishes (the duplicate answered as one).
    const url = /"url":"([^"]+)"/.exec(procs[leader]!.output())?.[1] as string;
    const metrics = await (await fetch(url)).text();
    expect(metrics).toMatch(/faultline_pubsub_publishes_total\{duplicate="false"[^}]*\} 2/);
    expect(metrics).toMatch(/faultline_pubsub_publishes_total\{duplicate="true"[^}]*\} 1/);
    expect(metrics).toMatch(/faultline_raft_leaderships_total\{[^}]*\} 1/);

    const sub = await run(["sub", "t", "--group", "g", "--count", "2", "--cluster", c.file]);
    expect(sub.code).toBe(0);
    expect(sub.out.match(/"payload":"(\w+)"/g)).toEqual(['"payload":"one"', '"payload":"two"']);
    const hist = await run(["history", "t", "--from", "1", "--cluster", c.file]);
    expect(hist.out).toContain('"payload":"two"');
    expect(hist.out).not.toContain('"payload":"one"');
    expect(hist.out).toContain('{"topic":"t","end":2}');

    const bad = await run(["sub", "t", "--group", "g", "--count", "lots", "--cluster", c.file]);
    expect(bad.code).toBe(2);
    expect(bad.out).toContain("--count: expected a whole number");
    const noWire = await run(["broker", "--id", "n9", "--cluster", c.file]);
    expect(noWire.code).toBe(2);
    expect(noWire.out).toContain('--id: unknown node \\"n9');
    const help = await run(["pub", "--help"]);
    expect(help.out).toContain("--producer <id>");
  }, 120_000);

  it("with a clientToken in the cluster file, wire clients must AUTH; the CLI sends it", async () => {
    const c = await makeBrokerCluster(["n1"], { clientToken: "wire-token-123" });
    await startBroker("n1", c);
    const stranger = await brokerClient(c, { timeoutMs: 3_000 }); // PING needs no token
    await expect(stranger.publish("t", "x")).rejects.toThrow(/auth: this broker requires AUTH <token> first/);
    stranger.close();
    const pub = await run(["pub", "t", "hello", "--cluster", c.file]);
    expect(pub.code).toBe(0);
    expect(pub.out).toContain('"offset":0,');
    const hist = await run(["history", "t", "--cluster", c.file]);
    expect(hist.out).toContain('"payload":"hello"');
  }, 120_000);
});
