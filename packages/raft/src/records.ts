/** Folding a node's durable records back into its persistent state (restart). */
import type { NodeId } from "@faultline/kernel";
import { RaftLog } from "./log.js";
import type { Entry, RaftRecord } from "./types.js";

/** The persistent part of a node's state. */
export interface DurableState {
  readonly term: number;
  readonly votedFor: NodeId | null;
  readonly log: RaftLog;
}

/** Folds `records` in order; `initial` is the state machine's first state (for the empty snapshot). */
export function foldRecords(records: readonly RaftRecord[], initial: unknown): DurableState {
  let term = 0;
  let votedFor: NodeId | null = null;
  let log = RaftLog.of({ index: 0, term: 0, machine: initial });
  // Appends are folded into a plain array and turned into a log once.
  let entries: Entry[] = [];
  for (const r of records) {
    switch (r.type) {
      case "term":
        term = r.term;
        votedFor = r.votedFor;
        break;
      case "append":
        if (r.index <= log.snapshot.index) throw new Error(`corrupt raft log: append at ${r.index} inside the snapshot (up to ${log.snapshot.index})`);
        if (r.index > log.snapshot.index + entries.length + 1) throw new Error(`corrupt raft log: append at ${r.index} leaves a gap after ${log.snapshot.index + entries.length}`);
        entries = [...entries.slice(0, r.index - log.snapshot.index - 1), ...r.entries];
        break;
      case "snapshot":
        term = r.term;
        votedFor = r.votedFor;
        log = RaftLog.of(r.snapshot);
        entries = [...r.entries];
        break;
    }
  }
  return { term, votedFor, log: RaftLog.of(log.snapshot, entries) };
}
