import { describe, expect, it } from "vitest";
import { pubsubMachine, type PubSubCommand, type PubSubMachineState, type PubSubResponse } from "@faultline/pubsub";

const hlc = { wall: 0, logical: 0 };
function run(commands: PubSubCommand[], dedupWindow = 16) {
  const m = pubsubMachine({ dedupWindow });
  let s: PubSubMachineState = m.init();
  const results: PubSubResponse[] = [];
  for (const c of commands) {
    const out = m.apply(s, c);
    s = out.state;
    results.push(out.result);
  }
  return { state: s, results };
}
const pub = (producer: string, seq: number, topic = "t"): PubSubCommand => ({ op: "publish", topic, producer, seq, payload: `${producer}-${seq}`, hlc });

describe("the pub/sub state machine", () => {
  it("creates topics on first publish or explicitly, appends with offsets and Lamport timestamps", () => {
    const { state, results } = run([{ op: "create", topic: "a" }, pub("p", 1, "b"), pub("p", 2, "b"), pub("q", 1, "a")]);
    expect(Object.keys(state.topics).sort()).toEqual(["a", "b"]);
    expect(state.topics.b?.map((m) => [m.offset, m.producer, m.seq])).toEqual([[0, "p", 1], [1, "p", 2]]);
    expect(results.slice(1).map((r) => (r.ok && r.op === "publish" ? r.lamport : -1))).toEqual([1, 2, 3]);
  });

  it("takes the producer's Lamport clock into account", () => {
    const { results } = run([pub("p", 1), { ...pub("q", 1), lamport: 40 } as PubSubCommand, pub("p", 2)]);
    expect(results.map((r) => (r.ok && r.op === "publish" ? r.lamport : -1))).toEqual([1, 41, 42]);
  });

  it("appends a retried publish once and answers the first append's offset", () => {
    const { state, results } = run([pub("p", 1), pub("q", 1), pub("p", 1), pub("p", 2), pub("p", 2)]);
    expect(state.topics.t).toHaveLength(3);
    expect(results[2]).toMatchObject({ ok: true, offset: 0, duplicate: true });
    expect(results[4]).toMatchObject({ ok: true, offset: 2, duplicate: true });
  });

  it("refuses a gap in a producer's seqs and a retry older than the dedup window, appending nothing", () => {
    const { state, results } = run([pub("p", 1), pub("p", 3), pub("p", 2), pub("p", 3), pub("p", 1)], 2);
    expect(results[1]).toMatchObject({ ok: false, error: expect.stringContaining("out of order") });
    expect(results[4]).toMatchObject({ ok: false, error: expect.stringContaining("dedup window of 2") });
    expect(state.topics.t?.map((m) => m.seq)).toEqual([1, 2, 3]);
  });

  it("polls from the group's stored offset; commits never move back nor past the end", () => {
    const { results } = run([
      pub("p", 1),
      pub("p", 2),
      { op: "poll", topic: "t", group: "g", max: 1 },
      { op: "commit", topic: "t", group: "g", offset: 2 },
      { op: "commit", topic: "t", group: "g", offset: 1 },
      { op: "commit", topic: "t", group: "g", offset: 3 },
      { op: "poll", topic: "t", group: "g", max: 5 },
      { op: "history", topic: "t", from: 1, limit: 5 },
    ]);
    expect(results[2]).toMatchObject({ ok: true, from: 0, messages: [{ seq: 1 }] });
    expect(results[4]).toEqual({ ok: true, op: "commit", offset: 2 });
    expect(results[5]).toMatchObject({ ok: false, error: "offset 3 is past the end of topic t (2)" });
    expect(results[6]).toMatchObject({ ok: true, from: 2, messages: [] });
    expect(results[7]).toMatchObject({ ok: true, from: 1, end: 2, messages: [{ seq: 2 }] });
  });
});
