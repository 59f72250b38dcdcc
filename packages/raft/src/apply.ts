/** Applying committed entries to the state machine, and compacting the applied prefix into a snapshot (§7). */
import { currentMachine, type NodeStep } from "./context.js";
import { RaftLog } from "./log.js";
import type { Entry, Snapshot } from "./types.js";

/** Applies committed entries in order, exactly once; the leader answers the clients waiting on them. */
export function applyCommitted(node: NodeStep): void {
  const { state, machine, fx } = node;
  const commitIndex = state.commitIndex;
  let applied = state.lastApplied;
  if (applied >= commitIndex) return;
  const log = state.log;
  const pending = state.role === "leader" ? state.pending : undefined;
  let machineState = currentMachine(node);
  while (applied < commitIndex) {
    applied++;
    const entry = log.entryAt(applied) as Entry;
    const out = machine.apply(machineState, entry.command);
    machineState = out.state;
    const waiting = pending?.[applied];
    if (waiting !== undefined) {
      fx.reply(waiting.client, waiting.id, waiting.term === entry.term ? out.result : { ok: false, error: "entry lost to another leader" });
      delete (pending as Record<number, unknown>)[applied];
    }
  }
  state.lastApplied = applied;
  state.machine = machineState;
  if (applied - log.snapshot.index >= node.config.snapshotThreshold) compact(node);
}

/** §7: folds the applied prefix into a snapshot; the durable log becomes one record. */
function compact(node: NodeStep): void {
  const state = node.state;
  const index = state.lastApplied;
  const snapshot: Snapshot = { index, term: state.log.termAt(index) as number, machine: currentMachine(node) };
  state.log = state.log.compactTo(snapshot);
  node.fx.compact({ type: "snapshot", term: state.term, votedFor: state.votedFor, snapshot, entries: state.log.entries() });
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
