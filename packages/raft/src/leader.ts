/** The leader's part (etcd's stepLeader): replication, the commit rule, heartbeats and CheckQuorum, proposals. */
import type { NodeId } from "@faultline/kernel";
import { applyCommitted } from "./apply.js";
import { HEARTBEAT_TIMER, type NodeStep } from "./context.js";
import type { RaftLog } from "./log.js";
import type { ProgressTracker } from "./progress.js";
import { isQuorum, quorumIndex } from "./quorum.js";
import { sendSnapshot } from "./snapshot-chunks.js";
import { appendOwn, becomeFollower } from "./roles.js";
import type { PendingRequest } from "./state.js";
import type { Entry, KvRequest, RaftMessage } from "./types.js";

/** A message of the current term to the leader. */
export function stepLeader(node: NodeStep, from: NodeId, msg: RaftMessage): void {
  switch (msg.type) {
    case "append-reply":
      return handleAppendReply(node, from, msg);
    case "snapshot-reply":
      return msg.offset !== undefined ? snapshotProgress(node, from, msg.index ?? -1, msg.offset) : replicated(node, from, msg.match);
    default:
      // Replies to an election already won, or (impossible: one leader per term) another leader's appends.
      return;
  }
}

/**
 * Sizes of entries' commands as JSON text in UTF-16 units (a unit is at most 3 UTF-8 bytes, so the
 * default cap stays under the TCP runtime's 1 MiB frames), kept per immutable entry: a cache,
 * never a decision.
 */
const entrySizes = new WeakMap<object, number>();

/**
 * An upper bound on the length of `v` as JSON text in UTF-16 units, without building the text
 * (each string unit escapes to at most 6 units, a number to at most 24); Infinity where unsure
 * (deep values, `toJSON`). Only ever compared with a cap, so the decision stays exact.
 */
function jsonLengthBound(v: unknown, depth = 0): number {
  switch (typeof v) {
    case "string":
      return 2 + 6 * v.length;
    case "number":
      return 24;
    case "boolean":
      return 5;
    case "object": {
      if (v === null) return 4;
      if (depth > 8 || typeof (v as { toJSON?: unknown }).toJSON === "function") return Infinity;
      let n = 2;
      if (Array.isArray(v)) {
        for (const item of v) n += 1 + (item === undefined || typeof item === "function" ? 4 : jsonLengthBound(item, depth + 1));
        return n;
      }
      for (const key in v) {
        if (!Object.hasOwn(v, key)) continue;
        const item = (v as Record<string, unknown>)[key];
        if (item !== undefined && typeof item !== "function") n += 4 + 6 * key.length + jsonLengthBound(item, depth + 1);
      }
      return n;
    }
    default:
      return Infinity;
  }
}

/** How many of `entries`, from the first, fit in `maxBytes` (at least one, so a big entry still goes). */
function entriesWithin(entries: readonly Entry[], maxBytes: number): number {
  // The common case, small commands far below the cap, decided from a bound without serialising any.
  let bound = 0;
  for (let i = 0; i < entries.length && bound <= maxBytes; i++) bound += jsonLengthBound((entries[i] as Entry).command);
  if (bound <= maxBytes) return entries.length;
  let bytes = 0;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] as Entry;
    let size = entrySizes.get(entry);
    if (size === undefined) {
      size = JSON.stringify(entry.command).length;
      entrySizes.set(entry, size);
    }
    bytes += size;
    if (bytes > maxBytes && i > 0) return i;
  }
  return entries.length;
}

/**
 * Sends `peer` what it needs from index `next` on: entries (none: a heartbeat), or the snapshot
 * when they are compacted (and not kept as catch-up entries). Returns the follower's next index afterwards (pipelining: delivery is
 * assumed; a failed reply or a heartbeat's answer resets it).
 */
function sendFrom(node: NodeStep, peer: NodeId, next: number, log: RaftLog, term: number, commit: number): number {
  if (next < log.sendableFrom) {
    sendSnapshot(node, peer, log.snapshot, term, 0);
    return next;
  }
  const prevIndex = next - 1;
  let last = Math.min(log.lastIndex, prevIndex + node.config.maxEntriesPerAppend);
  // Catch-up entries (`snapshotCatchUpEntries`) let a follower just behind the snapshot get entries instead.
  let entries = next > log.snapshot.index ? log.entries(next, last) : log.entriesToSend(next, last);
  const fit = entriesWithin(entries, node.config.maxBytesPerAppend);
  if (fit < entries.length) {
    entries = entries.slice(0, fit);
    last = prevIndex + fit;
  }
  node.fx.send(peer, { type: "append", term, prevIndex, prevTerm: log.termToSend(prevIndex) as number, entries, commit });
  return entries.length > 0 ? last + 1 : next;
}

/**
 * Sends every follower what it needs next (figure 2: AppendEntries, empty for a heartbeat). A lone
 * leader sends itself the acknowledgement instead (see {@link maybeCommit}), again at each
 * heartbeat until it is committed (a message can be lost).
 */
export function broadcastAppend(node: NodeStep): void {
  const state = node.state;
  acknowledgeOwnAppend(node, true);
  const { log, term, commitIndex, progress } = state;
  let next: number[] | undefined;
  for (let s = 0; s < progress.peers.length; s++) {
    const was = progress.next[s] as number;
    const now = sendFrom(node, progress.peers[s] as NodeId, was, log, term, commitIndex);
    if (now !== was) (next ??= progress.next.slice())[s] = now;
  }
  if (next !== undefined) state.progress = progress.withNext(next);
}

/**
 * The commit rule: the highest index a majority holds commits if the rules allow it (figure 8:
 * only entries of the current term). The leader counts its own log only as far as it is durable
 * (`durable`). With followers that is all of it: a step that appends also sends to them, and a
 * send makes the step's persists durable first (the kernel's contract); besides, a majority of two
 * or more holds only indexes some follower holds, which the leader sent. A lone leader sends
 * nothing, so an append is durable only once it sent itself the acknowledgement after it (etcd's
 * self-addressed MsgAppResp) and that arrived: only then does its own index count. With
 * `parallelLeaderWrite` its appends leave before its writes are durable, so the leader always
 * counts itself that way, up to `progress.own` (thesis §10.2.1).
 */
export function maybeCommit(node: NodeStep, progress: ProgressTracker = node.state.progress, durable = ownDurable(node, progress)): void {
  const state = node.state;
  const { log, commitIndex } = state;
  const index = quorumIndex(Math.min(durable, log.lastIndex), progress.match);
  if (index > commitIndex && node.rules.mayCommit(log.termAt(index) as number, state.term)) {
    state.commitIndex = index;
    applyCommitted(node);
  }
}

function handleAppendReply(node: NodeStep, from: NodeId, msg: Extract<RaftMessage, { type: "append-reply" }>): void {
  if (msg.success) return replicated(node, from, msg.match);
  const state = node.state;
  const { log, progress } = state;
  const s = progress.slot(from);
  if (s < 0) return;
  const match = progress.match[s] as number;
  if (msg.conflictIndex === undefined) {
    state.progress = progress.with(s, progress.next[s] as number, match, node.ctx.now());
    return;
  }
  let next = msg.conflictIndex;
  if (msg.conflictTerm !== undefined) {
    // Fast backtracking: if we hold entries of that term, resume after our last one; else skip the whole term.
    for (let i = log.lastIndex; i > log.snapshot.index; i--) {
      const term = log.termAt(i) as number;
      if (term === msg.conflictTerm) {
        next = i + 1;
        break;
      }
      if (term < msg.conflictTerm) break;
    }
  }
  next = Math.max(Math.min(next, log.lastIndex + 1), match + 1, 1);
  next = sendFrom(node, from, next, log, state.term, state.commitIndex);
  state.progress = progress.with(s, next, match, node.ctx.now());
}

/** A follower holds the leader's log up to `match`: advance its progress, maybe commit, send what it still lacks. */
function replicated(node: NodeStep, from: NodeId, match: number): void {
  const state = node.state;
  const progress = state.progress;
  const s = progress.slot(from);
  if (s < 0) return;
  const newMatch = Math.max(match, progress.match[s] as number);
  const next = Math.max(match + 1, progress.next[s] as number);
  const updated = progress.with(s, next, newMatch, node.ctx.now());
  state.progress = updated;
  if (newMatch !== progress.match[s]) maybeCommit(node, updated);
  const log = state.log;
  if (next <= log.lastIndex) {
    const after = sendFrom(node, from, next, log, state.term, state.commitIndex);
    if (after !== next) state.progress = updated.with(s, after, newMatch, updated.lastAck[s] as number);
  }
}

/** How far the leader's own log counts in the commit quorum (see {@link maybeCommit}). */
function ownDurable(node: NodeStep, progress: ProgressTracker): number {
  if (node.config.parallelLeaderWrite) return progress.own;
  return progress.peers.length > 0 ? node.state.log.lastIndex : node.state.commitIndex;
}

/**
 * The leader's acknowledgement of its own append arrived: its log is durable up to `match` (the
 * term rules out an earlier leadership's: a term has one leader, and it leads once).
 */
export function selfAcknowledged(node: NodeStep, msg: RaftMessage): void {
  const state = node.state;
  if (msg.type !== "append-reply" || !msg.success || state.role !== "leader" || msg.term !== state.term) return;
  if (!node.config.parallelLeaderWrite) return maybeCommit(node, state.progress, msg.match);
  state.progress = state.progress.withOwn(Math.min(msg.match, state.log.lastIndex));
  acknowledgeOwnAppend(node, false); // what was appended since it was asked for
  maybeCommit(node, state.progress);
}

/**
 * A follower receiving a chunked snapshot holds `offset` units of the one at `index`: it is alive
 * (CheckQuorum), and gets the next chunk — of the current snapshot from the start if the leader
 * compacted again meanwhile — while it still needs one.
 */
function snapshotProgress(node: NodeStep, from: NodeId, index: number, offset: number): void {
  const state = node.state;
  const { log, progress } = state;
  const s = progress.slot(from);
  if (s < 0) return;
  state.progress = progress.with(s, progress.next[s] as number, progress.match[s] as number, node.ctx.now());
  if ((progress.next[s] as number) > log.snapshot.index) return;
  sendSnapshot(node, from, log.snapshot, state.term, index === log.snapshot.index ? offset : 0);
}

/** Heartbeat: with CheckQuorum, step down unless a majority answered within an election timeout (§6.2); then send to everyone. */
export function leaderHeartbeat(node: NodeStep): void {
  const { state, config, ctx } = node;
  if (config.checkQuorum) {
    const live = 1 + state.progress.recentlyActive(ctx.now(), config.electionTimeoutMaxMs);
    if (!isQuorum(live, ctx.nodes.length)) return becomeFollower(node, state.term, null);
  }
  broadcastAppend(node);
  node.fx.setTimer(HEARTBEAT_TIMER, config.heartbeatIntervalMs);
}

/**
 * §5.3: a client's command becomes an entry of the leader's log; the client is answered once it
 * is applied. Only followers with nothing unacknowledged get it at once: for the others it waits
 * for their next ack (or heartbeat), so proposals arriving while an append is in flight travel
 * together in one AppendEntries, which the follower persists in one write (group commit). A
 * follower that needs the snapshot gets none: the snapshot is its next message.
 */
export function propose(node: NodeStep, client: string, id: number, request: KvRequest): void {
  const state = node.state;
  let index: number;
  if (node.config.parallelLeaderWrite) {
    // Thesis §10.2.1: send first, then write; the acknowledgement to itself after the write is
    // what counts the leader (a crash during the write loses the entry, never a commit).
    index = state.log.lastIndex + 1;
    const entry = Object.freeze({ term: state.term, command: Object.freeze(request) });
    state.log = state.log.append([entry]);
    sendToIdle(node, false);
    node.fx.persist({ type: "append", index, entries: [entry] });
    acknowledgeOwnAppend(node, false);
  } else {
    index = appendOwn(node, request);
    sendToIdle(node, true);
  }
  const waiting: PendingRequest = Object.freeze({ index, client, id, term: state.term });
  state.pending = Object.freeze([...state.pending, waiting]);
}

/**
 * A lone leader, or any leader with `parallelLeaderWrite`, acknowledges its own append with a
 * message to itself: the interpreter writes the step's records before any later send, so the
 * acknowledgement means the entries are durable (etcd's self-addressed MsgAppResp), and only
 * then does the leader count itself for them. Sent again at each heartbeat (`again`) until
 * acknowledged (a message can be lost). With `parallelLeaderWrite` one acknowledgement is on its
 * way at a time: appends meanwhile are asked for when it returns, so a batch of proposals costs
 * one acknowledgement step, not one each.
 */
function acknowledgeOwnAppend(node: NodeStep, again: boolean): void {
  const state = node.state;
  const { log, term, commitIndex, progress } = state;
  if (!node.config.parallelLeaderWrite) {
    if (progress.peers.length === 0 && log.lastIndex > commitIndex) node.fx.send(node.ctx.self, { type: "append-reply", term, success: true, match: log.lastIndex });
    return;
  }
  if (log.lastIndex <= progress.own || (!again && progress.ownAsked > progress.own)) return;
  node.fx.send(node.ctx.self, { type: "append-reply", term, success: true, match: log.lastIndex });
  state.progress = progress.withOwnAsked(log.lastIndex);
}

/** Sends the new entries to every follower that has acknowledged all it was sent (`ack`: acknowledge its own append first). */
function sendToIdle(node: NodeStep, ack: boolean): void {
  if (ack) acknowledgeOwnAppend(node, false);
  const state = node.state;
  const { log, term, commitIndex, progress } = state;
  let next: number[] | undefined;
  for (let s = 0; s < progress.peers.length; s++) {
    const was = progress.next[s] as number;
    if (was - 1 > (progress.match[s] as number)) continue; // an append is in flight: its ack sends the rest
    // It needs the snapshot: heartbeats and its replies send it, not every proposal (a proposal
    // each would send a whole snapshot each, as etcd's paused StateSnapshot avoids).
    if (was < log.sendableFrom) continue;
    const now = sendFrom(node, progress.peers[s] as NodeId, was, log, term, commitIndex);
    if (now !== was) (next ??= progress.next.slice())[s] = now;
  }
  if (next !== undefined) state.progress = progress.withNext(next);
}
