/**
 * Issue items 1–3 on live in-process nodes: an oversized replication batch, deep nesting and
 * huge numbers in frames, forged and foreign peers. Each took a node or the cluster down before.
 */
import { afterEach, describe, expect, it } from "vitest";
import { request } from "@faultline/tcp";
import { describeRole, raftCluster, rawSocket } from "./helpers.js";

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

async function cluster3() {
  const c = await raftCluster(["n1", "n2", "n3"], { describe: describeRole });
  cleanup.push(c.closeAll);
  await Promise.all(["n1", "n2", "n3"].map((id) => c.start(id)));
  return c;
}

const put = (port: number, key: string, value: string, seq: number) => request({ host: "127.0.0.1", port }, "writer", { op: "put", key, value, session: { client: "writer", seq } }, 10_000);

/** Puts through whichever node leads (a loaded machine may hold elections at any time). */
async function putAnywhere(c: Awaited<ReturnType<typeof cluster3>>, key: string, value: string, seq: number): Promise<unknown> {
  let last: unknown;
  for (let i = 0; i < 20; i++) {
    last = await put(c.running.get(await c.leader())?.port as number, key, value, seq).catch((e: Error) => e.message);
    if ((last as { ok?: boolean }).ok) return last;
  }
  return last;
}

/** A node's commit index as `status` shows it (the test cluster's describe includes it). */
const commitOf = (c: Awaited<ReturnType<typeof cluster3>>, id: string) => (c.running.get(id)?.status().state as { commit?: number } | undefined)?.commit ?? -1;

describe("an oversized replication batch", () => {
  it("a follower behind 4 puts of 300 KB catches up in batches that fit the frames; the cluster stays up", async () => {
    const c = await cluster3();
    const leader = await c.leader();
    const lagging = ["n1", "n2", "n3"].find((n) => n !== leader) as string;
    await c.stop(lagging);
    for (let i = 0; i < 4; i++) expect(await putAnywhere(c, `big${i}`, "x".repeat(300_000), i + 1)).toEqual({ ok: true });
    const target = commitOf(c, await c.leader());
    expect(target).toBeGreaterThanOrEqual(5);
    // The leader restarts too, so no frame queued for the follower survives: whoever leads next
    // must send the follower 1.2 MB of entries from its log, more than one frame holds.
    const first = await c.leader();
    await c.stop(first);
    await c.start(lagging); // from its own log, 4 entries behind
    await c.start(first);
    const deadline = Date.now() + 20_000;
    while (commitOf(c, lagging) < target && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    expect(commitOf(c, lagging)).toBeGreaterThanOrEqual(target);
    expect(c.logs.filter((l) => l.msg === "message not sent: it does not fit in a frame")).toEqual([]);
    // Every node still runs and the cluster still commits (through whichever node leads now).
    expect(c.running.size).toBe(3);
    expect(await putAnywhere(c, "after", "small", 5)).toEqual({ ok: true });
  }, 40_000);
});

describe("bounded frames", () => {
  it("a request nested 100,000 deep is refused before parsing; the node keeps serving", async () => {
    const c = await cluster3();
    const leader = await c.leader();
    const port = c.running.get(leader)?.port as number;
    const deep = `{"kind":"request","client":"c","id":1,"req":{"op":"get","key":"k","x":${"[".repeat(100_000)}${"]".repeat(100_000)}}}`;
    const body = Buffer.from(deep);
    const frame = Buffer.alloc(4 + body.length);
    frame.writeUInt32BE(body.length, 0);
    body.copy(frame, 4);
    const t = rawSocket(port);
    t.sendBytes(frame);
    expect(await t.closedWithin(3_000)).toBe(true);
    expect(c.logs.find((l) => l.msg === "bad input, connection closed" && l.node === leader)?.error).toBe("frame nests deeper than the maximum depth of 32");
    expect(await putAnywhere(c, "k", "v", 1)).toEqual({ ok: true });
  }, 30_000);

  it.each([
    ["a term of 1e300", { kind: "request", client: "c", id: 1, req: { op: "put", key: "k", value: "v", session: { client: "c", seq: 1e300 } } }, /\$\.req\.session\.seq: whole number 1e\+300 is not a safe integer/],
    ["a 2^60 request id", { kind: "request", client: "c", id: 2 ** 60, req: { op: "get", key: "k" } }, /\$\.id: whole number 1152921504606847000 is not a safe integer/],
    ["an array of 100,000 items", { kind: "request", client: "c", id: 1, req: { op: "get", key: "k", x: new Array(100_000).fill(0) } }, /\$\.req\.x: array of 100000 items exceeds the maximum of 65536/],
  ])("%s is refused with the path of the bad value", async (_name, frame, error) => {
    const c = await cluster3();
    const leader = await c.leader();
    const port = c.running.get(leader)?.port as number;
    const s = rawSocket(port);
    s.send(frame);
    expect(await s.closedWithin(3_000)).toBe(true);
    expect(String(c.logs.find((l) => l.msg === "bad input, connection closed")?.error)).toMatch(error);
    expect(await putAnywhere(c, "k", "v", 1)).toEqual({ ok: true });
  }, 30_000);
});

describe("peer authentication", () => {
  it("a forged peer (hello as n1 without the secret) is refused before any message; terms stay sane", async () => {
    const c = await cluster3();
    const leader = await c.leader();
    const node = c.running.get(leader);
    const port = node?.port as number;
    const term = (node?.status().state as { term: number }).term;
    const impostor = ["n1", "n2", "n3"].find((n) => n !== leader) as string;
    const s = rawSocket(port);
    s.send({ kind: "hello", from: impostor, to: leader, cluster: "test", nonce: "00".repeat(16) });
    const welcome = await s.next((f) => f.kind === "welcome");
    expect(typeof welcome.proof).toBe("string");
    s.send({ kind: "auth", proof: "ab".repeat(32) });
    s.send({ kind: "msg", msg: { type: "append-reply", term: 2 ** 50, success: true, match: 0 } });
    expect(await s.closedWithin(3_000)).toBe(true);
    expect(c.logs.find((l) => l.msg === "peer refused" && l.node === leader)).toMatchObject({ claimed: impostor, error: "it failed authentication (wrong secret)" });
    // Skipping the handshake does not help either.
    const t = rawSocket(port);
    t.send({ kind: "msg", msg: { type: "append-reply", term: 2 ** 50, success: true, match: 0 } });
    expect(await t.closedWithin(3_000)).toBe(true);
    expect(c.logs.some((l) => l.error === "a message before the peer authenticated")).toBe(true);
    // The forged term never reached the node (elections on a loaded machine may move it a little).
    expect((node?.status().state as { term: number }).term).toBeLessThan(term + 100);
    await c.leader();
  }, 30_000);

  it("a node of another cluster, or with another secret, is refused with a clear log line and cannot disturb the cluster", async () => {
    const c = await cluster3();
    const leader = await c.leader();
    const s = rawSocket(c.running.get(leader)?.port as number);
    s.send({ kind: "hello", from: "n2", to: leader, cluster: "elsewhere", nonce: "11".repeat(16) });
    expect(await s.closedWithin(3_000)).toBe(true);
    expect(c.logs.find((l) => l.msg === "peer refused")?.error).toBe(`it belongs to cluster "elsewhere", this node to "test"`);
    // A real node with a wrong secret: the others refuse it, and it refuses them.
    const follower = ["n1", "n2", "n3"].find((n) => n !== leader) as string;
    await c.stop(follower);
    await c.start(follower, { auth: { clusterId: "test", secret: "not-the-secret!!" } });
    const refusedBy = (by: (n: string) => boolean) => c.logs.some((l) => by(l.node) && l.msg.startsWith("peer refused: it failed authentication"));
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline && !(refusedBy((n) => n === follower) && refusedBy((n) => n !== follower))) await new Promise((r) => setTimeout(r, 20));
    expect(refusedBy((n) => n === follower)).toBe(true); // it refuses the real nodes' proofs
    expect(c.logs.some((l) => l.node !== follower && l.msg.startsWith("peer refused: it failed authentication") && l.peer === follower)).toBe(true); // and they refuse its
    await expect(c.leader()).resolves.not.toBe(follower);
  }, 30_000);
});
