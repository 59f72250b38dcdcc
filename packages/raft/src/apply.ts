/** Applying committed entries to the state machine, and compacting the applied prefix into a snapshot (§7). */
import type { NodeStep } from "./context.js";
import { RaftLog } from "./log.js";
import type { PendingRequest } from "./state.js";
import type { Entry, KvResponse, Snapshot } from "./types.js";

/** Applies committed entries in order, exactly once; the leader answers the clients waiting on them. */
export function applyCommitted(node: NodeStep): void {
  const { state, machine } = node;
  const commitIndex = state.commitIndex;
  const first = state.lastApplied + 1;
  if (first > commitIndex) return;
  const log = state.log;
  const entries: Entry[] = [];
  for (let i = first; i <= commitIndex; i++) entries.push(log.entryAt(i) as Entry);
  // Whatever the machine answers goes to the client as is (`any` in NodeStep's machine).
  let results: readonly KvResponse[];
  if (machine.applyAll !== undefined) {
    // One call for the whole run: the machine copies its state once, not once per entry.
    const out = machine.applyAll(state.machine, entries.map((e) => e.command));
    state.machine = out.state;
    results = out.results;
  } else {
    let machineState = state.machine;
    results = entries.map((e) => {
      const out = machine.apply(machineState, e.command);
      machineState = out.state;
      return out.result;
    });
    state.machine = machineState;
  }
  if (state.role === "leader") answerPending(node, first, entries, results);
  state.lastApplied = commitIndex;
  if (commitIndex - log.snapshot.index >= node.config.snapshotThreshold) compact(node, commitIndex, log);
}

/** The leader answers the requests waiting on `entries` (which start at index `first`), in log order like its pending list. */
function answerPending(node: NodeStep, first: number, entries: readonly Entry[], results: readonly KvResponse[]): void {
  const pending = node.state.pending as readonly PendingRequest[];
  let answered = 0;
  for (let k = 0; k < entries.length; k++) {
    // Pending requests are in log order: the first unanswered one is the only one that can wait on this entry.
    const waiting = pending[answered];
    if (waiting === undefined || waiting.index !== first + k) continue;
    const entry = entries[k] as Entry;
    node.fx.reply(waiting.client, waiting.id, waiting.term === entry.term ? (results[k] as KvResponse) : { ok: false, error: "entry lost to another leader" });
    answered++;
  }
  if (answered > 0) node.state.pending = Object.freeze(pending.slice(answered));
}

/** §7: folds the applied prefix into a snapshot; the durable log becomes one record. */
function compact(node: NodeStep, index: number, log: RaftLog): void {
  const state = node.state;
  const snapshot: Snapshot = Object.freeze({ index, term: log.termAt(index) as number, machine: state.machine });
  const compacted = log.compactTo(snapshot, node.config.snapshotCatchUpEntries);
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
