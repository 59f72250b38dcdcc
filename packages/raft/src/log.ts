/** Reading a node's log: entries after its snapshot, indexed from 1 like the paper. */
import type { Entry, Snapshot } from "./types.js";

/** The part of a node's state that holds its log. */
export interface LogView {
  readonly snapshot: Snapshot;
  /** Entries after `snapshot.index`: entry `i` is `log[i - snapshot.index - 1]`. */
  readonly log: readonly Entry[];
}

/** Index of the last entry (the snapshot's index when the log is empty). */
export function lastIndex(v: LogView): number {
  return v.snapshot.index + v.log.length;
}

/** Term of the entry at `i` (the snapshot's term at its index, 0 at index 0), or undefined when compacted away or absent. */
export function termAt(v: LogView, i: number): number | undefined {
  if (i === v.snapshot.index) return v.snapshot.term;
  return i < v.snapshot.index ? undefined : v.log[i - v.snapshot.index - 1]?.term;
}

/** Term of the last entry. */
export function lastTerm(v: LogView): number {
  return termAt(v, lastIndex(v)) as number;
}

/** The entry at `i`, if it is in the log (not compacted, not past the end). */
export function entryAt(v: LogView, i: number): Entry | undefined {
  return i <= v.snapshot.index ? undefined : v.log[i - v.snapshot.index - 1];
}

/** Entries from index `from` to `to` inclusive (clamped to what the log holds). */
export function entriesBetween(v: LogView, from: number, to: number): Entry[] {
  const start = Math.max(from, v.snapshot.index + 1) - v.snapshot.index - 1;
  return v.log.slice(start, Math.max(start, to - v.snapshot.index));
}

/** §5.4.1: a candidate's log is at least as up to date as `v` when its last term is higher, or equal with an index at least as high. */
export function upToDate(v: LogView, candidateLastIndex: number, candidateLastTerm: number): boolean {
  const mine = lastTerm(v);
  return candidateLastTerm > mine || (candidateLastTerm === mine && candidateLastIndex >= lastIndex(v));
}
