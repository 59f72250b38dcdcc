/**
 * The history checker on a real run's history, then on copies of it with one planted bug each
 * (in this test code): each is caught, as its kind, naming the operations that show it.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { HistoryEntry } from "@faultline/kernel";
import { checkPubSubHistory, type PubSubOp, type PubSubResponse, type PubSubViolationKind, type StoredMessage } from "@faultline/pubsub";
import { runSeed } from "./sweep.js";

let history: PubSubOp[];
beforeAll(() => {
  const run = runSeed(7);
  if (!run.ok) throw new Error(run.why);
  history = run.result.history as PubSubOp[];
});

/** A deep copy of the history to plant a bug in. */
const copy = (): PubSubOp[] => JSON.parse(JSON.stringify(history)) as PubSubOp[];
const okRes = <Op extends string>(h: PubSubOp, op: Op) => h.res?.ok === true && h.res.op === op;
const finalRead = (h: PubSubOp[], topic = "t") => h.find((e) => e.client === `final-${topic}`) as PubSubOp & { res: Extract<PubSubResponse, { op: "history" }> };
const polls = (h: PubSubOp[]) => h.filter((e) => okRes(e, "poll") && (e.res as Extract<PubSubResponse, { op: "poll" }>).messages.length >= 3);

function caught(h: readonly HistoryEntry[], kind: PubSubViolationKind) {
  const check = checkPubSubHistory(h);
  expect(check.ok).toBe(false);
  const v = check.violations.find((x) => x.kind === kind);
  expect(v, `${kind} among ${JSON.stringify(check.violations.map((x) => x.kind))}`).toBeDefined();
  expect(v?.ops.length).toBeGreaterThan(0);
  return v!;
}

describe("the pub/sub history checker", () => {
  it("passes the real run, having checked every acknowledged publish", () => {
    const check = checkPubSubHistory(history);
    expect(check.violations).toEqual([]);
    expect(check.acked).toBe(32);
    expect(check.found).toBe(32);
    expect(polls(history).length).toBeGreaterThan(0);
  });

  it("catches an acknowledged publish that is not in the log", () => {
    const h = copy();
    const fake: PubSubOp = { client: "p9", id: 1, node: "n1", req: { op: "publish", topic: "t", producer: "p9", seq: 1, payload: "x" }, invokedAt: 10, completedAt: 20, res: { ok: true, op: "publish", offset: 0, lamport: 1, hlc: { wall: 0, logical: 0 }, duplicate: false } };
    h.push(fake);
    const v = caught(h, "lost");
    expect(v.ops).toEqual([fake]);
  });

  it("catches a message appended twice", () => {
    const h = copy();
    const read = finalRead(h);
    const again = { ...(read.res.messages[1] as StoredMessage), offset: read.res.end };
    read.res = { ...read.res, messages: [...read.res.messages, again], end: read.res.end + 1 };
    expect(caught(h, "duplicate").message).toContain(`${again.producer}#${again.seq}`);
  });

  it("catches a producer's messages out of seq order", () => {
    const h = copy();
    const read = finalRead(h);
    const msgs = [...read.res.messages];
    const i = msgs.findIndex((m, k) => k > 0 && msgs.slice(0, k).some((p) => p.producer === m.producer));
    const j = msgs.slice(0, i).findIndex((p) => p.producer === msgs[i]!.producer);
    // Swap the two messages' places in every read: one consistent log, wrong order.
    const a = msgs[j]!;
    const b = msgs[i]!;
    for (const e of h) {
      if (e.res?.ok !== true || (e.res.op !== "history" && e.res.op !== "poll")) continue;
      const r = e.res as unknown as { messages: StoredMessage[] };
      r.messages = r.messages.map((m) => (m.offset === a.offset && m.producer === a.producer ? { ...b, offset: a.offset } : m.offset === b.offset && m.producer === b.producer ? { ...a, offset: b.offset } : m));
    }
    for (const e of h) if (e.res?.ok === true && e.res.op === "publish") (e.res as { offset: number }).offset = -1;
    expect(caught(h, "order").ops).toHaveLength(2);
  });

  it("catches a poll that skips an offset", () => {
    const h = copy();
    const poll = polls(h)[0] as PubSubOp & { res: Extract<PubSubResponse, { op: "poll" }> };
    poll.res = { ...poll.res, messages: poll.res.messages.filter((_, k) => k !== 1) };
    expect(caught(h, "skipped").ops).toEqual([poll]);
  });

  it("catches two reads disagreeing on one offset", () => {
    const h = copy();
    const poll = polls(h)[0] as PubSubOp & { res: Extract<PubSubResponse, { op: "poll" }> };
    poll.res = { ...poll.res, messages: poll.res.messages.map((m, k) => (k === 0 ? { ...m, payload: "tampered" } : m)) };
    expect(caught(h, "divergent").ops).toContain(poll);
  });

  it("catches a group offset going back", () => {
    const h = copy();
    const poll = polls(h).at(-1) as PubSubOp & { res: Extract<PubSubResponse, { op: "poll" }>; req: { group: string } };
    const late: PubSubOp = { ...poll, id: 999, invokedAt: 100_000, completedAt: 100_010, res: { ...poll.res, from: 0, messages: [] } };
    h.push(late);
    const v = caught(h, "offset-regression");
    expect(v.ops[1]).toEqual(late);
  });

  it("catches a commit past offsets never delivered to the group", () => {
    const h = copy();
    const commit = h.find((e) => okRes(e, "commit") && e.req.op === "commit" && e.req.group === "g") as PubSubOp & { res: { offset: number } };
    const skipAhead: PubSubOp = { ...commit, id: 998, invokedAt: 100_000, completedAt: 100_010, res: { ok: true, op: "commit", offset: 1_000 } };
    h.push(skipAhead);
    expect(caught(h, "gap").ops).toEqual([skipAhead]);
  });
});
