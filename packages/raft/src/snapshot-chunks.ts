/**
 * InstallSnapshot in chunks (§7 of the extended paper: `offset`, `data`, `done`). A snapshot whose
 * machine state, as JSON text, exceeds `maxSnapshotChunkBytes` is sent as slices of that text;
 * smaller ones still go whole in one `snapshot` message.
 *
 * The leader keeps no transfer state: each chunk is answered with how much the follower holds,
 * and that answer asks for the next chunk. A lost chunk ends the exchange until the next
 * heartbeat or AppendEntries reply sends the first chunk again, to which the follower, keeping
 * what it has of the same snapshot, answers with its offset: the transfer resumes. A chunk at any
 * other offset than the expected one is dropped unanswered, so a duplicate exchange dies out.
 */
import type { NodeId } from "@faultline/kernel";
import { installSnapshot } from "./apply.js";
import type { NodeStep } from "./context.js";
import type { IncomingSnapshot } from "./state.js";
import type { RaftMessage, Snapshot } from "./types.js";

/** Machine states as JSON text, per immutable snapshot: a cache, never a decision. */
const texts = new WeakMap<Snapshot, string>();

function textOf(snapshot: Snapshot): string {
  let text = texts.get(snapshot);
  if (text === undefined) {
    text = JSON.stringify(snapshot.machine) ?? "null";
    texts.set(snapshot, text);
  }
  return text;
}

/** Leader: sends `snapshot` to `peer` from `offset` (whole when it fits in one chunk and `offset` is 0). */
export function sendSnapshot(node: NodeStep, peer: NodeId, snapshot: Snapshot, term: number, offset: number): void {
  const cap = node.config.maxSnapshotChunkBytes;
  const text = textOf(snapshot);
  if (offset === 0 && text.length <= cap) {
    node.fx.send(peer, { type: "snapshot", term, snapshot });
    return;
  }
  const start = Math.min(offset, text.length);
  const end = Math.min(start + cap, text.length);
  node.fx.send(peer, { type: "snapshot-chunk", term, lastIncludedIndex: snapshot.index, lastIncludedTerm: snapshot.term, offset: start, data: text.slice(start, end), done: end === text.length });
}

/** Follower: figure 13's receiver, steps 2–8 (step 1, the stale term, is answered by `step.ts`). */
export function receiveSnapshotChunk(node: NodeStep, from: NodeId, msg: Extract<RaftMessage, { type: "snapshot-chunk" }>): void {
  const state = node.state;
  const { term } = state;
  if (msg.lastIncludedIndex <= state.commitIndex) {
    // Already covered: say how far this log matches, and the leader moves on to entries.
    state.incoming = null;
    node.fx.send(from, { type: "snapshot-reply", term, match: state.commitIndex });
    return;
  }
  let incoming = state.incoming ?? null;
  const same = incoming !== null && incoming.index === msg.lastIncludedIndex && incoming.term === msg.lastIncludedTerm;
  if (!same) {
    // "Create new snapshot file if first chunk (offset is 0)"; a later chunk of another snapshot
    // is answered with offset 0 so the leader starts over.
    if (incoming !== null && incoming.index > msg.lastIncludedIndex) return; // a late chunk of an older snapshot
    incoming = Object.freeze({ index: msg.lastIncludedIndex, term: msg.lastIncludedTerm, received: 0, parts: Object.freeze([]) });
    state.incoming = incoming;
  }
  const held = incoming as IncomingSnapshot;
  if (msg.offset !== held.received) {
    // A first chunk again (a heartbeat's): resume from what is held. Anything else: a duplicate, dropped.
    if (msg.offset === 0) node.fx.send(from, { type: "snapshot-reply", term, match: state.commitIndex, index: held.index, offset: held.received });
    return;
  }
  // "Write data into snapshot file at given offset".
  const parts = Object.freeze([...held.parts, msg.data]);
  const received = held.received + msg.data.length;
  if (!msg.done) {
    // "Reply and wait for more data chunks if done is false".
    state.incoming = Object.freeze({ index: held.index, term: held.term, received, parts });
    node.fx.send(from, { type: "snapshot-reply", term, match: state.commitIndex, index: held.index, offset: received });
    return;
  }
  state.incoming = null;
  let machine: unknown;
  try {
    machine = JSON.parse(parts.join(""));
  } catch {
    // Damaged in transit or by a faulty leader: start over rather than install garbage.
    node.fx.send(from, { type: "snapshot-reply", term, match: state.commitIndex, index: held.index, offset: 0 });
    return;
  }
  // "Save snapshot file, discard any existing or partial snapshot with a smaller index", then
  // keep the log suffix that agrees with it or discard the log, and reset the state machine.
  installSnapshot(node, Object.freeze({ index: held.index, term: held.term, machine }));
  node.fx.send(from, { type: "snapshot-reply", term, match: Math.max(held.index, state.commitIndex) });
}
