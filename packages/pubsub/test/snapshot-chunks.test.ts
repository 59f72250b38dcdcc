/**
 * Raft sends a snapshot larger than `maxSnapshotChunkBytes` as `snapshot-chunk` messages. A
 * broker that lagged behind a compacted log must get the whole pub/sub state that way; the wire
 * validator must accept chunks; and the test hook that rewrites restored snapshots (how the
 * mutants drop a table from snapshots) must reach a snapshot installed from chunks too.
 */
import { describe, expect, it } from "vitest";
import { validateBrokerMessage, type PubSubMachineState } from "@faultline/pubsub";
import { startPubSub } from "./harness.js";

const CHUNK = 64;

/** n3 cut off while 12 publishes commit (snapshots every 3 entries), then healed: it can only catch up by snapshot. */
function lagging(hooks?: { restore: (m: PubSubMachineState) => PubSubMachineState }) {
  const r = startPubSub({ seed: 4, config: { raft: { snapshotThreshold: 3, maxSnapshotChunkBytes: CHUNK } }, ...(hooks === undefined ? {} : { hooks }) });
  r.sim.runUntil(1_500);
  const leader = r.leader() as string;
  const behind = r.cluster.ids.find((id) => id !== leader) as string;
  r.sim.inject({ at: r.sim.time, type: "partition", groups: [[behind], r.cluster.ids.filter((id) => id !== behind)] });
  for (let seq = 1; seq <= 12; seq++) r.sim.request(leader, "p", { op: "publish", topic: "t", producer: "p", seq, payload: `message ${seq}` }, 1_500 + seq * 20);
  r.sim.runUntil(2_500);
  r.sim.inject({ at: r.sim.time, type: "heal" });
  r.sim.runUntil(4_000);
  return { r, leader, behind };
}

describe("pub/sub over chunked snapshots", () => {
  it("a broker behind a compacted log gets a state larger than one chunk, in chunks", () => {
    const { r, leader, behind } = lagging();
    const ahead = r.machine(leader) as PubSubMachineState;
    expect(JSON.stringify(ahead).length).toBeGreaterThan(4 * CHUNK);
    const snap = r.state(behind)?.raft.log.snapshot;
    expect(snap?.index).toBeGreaterThan(3); // it installed a snapshot (not the log's entries)
    expect(JSON.stringify(snap?.machine).length).toBeGreaterThan(CHUNK); // over the cap: Raft sent it as chunks, never as one `snapshot` message
    expect(r.state(behind)?.raft.commitIndex).toBe(r.state(leader)?.raft.commitIndex);
    expect(r.machine(behind)).toEqual(ahead);
  });

  it("the restore hook rewrites a snapshot installed from chunks (as it does a whole one)", () => {
    const { r, leader, behind } = lagging({ restore: (m) => ({ ...m, producers: {} }) });
    expect(Object.keys((r.machine(leader) as PubSubMachineState).producers)).toEqual(["p"]);
    expect(r.state(behind)?.raft.log.snapshot.index).toBeGreaterThan(3);
    expect((r.state(behind)?.raft.log.snapshot.machine as PubSubMachineState).producers).toEqual({});
  });

  it("the wire validator accepts a chunk and names a bad field", () => {
    const config = { maxTopicLength: 64, maxPayload: 1024, maxBatch: 16 };
    const chunk = { type: "snapshot-chunk", term: 2, lastIncludedIndex: 9, lastIncludedTerm: 2, offset: 0, data: "{", done: false };
    expect(validateBrokerMessage(chunk, config)).toBeUndefined();
    expect(validateBrokerMessage({ ...chunk, offset: -1 }, config)).toMatch(/offset/);
    expect(validateBrokerMessage({ type: "snapshot-reply", term: 2, match: 3, index: 9, offset: 64 }, config)).toBeUndefined();
  });
});
