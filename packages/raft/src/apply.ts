/** Applying committed entries to the state machine, and compacting the applied prefix into a snapshot (§7). */
import type { NodeStep } from "./context.js";
import { RaftLog } from "./log.js";
import type { PendingRequest } from "./state.js";
import type { Entry, Snapshot } from "./types.js";

/** Applies committed entries in order, exactly once; the leader answers the clients waiting on them. */
export function applyCommitted(node: NodeStep): void {
  const { state, machine, fx } = node;
  const commitIndex = state.commitIndex;
  let applied = state.lastApplied;
  if (applied >= commitIndex) return;
  const log = state.log;
  let pending = state.role === "leader" ? state.pending : undefined;
  let machineState = state.machine;
  while (applied < commitIndex) {
    applied++;
    const entry = log.entryAt(applied) as Entry;
    const out = machine.apply(machineState, entry.command);
    machineState = out.state;
    // Pending requests are in log order: the first one is the only one that can wait on this entry.
    const waiting = pending?.[0];
    if (waiting !== undefined && waiting.index === applied) {
      fx.reply(waiting.client, waiting.id, waiting.term === entry.term ? out.result : { ok: false, error: "entry lost to another leader" });
      pending = Object.freeze((pending as readonly PendingRequest[]).slice(1));
    }
  }
  state.lastApplied = applied;
  state.machine = machineState;
  if (pending !== undefined) state.pending = pending;
  if (applied - log.snapshot.index >= node.config.snapshotThreshold) compact(node, applied, log);
}

/** §7: folds the applied prefix into a snapshot; the durable log becomes one record. */
function compact(node: NodeStep, index: number, log: RaftLog): void {
  const state = node.state;
  const snapshot: Snapshot = Object.freeze({ index, term: log.termAt(index) as number, machine: state.machine });
  const compacted = log.compactTo(snapshot);
  state.log = compacted;
  node.fx.compact({ type: "snapshot", term: state.term, votedFor: state.votedFor, snapshot, entries: compacted.entries() });
}

/** §7 InstallSnapshot: a snapshot past our commit index replaces what it covers; a suffix that agrees with it stays. */
export function installSnapshot(node: NodeStep, snapshot: Snapshot): void {
  const state = node.state;
  if (snapshot.index <= state.commitIndex) return;
  const log = state.log;
  state.log = log.termAt(snapshot.index) === snapshot.term ? log.compactTo(snapshot) : RaftLog.of(snapshot);
  state.commitIndex = snapshot.index;
  state.lastApplied = snapshot.index;
  state.machine = snapshot.machine;
  node.fx.compact({ type: "snapshot", term: state.term, votedFor: state.votedFor, snapshot: state.log.snapshot, entries: state.log.entries() });
}
