/** A live node on 127.0.0.1 against malformed input: each bad connection is closed with a clear error, the node keeps serving. */
import { mkdtempSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { encodeFrame, request, startNode, type RunningNode } from "@faultline/tcp";
import type { AnyProtocol } from "@faultline/kernel";
import { raftProtocol } from "@faultline/raft";

const running: RunningNode[] = [];
afterEach(async () => {
  for (const n of running.splice(0)) await n.close();
});

async function single() {
  const logs: Record<string, unknown>[] = [];
  const cluster = { n1: { host: "127.0.0.1", port: 0 } };
  const node = await startNode({
    id: "n1",
    protocol: raftProtocol({ electionTimeoutMinMs: 50, electionTimeoutMaxMs: 60, heartbeatIntervalMs: 10 }),
    cluster,
    dataDir: join(mkdtempSync(join(tmpdir(), "faultline-node-")), "n1"),
    logger: { log: (level, msg, fields) => logs.push({ level, msg, ...fields }) },
  });
  running.push(node);
  const addr = { host: "127.0.0.1", port: node.port };
  // A one-node Raft cluster elects itself; wait until it answers.
  for (let i = 0; i < 50; i++) {
    const res = (await request(addr, "probe", { op: "get", key: "k" }, 1_000)) as { ok: boolean };
    if (res.ok) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  return { addr, logs };
}

function sendRaw(port: number, bytes: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const s = createConnection({ host: "127.0.0.1", port }, () => s.write(bytes));
    s.on("close", () => resolve());
    s.on("error", () => resolve());
    setTimeout(() => s.destroy(), 2_000);
  });
}

describe("a live node and malformed input", () => {
  it.each([
    ["garbage bytes", Buffer.from("GET / HTTP/1.1\r\n\r\n"), /frame length \d+ exceeds the maximum/],
    ["a 2^31 length", Buffer.from([0x80, 0, 0, 0]), /frame length 2147483648 exceeds the maximum of 1048576 bytes/],
    ["bad JSON", Buffer.concat([Buffer.from([0, 0, 0, 5]), Buffer.from("{oops")]), /not valid JSON/],
    ["an unknown message kind", encodeFrame({ kind: "gossip" }), /kind: expected hello, welcome, auth, msg, request, status, ping or pong, got "gossip"/],
    ["a hello without its fields", encodeFrame({ kind: "hello", from: "n1x" }), /hello\.to: expected a string/],
    ["a bad request", encodeFrame({ kind: "request", client: "c", id: 1, req: { op: "put", key: 7 } }), /request\.req\.key: expected a string, got 7/],
  ])("%s: closes that connection with a clear error and keeps serving", async (_name, bytes, error) => {
    const { addr, logs } = await single();
    await sendRaw(addr.port, bytes);
    const logged = logs.find((l) => l.msg === "bad input, connection closed");
    expect(String(logged?.error)).toMatch(error);
    expect(String(logged?.from)).toMatch(/127\.0\.0\.1:\d+/);
    expect(await request(addr, "c", { op: "put", key: "x", value: "1" }, 2_000)).toEqual({ ok: true });
    expect(await request(addr, "c", { op: "get", key: "x" }, 2_000)).toEqual({ ok: true, value: "1" });
  });
});

describe("durable effects on a live node", () => {
  it("keep their order: a compaction replaces the records before it, not those after it", async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), "faultline-node-")), "n1");
    const seen: unknown[][] = [];
    const protocol: AnyProtocol = {
      name: "recorder",
      init: (_ctx, records) => {
        seen.push([...records]);
        return { state: null, effects: [] };
      },
      step: (state, input) => ({
        state,
        effects: input.type === "request" ? [{ type: "persist", record: "a" }, { type: "compact", snapshot: "s" }, { type: "persist", record: "b" }, { type: "reply", client: input.client, id: input.id, res: "done" }] : [],
      }),
    };
    const start = () => startNode({ id: "n1", protocol, cluster: { n1: { host: "127.0.0.1", port: 0 } }, dataDir, logger: { log: () => undefined } });
    const node = await start();
    expect(await request({ host: "127.0.0.1", port: node.port }, "c", {}, 2_000)).toBe("done");
    await node.close();
    running.push(await start());
    expect(seen).toEqual([[], ["s", "b"]]);
  });
});

describe("idle connections", () => {
  it("close a silent one, but keep a client that waits for its reply", async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), "faultline-node-")), "n1");
    const logs: string[] = [];
    // Answers a request only when the next one arrives: the first client waits.
    let held: { client: string; id: number } | undefined;
    const protocol: AnyProtocol = {
      name: "slow",
      init: () => ({ state: null, effects: [] }),
      step: (state, input) => {
        if (input.type !== "request") return { state, effects: [] };
        const reply = held ? [{ type: "reply" as const, client: held.client, id: held.id, res: "late" }] : [];
        held = { client: input.client, id: input.id };
        return { state, effects: reply };
      },
    };
    const node = await startNode({ id: "n1", protocol, cluster: { n1: { host: "127.0.0.1", port: 0 } }, dataDir, logger: { log: (_l, msg) => logs.push(msg) }, idleTimeoutMs: 200 });
    running.push(node);
    const addr = { host: "127.0.0.1", port: node.port };
    const silent = sendRaw(node.port, Buffer.alloc(0));
    const waiting = request(addr, "a", {}, 3_000);
    await new Promise((r) => setTimeout(r, 600)); // three idle periods
    void request(addr, "b", {}, 3_000).catch(() => undefined);
    expect(await waiting).toBe("late");
    await silent;
    expect(logs).toContain("closing an idle connection");
  });
});

describe("protocol errors on a live node", () => {
  // Counts the requests it handled; throws on "boom", sets a NaN timer on "nan" (and would reply).
  const fragile: AnyProtocol = {
    name: "fragile",
    init: () => ({ state: 0, effects: [] }),
    step: (count: number, input) => {
      if (input.type !== "request") return { state: count, effects: [] };
      if (input.req === "boom") throw new Error("cannot handle boom");
      const reply = { type: "reply" as const, client: input.client, id: input.id, res: count + 1 };
      if (input.req === "nan") return { state: count + 1, effects: [{ type: "set-timer" as const, timer: { kind: "t" }, afterMs: Number.NaN }, reply] };
      return { state: count + 1, effects: [reply] };
    },
  };

  async function start() {
    const logs: Record<string, unknown>[] = [];
    const dataDir = join(mkdtempSync(join(tmpdir(), "faultline-node-")), "n1");
    const node = await startNode({ id: "n1", protocol: fragile, cluster: { n1: { host: "127.0.0.1", port: 0 } }, dataDir, logger: { log: (level, msg, fields) => logs.push({ level, msg, ...fields }) } });
    running.push(node);
    return { addr: { host: "127.0.0.1", port: node.port }, logs };
  }

  it("a step that throws is logged, its input dropped, and the node keeps serving", async () => {
    const { addr, logs } = await start();
    expect(await request(addr, "c", "a", 2_000)).toBe(1);
    await expect(request(addr, "c", "boom", 2_000)).rejects.toThrow("node n1 failed to handle the request: node n1 threw on request: cannot handle boom");
    expect(logs).toContainEqual(expect.objectContaining({ level: "error", msg: "protocol error, input dropped", input: "request", error: "node n1 threw on request: cannot handle boom" }));
    // The failed step left the state as it was: the next request is the second one handled.
    expect(await request(addr, "c", "b", 2_000)).toBe(2);
  });

  it("a NaN timer duration is rejected with a logged error and never reaches setTimeout", async () => {
    const { addr, logs } = await start();
    const spy = vi.spyOn(globalThis, "setTimeout");
    try {
      await expect(request(addr, "c", "nan", 2_000)).rejects.toThrow(/failed to handle the request: node n1 emitted a bad effect/);
      expect(spy.mock.calls.some((call) => Number.isNaN(call[1]))).toBe(false);
    } finally {
      spy.mockRestore();
    }
    const logged = logs.find((l) => l.msg === "protocol error, input dropped");
    expect(String(logged?.error)).toMatch(/node n1 emitted a bad effect: effects\[0\]\.afterMs \("set-timer"\): expected a finite number of ms ≥ 0, got NaN/);
    // Nothing of the bad step was applied (its reply did not go out, only the error; the state did not move).
    expect(await request(addr, "c", "x", 2_000)).toBe(1);
  });
});
