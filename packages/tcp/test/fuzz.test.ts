/**
 * Frames fuzzed with fast-check against a live node: random JSON in the shapes of the wire
 * (hello, auth, msg with Raft messages, request with key-value requests, status, ping), then
 * mutated (fields replaced by arbitrary JSON, huge or unsafe numbers, deep nesting, long
 * strings, raw bytes). Half the cases come from an authenticated peer, so mutated messages reach
 * the protocol. After every case the node must still answer. Bounded: 150 cases.
 */
import { createHmac } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeFrame, request } from "@faultline/tcp";
import { describeRole, raftCluster, rawSocket } from "./helpers.js";

let c: Awaited<ReturnType<typeof raftCluster>>;
let port = 0;
beforeAll(async () => {
  // n1 runs alone; the fuzzer may pose as n2, which it can prove with the secret.
  c = await raftCluster(["n1", "n2", "n3"], { describe: describeRole });
  port = (await c.start("n1")).port;
});
afterAll(async () => c.closeAll());

const num = fc.oneof(fc.nat(), fc.integer(), fc.double(), fc.constantFrom(2 ** 53, 2 ** 60, -1, 1e300, 0.5, Number.MAX_SAFE_INTEGER));
const entry = fc.record({ term: num, command: fc.oneof(fc.record({ op: fc.constant("noop") }), fc.record({ op: fc.constantFrom("put", "get", "delete"), key: fc.string(), value: fc.string() })) });
const raftMsg = fc.oneof(
  fc.record({ type: fc.constantFrom("prevote", "vote"), term: num, lastIndex: num, lastTerm: num }),
  fc.record({ type: fc.constantFrom("prevote-reply", "vote-reply"), term: num, granted: fc.boolean() }),
  fc.record({ type: fc.constant("append"), term: num, prevIndex: num, prevTerm: num, entries: fc.array(entry, { maxLength: 5 }), commit: num }),
  fc.record({ type: fc.constant("append-reply"), term: num, success: fc.boolean(), match: num }),
  fc.record({ type: fc.constant("snapshot"), term: num, snapshot: fc.record({ index: num, term: num, machine: fc.jsonValue({ maxDepth: 3 }) }) }),
  fc.record({ type: fc.constant("snapshot-reply"), term: num, match: num }),
);
const kvReq = fc.record({ op: fc.constantFrom("put", "get", "delete", "cas"), key: fc.string(), value: fc.string(), session: fc.record({ client: fc.string(), seq: num }) }, { requiredKeys: ["op", "key"] });
const envelope = fc.oneof(
  raftMsg.map((msg) => ({ kind: "msg", msg })),
  kvReq.map((req) => ({ kind: "request", client: "fuzz", id: 1, req })),
  fc.record({ kind: fc.constant("status"), id: num }),
  fc.constant({ kind: "ping" }),
  fc.record({ kind: fc.constantFrom("hello", "auth", "welcome", "reply", "pong"), from: fc.string(), to: fc.string(), cluster: fc.string(), nonce: fc.string(), proof: fc.string() }),
);

/** A value with one field somewhere replaced (or a deep, wide or long thing added). */
function mutate(v: unknown, path: number[], junk: unknown): unknown {
  if (typeof v !== "object" || v === null || path.length === 0) return junk;
  const keys = Object.keys(v);
  if (keys.length === 0) return junk;
  const key = keys[(path[0] as number) % keys.length] as string;
  const copy: Record<string, unknown> = Array.isArray(v) ? ([...v] as unknown as Record<string, unknown>) : { ...(v as Record<string, unknown>) };
  copy[key] = mutate((v as Record<string, unknown>)[key], path.slice(1), junk);
  return copy;
}
const junk = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  num,
  fc.integer({ min: 1, max: 200 }).map((d) => JSON.parse("[".repeat(d) + "]".repeat(d)) as unknown),
  fc.nat({ max: 100_000 }).map((n) => "x".repeat(n)),
  fc.constant(undefined),
);
const frameBytes = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(envelope, fc.array(fc.nat(), { maxLength: 4 }), junk).map(([e, path, j]) => encodeFrame(mutate(e, path, j) ?? null, 2 ** 30)) },
  { weight: 3, arbitrary: envelope.map((e) => encodeFrame(e, 2 ** 30)) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)) },
);

/** Authenticates as n2 on a raw socket (the fuzzer knows the secret). */
async function asPeer() {
  const s = rawSocket(port);
  const mine = "ab".repeat(16);
  s.send({ kind: "hello", from: "n2", to: "n1", cluster: c.auth.clusterId, nonce: mine });
  const welcome = await s.next((f) => f.kind === "welcome");
  const proof = createHmac("sha256", c.auth.secret).update(["faultline/1", "connector", c.auth.clusterId, "n2", "n1", mine, welcome.nonce as string].join("\u0000")).digest("hex");
  s.send({ kind: "auth", proof });
  return s;
}

describe("fuzzed frames against a live node", () => {
  it("never take it down: after each case it still answers", async () => {
    let cases = 0;
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.array(frameBytes, { minLength: 1, maxLength: 4 }), async (peer, frames) => {
        const s = peer ? await asPeer() : rawSocket(port);
        for (const f of frames) s.sendBytes(f);
        await s.closedWithin(100);
        cases++;
        const res = await request({ host: "127.0.0.1", port }, "probe", { op: "get", key: "k" }, 5_000);
        expect(typeof res).toBe("object"); // a reply (a redirect or "no leader" is a reply too)
        expect(c.running.get("n1")?.status().node).toBe("n1");
      }),
      { numRuns: 150, seed: Number(process.env.FUZZ_SEED ?? 42) },
    );
    expect(cases).toBe(150);
    expect(c.logs.some((l) => l.msg === "bad input, connection closed")).toBe(true); // the fuzzer did reach the checks
    expect(c.logs.some((l) => l.msg === "step" && l.from === "n2")).toBe(true); // and the protocol, as an authenticated peer
  }, 120_000);
});
