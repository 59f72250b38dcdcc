/**
 * A node's log as one immutable value: the snapshot (everything compacted, up to its index) and
 * the entries after it, indexed from 1 like the paper.
 *
 * Entries sit in fixed-size chunks by position, so appending copies one chunk and the list of
 * chunks instead of the whole log, and two logs with the same content have the same shape (a
 * state's fingerprint depends on what it holds, not on how it got there). A `RaftLog` is a class
 * instance, so immer hands it out as is instead of drafting it: a step reads the log from the
 * draft directly and replaces it whole (`state.log = state.log.append(...)`), never walking it.
 * Only the log object itself is frozen (shallowly: immer then passes it by at once); no method
 * changes a chunk another log can see, so the entries are never walked to freeze them.
 *
 * A log may also keep catch-up entries (etcd's `SnapshotCatchUpEntries`): the last entries a
 * compaction folded into the snapshot, so a leader can still send a follower that lags a little
 * behind its snapshot entries instead of the whole snapshot. They are not part of the log's
 * content (`entryAt`, `termAt`, `entries` and the durable records never see them), only of what a
 * leader can send (`sendableFrom`, `entriesToSend`, `termToSend`).
 */
import type { Entry, Snapshot } from "./types.js";

/** Entries per chunk: appending one entry copies at most this many references plus the chunk list. */
const CHUNK = 32;

const EMPTY_CHUNKS: readonly (readonly Entry[])[] = Object.freeze([]);

/** An immutable Raft log: a snapshot and the entries after it. */
export class RaftLog {
  /** Everything up to and including `snapshot.index`, compacted. */
  readonly snapshot: Snapshot;
  /** Entries after the snapshot, in chunks of {@link CHUNK} (the last one may be shorter). */
  readonly chunks: readonly (readonly Entry[])[];
  /** How many entries follow the snapshot. */
  readonly length: number;
  /** Catch-up entries: the last ones up to `snapshot.index`, already compacted (undefined when none, so fingerprints of logs without them are unchanged). */
  readonly behind: readonly Entry[] | undefined;

  private constructor(snapshot: Snapshot, chunks: readonly (readonly Entry[])[], length: number, behind?: readonly Entry[]) {
    this.snapshot = snapshot;
    this.chunks = chunks;
    this.length = length;
    this.behind = behind !== undefined && behind.length > 0 ? behind : undefined;
    // Frozen (shallowly), so immer's finalize passes it by at the first check.
    Object.freeze(this);
  }

  /** A log holding `snapshot` and then `entries`. */
  static of(snapshot: Snapshot, entries: readonly Entry[] = []): RaftLog {
    const chunks: (readonly Entry[])[] = [];
    for (let i = 0; i < entries.length; i += CHUNK) chunks.push(entries.slice(i, i + CHUNK).map(freezeEntry));
    return new RaftLog(snapshot, chunks.length === 0 ? EMPTY_CHUNKS : chunks, entries.length);
  }

  /** Index of the last entry (the snapshot's index when no entry follows it). */
  get lastIndex(): number {
    return this.snapshot.index + this.length;
  }

  /** Term of the last entry. */
  get lastTerm(): number {
    return this.length === 0 ? this.snapshot.term : (this.at(this.length - 1) as Entry).term;
  }

  /** Term of the entry at index `i` (the snapshot's term at its index), or undefined when compacted away or absent. */
  termAt(i: number): number | undefined {
    if (i === this.snapshot.index) return this.snapshot.term;
    return this.entryAt(i)?.term;
  }

  /** The entry at index `i`, if the log holds it (not compacted, not past the end). */
  entryAt(i: number): Entry | undefined {
    const position = i - this.snapshot.index - 1;
    return position < 0 || position >= this.length ? undefined : this.at(position);
  }

  /** Entries from index `from` to `to` inclusive, clamped to what the log holds. */
  entries(from = this.snapshot.index + 1, to = this.lastIndex): Entry[] {
    const start = Math.max(from, this.snapshot.index + 1) - this.snapshot.index - 1;
    const end = Math.min(to, this.lastIndex) - this.snapshot.index;
    const out: Entry[] = [];
    for (let p = start; p < end; p++) out.push(this.at(p) as Entry);
    return out;
  }

  /** This log with `entries` appended after its last entry. */
  append(entries: readonly Entry[]): RaftLog {
    if (entries.length === 0) return this;
    const chunks = this.chunks.slice();
    let length = this.length;
    // The last chunk is shared with this log: copied once, then extended in place.
    let open: Entry[] | undefined;
    for (const entry of entries) {
      freezeEntry(entry);
      if (length % CHUNK === 0) {
        open = [entry];
        chunks.push(open);
      } else {
        if (open === undefined) chunks[chunks.length - 1] = open = (chunks[chunks.length - 1] as readonly Entry[]).slice();
        open.push(entry);
      }
      length++;
    }
    return new RaftLog(this.snapshot, chunks, length, this.behind);
  }

  /** This log with everything from index `from` on replaced by `entries` (§5.3: a conflicting suffix goes). */
  replaceFrom(from: number, entries: readonly Entry[]): RaftLog {
    const keep = from - this.snapshot.index - 1;
    if (keep < 0) throw new Error(`cannot replace the log from ${from}: entries up to ${this.snapshot.index} are compacted`);
    if (keep >= this.length) return this.append(entries);
    const whole = Math.floor(keep / CHUNK);
    const chunks = this.chunks.slice(0, whole);
    const rest = keep % CHUNK;
    if (rest > 0) chunks.push((this.chunks[whole] as readonly Entry[]).slice(0, rest));
    return new RaftLog(this.snapshot, chunks, keep, this.behind).append(entries);
  }

  /**
   * The log after compacting everything up to `snapshot.index` into `snapshot` (entries after it
   * kept), keeping up to `catchUp` of the entries it folds as catch-up entries (only those this
   * log holds or kept, contiguous up to the snapshot's index).
   */
  compactTo(snapshot: Snapshot, catchUp = 0): RaftLog {
    const log = RaftLog.of(snapshot, this.entries(snapshot.index + 1));
    if (catchUp <= 0) return log;
    const behind: Entry[] = [];
    for (let i = snapshot.index; i > snapshot.index - catchUp; i--) {
      const entry = this.entryToSend(i);
      if (entry === undefined) break;
      behind.push(entry);
    }
    return behind.length === 0 ? log : new RaftLog(snapshot, log.chunks, log.length, behind.reverse());
  }

  /**
   * Lowest index `next` from which a leader can send entries rather than the snapshot: the entry
   * before it must be known (its term is the append's `prevTerm`). `snapshot.index + 1` without
   * catch-up entries.
   */
  get sendableFrom(): number {
    const kept = this.behind?.length ?? 0;
    return kept === 0 ? this.snapshot.index + 1 : this.snapshot.index - kept + 2;
  }

  /** Entries from `from` (at least {@link sendableFrom}) to `to` inclusive, catch-up entries included. */
  entriesToSend(from: number, to: number): Entry[] {
    if (from > this.snapshot.index) return this.entries(from, to);
    const out: Entry[] = [];
    // From the first catch-up entry at the lowest (the caller asks from `sendableFrom` on).
    for (let i = Math.max(from, this.snapshot.index - (this.behind?.length ?? 0) + 1); i <= Math.min(to, this.lastIndex); i++) out.push(this.entryToSend(i) as Entry);
    return out;
  }

  /** Term of entry `i` for an append's `prevTerm`: {@link termAt}, or a catch-up entry's. */
  termToSend(i: number): number | undefined {
    return i >= this.snapshot.index ? this.termAt(i) : this.entryToSend(i)?.term;
  }

  private entryToSend(i: number): Entry | undefined {
    if (i > this.snapshot.index) return this.entryAt(i);
    const behind = this.behind;
    if (behind === undefined) return undefined;
    return behind[behind.length - 1 - (this.snapshot.index - i)];
  }

  /** Plain JSON: the snapshot and the entries after it. */
  toJSON(): { snapshot: Snapshot; entries: Entry[] } {
    return { snapshot: this.snapshot, entries: this.entries() };
  }

  private at(position: number): Entry | undefined {
    return this.chunks[Math.floor(position / CHUNK)]?.[position % CHUNK];
  }
}

function freezeEntry(entry: Entry): Entry {
  if (!Object.isFrozen(entry)) {
    Object.freeze(entry.command);
    Object.freeze(entry);
  }
  return entry;
}

/** Anything holding a log (a node's state). */
export interface LogView {
  readonly log: RaftLog;
}

/** Index of the last entry of `v`'s log (the snapshot's index when the log is empty). */
export function lastIndex(v: LogView): number {
  return v.log.lastIndex;
}

/** Term of the last entry of `v`'s log. */
export function lastTerm(v: LogView): number {
  return v.log.lastTerm;
}

/** Term of entry `i` of `v`'s log (the snapshot's term at its index, 0 at index 0), or undefined when compacted away or absent. */
export function termAt(v: LogView, i: number): number | undefined {
  return v.log.termAt(i);
}

/** Entry `i` of `v`'s log, if it holds it (not compacted, not past the end). */
export function entryAt(v: LogView, i: number): Entry | undefined {
  return v.log.entryAt(i);
}
