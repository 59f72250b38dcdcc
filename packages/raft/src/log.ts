/**
 * A node's log as one immutable value: the snapshot (everything compacted, up to its index) and
 * the entries after it, indexed from 1 like the paper.
 *
 * Entries sit in fixed-size chunks by position, so appending copies one chunk and the list of
 * chunks instead of the whole log, and two logs with the same content have the same shape (a
 * state's fingerprint depends on what it holds, not on how it got there). A `RaftLog` is a class
 * instance, so immer hands it out as is instead of drafting it: a step reads the log from the
 * draft directly and replaces it whole (`state.log = state.log.append(...)`), never walking it.
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

  private constructor(snapshot: Snapshot, chunks: readonly (readonly Entry[])[], length: number) {
    this.snapshot = snapshot;
    this.chunks = chunks;
    this.length = length;
    Object.freeze(this);
  }

  /** A log holding `snapshot` and then `entries`. */
  static of(snapshot: Snapshot, entries: readonly Entry[] = []): RaftLog {
    const chunks: (readonly Entry[])[] = [];
    for (let i = 0; i < entries.length; i += CHUNK) chunks.push(Object.freeze(entries.slice(i, i + CHUNK).map(freezeEntry)));
    return new RaftLog(Object.freeze(snapshot), chunks.length === 0 ? EMPTY_CHUNKS : Object.freeze(chunks), entries.length);
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
    for (const entry of entries) {
      if (length % CHUNK === 0) chunks.push([freezeEntry(entry)]);
      else {
        const last = chunks.length - 1;
        let chunk = chunks[last] as readonly Entry[];
        // A chunk shared with this log is copied once, then extended in place until frozen below.
        if (Object.isFrozen(chunk)) chunks[last] = chunk = chunk.slice();
        (chunk as Entry[]).push(freezeEntry(entry));
      }
      length++;
    }
    for (let i = chunks.length - 1; i >= 0 && !Object.isFrozen(chunks[i]); i--) Object.freeze(chunks[i]);
    return new RaftLog(this.snapshot, Object.freeze(chunks), length);
  }

  /** This log with everything from index `from` on replaced by `entries` (§5.3: a conflicting suffix goes). */
  replaceFrom(from: number, entries: readonly Entry[]): RaftLog {
    const keep = from - this.snapshot.index - 1;
    if (keep < 0) throw new Error(`cannot replace the log from ${from}: entries up to ${this.snapshot.index} are compacted`);
    if (keep >= this.length) return this.append(entries);
    const whole = Math.floor(keep / CHUNK);
    const chunks = this.chunks.slice(0, whole);
    const rest = keep % CHUNK;
    if (rest > 0) chunks.push(Object.freeze((this.chunks[whole] as readonly Entry[]).slice(0, rest)));
    return new RaftLog(this.snapshot, Object.freeze(chunks), keep).append(entries);
  }

  /** The log after compacting everything up to `snapshot.index` into `snapshot` (entries after it kept). */
  compactTo(snapshot: Snapshot): RaftLog {
    return RaftLog.of(snapshot, this.entries(snapshot.index + 1));
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
