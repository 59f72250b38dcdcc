/**
 * A lone leader's log is durable only once something leaves the node after the write (the
 * kernel's persist-before-send contract), and it has no follower to send to: it sends itself the
 * acknowledgement (etcd's self-addressed MsgAppResp) and commits only when that comes back.
 */
import { describe, expect, it } from "vitest";
import { OneNode } from "./one-node.js";

const selfAck = (term: number, match: number) => ({ type: "append-reply" as const, term, success: true, match });

describe("a single-node leader", () => {
  it("commits its no-op only when its acknowledgement, sent after the write, arrives", () => {
    const n = new OneNode({ size: 1 }).timer("election");
    expect([n.state.role, n.state.term, n.state.log.lastIndex, n.state.commitIndex]).toEqual(["leader", 1, 1, 0]);
    // The write, then the acknowledgement to itself (whose send makes the write durable).
    expect(n.kinds().filter((k) => k === "persist" || k.startsWith("send"))).toEqual(["persist", "persist", "send append-reply"]);
    expect(n.sent()).toEqual([["n1", selfAck(1, 1)]]);
    n.deliver("n1", selfAck(1, 1));
    expect([n.state.commitIndex, n.state.lastApplied]).toEqual([1, 1]);
  });

  it("answers a client only after the acknowledgement of its entry, and asks again at each heartbeat until then", () => {
    const n = new OneNode({ size: 1 }).timer("election").deliver("n1", selfAck(1, 1));
    n.request({ op: "put", key: "k", value: "v" }, "c", 3);
    expect(n.effects.some((e) => e.type === "reply")).toBe(false);
    expect(n.state.commitIndex).toBe(1);
    expect(n.sent()).toEqual([["n1", selfAck(1, 2)]]);
    // That acknowledgement is lost: the heartbeat sends it again.
    n.timer("heartbeat");
    expect(n.sent()).toEqual([["n1", selfAck(1, 2)]]);
    n.deliver("n1", selfAck(1, 2));
    expect(n.state.commitIndex).toBe(2);
    expect(n.effects).toContainEqual({ type: "reply", client: "c", id: 3, res: { ok: true } });
    // Nothing left to acknowledge: heartbeats send nothing.
    expect(n.timer("heartbeat").sent()).toEqual([]);
  });

  it("ignores an acknowledgement of another term, and one when it does not lead", () => {
    const n = new OneNode({ size: 1 }).timer("election");
    n.deliver("n1", selfAck(0, 1));
    expect(n.state.commitIndex).toBe(0);
    const follower = OneNode.follower(2, [], { size: 3 });
    follower.deliver("n1", selfAck(2, 0));
    expect([follower.state.role, follower.state.commitIndex, follower.effects]).toEqual(["follower", 0, []]);
  });
});
