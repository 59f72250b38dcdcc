/**
 * Durable state of a node, in its data directory: `wal.log` (records appended in batches, one
 * fsync per batch), `snapshot.log` (written atomically by compaction) and `faultline.json` (says
 * a node lived here). The log's header keeps a durable end, rewritten with the batches: bytes
 * before it were fsynced and acknowledged. Loading therefore tells a crash mid-write (an
 * incomplete record past the durable end: dropped and cut off) from lost data (anything else:
 * a gap, a damaged complete record, a log shorter than its durable end, a missing or empty log
 * where a node lived), which refuses to start with the file, the byte offset and what to do —
 * unless `repair` is set, which truncates at the damage and says what was lost.
 */
import { promises as fsp } from "node:fs";
import { closeSync, existsSync, fstatSync, fsync, fsyncSync, ftruncateSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { join } from "node:path";
import { decodeHeader, decodeSnapshot, encodeDurableEnd, encodeHeader, encodeSnapshot, frameRecord, HEADER_BYTES, putRecord, readRecord, RECORD_HEADER_BYTES, recordBody } from "./record.js";

/** A state file that cannot be trusted; the message names the file, the offset and what to do. */
export class StorageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StorageError";
  }
}

/** What loading found. */
export interface Loaded {
  readonly records: unknown[];
  /** Set when an incomplete last write (a crash mid-write) was dropped: where it began and why. */
  readonly torn?: { readonly offset: number; readonly reason: string };
  /** Set when `repair` cut the log: where and why (everything after `offset` is gone). */
  readonly repaired?: { readonly offset: number; readonly reason: string };
}

/** Options of {@link DurableLog}. */
export interface DurableLogOptions {
  /** Truncate at damage instead of refusing to start (loses everything after it). */
  readonly repair?: boolean;
  /** A compaction starts a fresh log file once the log is this large (default 64 MiB); smaller ones keep appending. */
  readonly rotateBytes?: number;
}

const ADVICE =
  "This node's acknowledged state is damaged. Restore its data directory from a backup; or move the directory away so the node rejoins empty (safe for Raft only while a majority keeps the data; for 2PC it forgets its votes); or start with --repair to truncate here and keep what precedes.";

function syncDir(dir: string): void {
  const fd = openSync(dir, "r");
  fsyncSync(fd);
  closeSync(fd);
}

/** Writes `bytes` to `path` atomically: temp file, fsync, rename, fsync of the directory. */
function writeAtomic(dir: string, path: string, bytes: Buffer): void {
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, "w");
  writeSync(fd, bytes);
  fsyncSync(fd);
  closeSync(fd);
  renameSync(tmp, path);
  syncDir(dir);
}

/** A node's durable log. */
export class DurableLog {
  private readonly wal: string;
  private readonly snapshot: string;
  private readonly marker: string;
  private fd = -1;
  private baseSeq = 1;
  private nextSeq = 1;
  /** Bytes written (maybe not yet fsynced). */
  private end = HEADER_BYTES;
  /** Bytes known fsynced. */
  private durable = HEADER_BYTES;
  /** The durable end last written into the header. */
  private marked = HEADER_BYTES;

  constructor(
    readonly dir: string,
    private readonly options: DurableLogOptions = {},
  ) {
    this.wal = join(dir, "wal.log");
    this.snapshot = join(dir, "snapshot.log");
    this.marker = join(dir, "faultline.json");
  }

  /** Loads every record (snapshot first) and opens the log for appending. Throws {@link StorageError}. */
  open(): Loaded {
    const loaded = this.load();
    const { records, torn, repaired, snapSeq } = loaded;
    // A log that ends inside what the snapshot covers restarts after it, so sequence numbers stay consecutive.
    const cut = loaded.nextSeq <= snapSeq ? -1 : loaded.cut;
    const nextSeq = Math.max(loaded.nextSeq, snapSeq + 1);
    if (cut !== undefined && cut >= 0) {
      const fd = openSync(this.wal, "r+");
      ftruncateSync(fd, cut);
      fsyncSync(fd);
      closeSync(fd);
    }
    if (!existsSync(this.wal) || cut === -1) writeAtomic(this.dir, this.wal, encodeHeader(snapSeq + 1, HEADER_BYTES));
    if (!existsSync(this.marker)) writeAtomic(this.dir, this.marker, Buffer.from(JSON.stringify({ format: 1, note: "a Faultline node's data directory" }) + "\n"));
    this.fd = openSync(this.wal, "r+");
    const header = decodeHeader(readFileSync(this.wal).subarray(0, HEADER_BYTES));
    if (typeof header === "string") throw new StorageError(`${this.wal}: ${header}`);
    this.baseSeq = header.baseSeq;
    this.end = fstatSync(this.fd).size;
    this.durable = this.end;
    this.nextSeq = cut === -1 ? snapSeq + 1 : nextSeq;
    this.mark();
    return { records, ...(torn ? { torn } : {}), ...(repaired ? { repaired } : {}) };
  }

  /** Reads without opening for writing or changing anything. */
  private load(): Loaded & { cut?: number; snapSeq: number; nextSeq: number } {
    if (existsSync(this.dir) && !lstatSync(this.dir).isDirectory()) throw new StorageError(`${this.dir}: expected the node's data directory, found a file`);
    mkdirSync(this.dir, { recursive: true });
    for (const f of [this.wal, this.snapshot]) {
      if (existsSync(f) && !lstatSync(f).isFile()) throw new StorageError(`${f}: expected a file, found ${lstatSync(f).isDirectory() ? "a directory" : "something else"}. Move it away. ${ADVICE}`);
    }
    const records: unknown[] = [];
    let snapSeq = 0;
    if (existsSync(this.snapshot)) {
      const snap = decodeSnapshot(readFileSync(this.snapshot));
      if (typeof snap === "string") throw new StorageError(`${this.snapshot}: damaged snapshot at byte 0: ${snap}. ${ADVICE}`);
      snapSeq = snap.seq;
      records.push(snap.value);
    }
    const lived = existsSync(this.snapshot) || existsSync(this.marker);
    const refuse = (offset: number, why: string): { cut: number } => {
      if (!this.options.repair) throw new StorageError(`${this.wal}: ${why} at byte ${offset}. ${ADVICE}`);
      return { cut: offset };
    };
    if (!existsSync(this.wal)) {
      if (!lived) return { records, snapSeq, nextSeq: snapSeq + 1 };
      if (!this.options.repair) throw new StorageError(`${this.wal}: missing, but ${existsSync(this.snapshot) ? this.snapshot : this.marker} shows a node lived here (byte 0). ${ADVICE}`);
      return { records, snapSeq, nextSeq: snapSeq + 1, repaired: { offset: 0, reason: "log missing: started from the snapshot alone" } };
    }
    const bytes = readFileSync(this.wal);
    const header = decodeHeader(bytes);
    if (typeof header === "string") {
      const why = bytes.length === 0 ? "empty log where a node lived" : header;
      if (!this.options.repair) throw new StorageError(`${this.wal}: ${why} (byte 0). ${ADVICE}`);
      return { records, snapSeq, nextSeq: snapSeq + 1, cut: -1, repaired: { offset: 0, reason: why } };
    }
    if (header.baseSeq > snapSeq + 1) {
      throw new StorageError(`${this.wal}: starts at record ${header.baseSeq} but the snapshot ends at ${snapSeq}: records ${snapSeq + 1}–${header.baseSeq - 1} are missing (byte ${HEADER_BYTES}). ${ADVICE}`);
    }
    let offset = HEADER_BYTES;
    let expected = header.baseSeq;
    for (;;) {
      const r = readRecord(bytes, offset);
      if (r.kind === "end") break;
      if (r.kind === "record" && r.seq !== expected) {
        const { cut } = refuse(offset, `record ${r.seq} where record ${expected} was expected (records missing)`);
        return { records, snapSeq, nextSeq: expected, cut, repaired: { offset, reason: `records missing from ${expected}` } };
      }
      if (r.kind === "record") {
        if (r.compaction && r.seq > snapSeq) records.length = 0; // it replaces everything before it
        if (r.seq > snapSeq) records.push(r.value); // the snapshot covers the others
        expected++;
        offset = r.next;
        continue;
      }
      // Past the durable end, an incomplete record (or zeros the file system allocated but never
      // wrote) is a write that did not finish: nobody was told it happened.
      const unwritten = r.kind === "incomplete" || bytes.subarray(offset).every((b) => b === 0);
      if (offset >= header.durableEnd && unwritten) return { records, snapSeq, nextSeq: expected, cut: offset, torn: { offset, reason: r.why } };
      const { cut } = refuse(offset, `${r.kind === "damaged" ? "damaged record" : "log ends inside a record"} (${r.why}; ${header.durableEnd} bytes were durable)`);
      return { records, snapSeq, nextSeq: expected, cut, repaired: { offset, reason: r.why } };
    }
    if (offset < header.durableEnd) {
      const { cut } = refuse(offset, `log ends before its durable end ${header.durableEnd} (the tail was lost)`);
      return { records, snapSeq, nextSeq: expected, cut, repaired: { offset, reason: "tail lost" } };
    }
    return { records, snapSeq, nextSeq: expected };
  }

  /** Writes records after the others, not yet durable: call {@link DurableLog.sync} next. Throws when a record cannot be serialised (nothing written then). */
  write(records: readonly unknown[]): void {
    this.writeBodies(records.map(recordBody));
  }

  /** Like {@link DurableLog.write}, with each record already serialised (see `recordBody`). */
  writeBodies(bodies: readonly Buffer[]): void {
    if (bodies.length === 0) return;
    // One buffer and one system call for the whole run of records.
    let size = 0;
    for (const b of bodies) size += RECORD_HEADER_BYTES + b.length;
    const bytes = Buffer.allocUnsafe(size);
    let at = 0;
    for (let i = 0; i < bodies.length; i++) at = putRecord(bytes, at, this.nextSeq + i, bodies[i] as Buffer);
    writeSync(this.fd, bytes, 0, bytes.length, this.end);
    this.end += bytes.length;
    this.nextSeq += bodies.length;
  }

  /**
   * Writes a compaction as a record of the log (not yet durable: it joins the next sync), when
   * the log is below `rotateBytes` or `force` is set: loading drops every record before it.
   * Returns false, writing nothing, when the log is due for rotation: use
   * {@link DurableLog.compactBody} then. Cheaper than a snapshot file (no fsync of its own), so a
   * compaction costs a batch nothing extra.
   */
  writeCompaction(body: Buffer, force = false): boolean {
    if (this.dueForRotation && !force) return false;
    const bytes = frameRecord(this.nextSeq, body, true);
    writeSync(this.fd, bytes, 0, bytes.length, this.end);
    this.end += bytes.length;
    this.nextSeq += 1;
    return true;
  }

  /** True when the log has grown past `rotateBytes`: the next compaction replaces the file. */
  get dueForRotation(): boolean {
    return this.end >= (this.options.rotateBytes ?? 64 * 1024 * 1024);
  }

  /** True when something was written since the last sync. */
  get dirty(): boolean {
    return this.end > this.durable;
  }

  /**
   * Makes every write so far durable (one fsync, on the thread pool), then calls `done`. The
   * header's durable end is advanced to what the previous sync made durable, in the same fsync.
   */
  sync(done: (err: Error | null) => void): void {
    const target = this.end;
    this.markAt(this.durable);
    fsync(this.fd, (err) => {
      if (!err) this.durable = Math.max(this.durable, target);
      done(err);
    });
  }

  /** Like {@link DurableLog.sync}, on the calling thread: everything written is durable when this returns. */
  syncNow(): void {
    const target = this.end;
    this.markAt(this.durable);
    fsyncSync(this.fd);
    this.durable = Math.max(this.durable, target);
  }

  /** Writes records and fsyncs them: durable when this returns. */
  append(records: readonly unknown[]): void {
    this.write(records);
    fsyncSync(this.fd);
    this.durable = this.end;
    this.mark();
  }

  /** Records the durable end in the header and fsyncs it, when it moved (an idle moment's catch-up). */
  mark(): void {
    if (this.marked >= this.durable || this.fd < 0) return;
    this.markAt(this.durable);
    fsyncSync(this.fd);
  }

  /** True when the header's durable end lags what is durable. */
  get markPending(): boolean {
    return this.marked < this.durable && this.fd >= 0;
  }

  /** Like {@link DurableLog.mark}, with the fsync on the thread pool. */
  markAsync(done: (err: Error | null) => void): void {
    if (!this.markPending) return done(null);
    this.markAt(this.durable);
    fsync(this.fd, done);
  }

  private markAt(durableEnd: number): void {
    if (durableEnd <= this.marked) return;
    writeSync(this.fd, encodeDurableEnd(this.baseSeq, durableEnd), 0, 12, 16);
    this.marked = durableEnd;
  }

  /** Replaces everything by `record`, atomically: a crash leaves either the old state or the new. */
  compact(record: unknown): void {
    const body = recordBody(record);
    const covered = this.nextSeq - 1;
    writeAtomic(this.dir, this.snapshot, encodeSnapshot(covered, body));
    if (this.end >= (this.options.rotateBytes ?? 64 * 1024 * 1024)) this.rotate(covered);
  }

  /**
   * Like {@link DurableLog.compact}, with the snapshot already serialised, off the event loop.
   * The snapshot covers every record written so far (`seq` up to the last): loading skips those.
   * The log file itself is only replaced once it has grown past `rotateBytes`.
   */
  async compactBody(body: Buffer): Promise<void> {
    const covered = this.nextSeq - 1;
    const tmp = `${this.snapshot}.tmp`;
    const file = await fsp.open(tmp, "w");
    try {
      await file.write(encodeSnapshot(covered, body));
      await file.sync();
    } finally {
      await file.close();
    }
    await fsp.rename(tmp, this.snapshot);
    const dir = await fsp.open(this.dir, "r");
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
    if (this.end >= (this.options.rotateBytes ?? 64 * 1024 * 1024)) this.rotate(covered);
  }

  /** Starts a fresh log after record `covered` (which a durable snapshot holds). */
  private rotate(covered: number): void {
    closeSync(this.fd);
    writeAtomic(this.dir, this.wal, encodeHeader(covered + 1, HEADER_BYTES));
    this.fd = openSync(this.wal, "r+");
    this.baseSeq = covered + 1;
    this.nextSeq = covered + 1;
    this.end = this.durable = this.marked = HEADER_BYTES;
  }

  /** Makes everything durable and closes the file (the records stay on disk). */
  close(): void {
    if (this.fd < 0) return;
    if (this.dirty) fsyncSync(this.fd);
    this.durable = this.end;
    this.mark();
    closeSync(this.fd);
    this.fd = -1;
  }
}

/** Reads a data directory's records without changing anything (for tools and tests). Throws {@link StorageError}. */
export function readLog(dir: string): unknown[] {
  const copy = new DurableLog(dir);
  return (copy as unknown as { load(): Loaded }).load().records;
}
