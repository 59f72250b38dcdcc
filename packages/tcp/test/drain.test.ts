/** Graceful stop of a node whose peers keep talking: it waits for its clients, not for silence on every link. */
import { describe, expect, it } from "vitest";
import { describeRole, raftCluster } from "./helpers.js";

describe("drain", () => {
  it("an idle node with chatty peers (heartbeats every 30 ms) stops long before its drain timeout", async () => {
    const c = await raftCluster(["n1", "n2", "n3"], { describe: describeRole });
    try {
      for (const id of ["n1", "n2", "n3"]) await c.start(id);
      const leader = await c.leader();
      const follower = ["n1", "n2", "n3"].find((id) => id !== leader) as string;
      const node = c.running.get(follower);
      const started = Date.now();
      const result = await node?.drain(30_000);
      c.running.delete(follower);
      expect(result).toEqual({ answered: 0, unanswered: 0 });
      // Peer frames used to count as activity, so the drain ran until a 100 ms gap between heartbeats happened to come (12.8 s of a 30 s timeout here), or to the timeout.
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await c.closeAll();
    }
  }, 60_000);
});
