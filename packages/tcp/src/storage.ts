/**
 * Durable state of a node: an append-only log file, one record a line as `<crc32 hex> <json>\n`,
 * fsynced per batch; compaction writes a snapshot file atomically (temp file, fsync, rename,
 * fsync of the directory). Loading checks every checksum: a bad record in the middle is an error
 * naming the file and byte offset; a torn last record (a crash mid-write) is dropped and cut off.
 */
import { closeSync, existsSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";

/** A state file that cannot be trusted. */
export class StorageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StorageError";
  }
}

const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE) of `data`. */
export function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = (TABLE[(c ^ (data[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function line(record: unknown): Buffer {
  const json = Buffer.from(JSON.stringify(record), "utf8");
  return Buffer.concat([Buffer.from(crc32(json).toString(16).padStart(8, "0") + " ", "ascii"), json, Buffer.from("\n")]);
}

/** What loading found. */
export interface Loaded {
  readonly records: unknown[];
  /** Set when a torn last record was dropped: where it began and why. */
  readonly torn?: { readonly offset: number; readonly reason: string };
}

/** Parses a log file's bytes; `file` names it in errors. */
export function parseLog(bytes: Buffer, file: string): Loaded & { readonly validBytes: number } {
  const records: unknown[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const end = bytes.indexOf(0x0a, offset);
    const isLast = end === -1 || end === bytes.length - 1;
    const problem = (why: string): never => {
      throw new StorageError(`${file}: corrupt record at byte ${offset}: ${why}${isLast ? " (a complete last line, so not a torn write)" : ""}`);
    };
    // A record is complete only with its newline: a crash may stop a write anywhere before it.
    if (end === -1) return { records, torn: { offset, reason: "no newline: the write did not complete" }, validBytes: offset };
    const text = bytes.subarray(offset, end);
    if (text.length < 10 || text[8] !== 0x20) problem("expected `<crc32> <json>`");
    const sum = Number.parseInt(text.subarray(0, 8).toString("ascii"), 16);
    const json = text.subarray(9);
    if (!Number.isFinite(sum) || crc32(json) !== sum) problem("checksum mismatch");
    let value: unknown;
    try {
      value = JSON.parse(json.toString("utf8"));
    } catch (err) {
      problem(`bad JSON: ${(err as Error).message}`);
    }
    records.push(value);
    offset = end + 1;
  }
  return { records, validBytes: offset };
}

/** A node's durable log: `snapshot.log` (one record, from compaction) then `wal.log` (appends). */
export class DurableLog {
  private readonly wal: string;
  private readonly snapshot: string;
  private fd = -1;

  constructor(readonly dir: string) {
    this.wal = join(dir, "wal.log");
    this.snapshot = join(dir, "snapshot.log");
  }

  /** Loads every record (snapshot first) and opens the log for appending. */
  open(): Loaded {
    mkdirSync(this.dir, { recursive: true });
    const records: unknown[] = [];
    if (existsSync(this.snapshot)) {
      const snap = parseLog(readFileSync(this.snapshot), this.snapshot);
      if (snap.torn) throw new StorageError(`${this.snapshot}: truncated snapshot at byte ${snap.torn.offset} (${snap.torn.reason})`);
      records.push(...snap.records);
    }
    let torn: Loaded["torn"];
    if (existsSync(this.wal)) {
      const wal = parseLog(readFileSync(this.wal), this.wal);
      records.push(...wal.records);
      if (wal.torn) {
        torn = wal.torn;
        const fd = openSync(this.wal, "r+");
        ftruncateSync(fd, wal.validBytes);
        fsyncSync(fd);
        closeSync(fd);
      }
    }
    this.fd = openSync(this.wal, "a");
    return torn ? { records, torn } : { records };
  }

  /** Appends records and fsyncs them: durable when this returns. */
  append(records: readonly unknown[]): void {
    if (records.length === 0) return;
    writeSync(this.fd, Buffer.concat(records.map(line)));
    fsyncSync(this.fd);
  }

  /** Replaces everything by `record`, atomically: a crash leaves either the old state or the new. */
  compact(record: unknown): void {
    const tmp = `${this.snapshot}.tmp`;
    const fd = openSync(tmp, "w");
    writeSync(fd, line(record));
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, this.snapshot);
    // The old appends are folded into the snapshot: start a fresh log.
    closeSync(this.fd);
    const wal = openSync(this.wal, "w");
    fsyncSync(wal);
    closeSync(wal);
    const dirFd = openSync(dirname(this.snapshot), "r");
    fsyncSync(dirFd);
    closeSync(dirFd);
    this.fd = openSync(this.wal, "a");
  }

  /** Closes the log file (the records stay on disk). */
  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
