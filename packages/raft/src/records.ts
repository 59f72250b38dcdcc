/** Folding a node's durable records back into its persistent state (restart). */
import type { NodeId } from "@faultline/kernel";
import type { Entry, RaftRecord, Snapshot } from "./types.js";

/** The persistent part of a node's state. */
export interface DurableState {
  readonly term: number;
  readonly votedFor: NodeId | null;
  readonly snapshot: Snapshot;
  readonly log: readonly Entry[];
}

/** Folds `records` in order; `initial` is the state machine's first state (for the empty snapshot). */
export function foldRecords(records: readonly RaftRecord[], initial: unknown): DurableState {
  let term = 0;
  let votedFor: NodeId | null = null;
  let snapshot: Snapshot = { index: 0, term: 0, machine: initial };
  let log: Entry[] = [];
  for (const r of records) {
    switch (r.type) {
      case "term":
        term = r.term;
        votedFor = r.votedFor;
        break;
      case "append":
        if (r.index <= snapshot.index) throw new Error(`corrupt raft log: append at ${r.index} inside the snapshot (up to ${snapshot.index})`);
        log = [...log.slice(0, r.index - snapshot.index - 1), ...r.entries];
        break;
      case "snapshot":
        term = r.term;
        votedFor = r.votedFor;
        snapshot = r.snapshot;
        log = [...r.entries];
        break;
    }
  }
  return { term, votedFor, snapshot, log };
}
