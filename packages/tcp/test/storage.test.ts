/** The durable log tells a crash mid-write (dropped) from lost or damaged data (refused, naming file, offset and what to do). */
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DurableLog, StorageError, readLog } from "@faultline/tcp";

const fresh = () => join(mkdtempSync(join(tmpdir(), "faultline-log-")), "node");

/** A log of `n` records `{ n: i }`, appended one batch each (so every batch is durable and marked). */
function logOf(n: number): { dir: string; wal: string; offsets: number[] } {
  const dir = fresh();
  const log = new DurableLog(dir);
  log.open();
  const offsets: number[] = [];
  const wal = join(dir, "wal.log");
  for (let i = 1; i <= n; i++) {
    offsets.push(readFileSync(wal).length);
    log.append([{ n: i }]);
  }
  log.close();
  return { dir, wal, offsets };
}

const refusal = (dir: string, options = {}) => {
  try {
    new DurableLog(dir, options).open();
  } catch (err) {
    expect(err).toBeInstanceOf(StorageError);
    return (err as Error).message;
  }
  throw new Error("expected the log to be refused");
};

describe("the durable log", () => {
  it("round-trips records across reopenings, snapshot first, sequence numbers continuing", () => {
    const dir = fresh();
    const log = new DurableLog(dir);
    expect(log.open()).toEqual({ records: [] });
    log.append([{ n: 1 }, { n: 2 }]);
    log.compact({ snap: 2 });
    log.append([{ n: 3 }]);
    log.close();
    const again = new DurableLog(dir);
    expect(again.open()).toEqual({ records: [{ snap: 2 }, { n: 3 }] });
    again.append([{ n: 4 }]);
    again.close();
    expect(readLog(dir)).toEqual([{ snap: 2 }, { n: 3 }, { n: 4 }]);
    expect(existsSync(join(dir, "snapshot.log.tmp"))).toBe(false);
  });

  it("a compaction keeps the log (loading skips what the snapshot covers) until it grows past rotateBytes", async () => {
    const dir = fresh();
    const log = new DurableLog(dir, { rotateBytes: 200 });
    log.open();
    log.append([{ n: 1 }, { n: 2 }]);
    await log.compactBody(Buffer.from(JSON.stringify({ snap: 2 })));
    const wal = join(dir, "wal.log");
    const kept = readFileSync(wal).length;
    expect(kept).toBeGreaterThan(32); // still holds n1, n2
    log.append([{ n: 3 }]);
    expect(readLog(dir)).toEqual([{ snap: 2 }, { n: 3 }]);
    log.append(Array.from({ length: 10 }, (_, i) => ({ n: 4 + i })));
    log.compact({ snap: 13 });
    expect(readFileSync(wal).length).toBe(32); // rotated: a fresh log after the snapshot
    log.append([{ n: 14 }]);
    log.close();
    expect(readLog(dir)).toEqual([{ snap: 13 }, { n: 14 }]);
  });

  it("a compaction written into the log replaces what precedes it, joins the next sync, and writes no snapshot file", async () => {
    const dir = fresh();
    const log = new DurableLog(dir);
    log.open();
    log.append([{ n: 1 }, { n: 2 }]);
    expect(log.writeCompaction(Buffer.from(JSON.stringify({ snap: 2 })))).toBe(true);
    log.write([{ n: 3 }]);
    await new Promise<void>((resolve, reject) => log.sync((err) => (err ? reject(err) : resolve())));
    expect(existsSync(join(dir, "snapshot.log"))).toBe(false);
    expect(readLog(dir)).toEqual([{ snap: 2 }, { n: 3 }]);
    log.close();
    const again = new DurableLog(dir);
    expect(again.open().records).toEqual([{ snap: 2 }, { n: 3 }]);
    again.close();
    // Past rotateBytes it declines (the caller writes a snapshot file and rotates) unless forced.
    const small = new DurableLog(dir, { rotateBytes: 10 });
    small.open();
    expect(small.writeCompaction(Buffer.from("{}"))).toBe(false);
    expect(small.writeCompaction(Buffer.from(JSON.stringify({ snap: 3 })), true)).toBe(true);
    small.close();
    expect(readLog(dir)).toEqual([{ snap: 3 }]);
  });

  it("a compaction flag flipped on disk is damage, not a different meaning", () => {
    const { dir, wal, offsets } = logOf(3);
    const bytes = readFileSync(wal);
    bytes[offsets[1] as number] = (bytes[offsets[1] as number] as number) | 0x80; // record 2 now claims to be a compaction
    writeFileSync(wal, bytes);
    expect(refusal(dir)).toContain(`damaged record (checksum mismatch`);
  });

  it("a snapshot covering records whose write was cut restarts the log after it", () => {
    const { dir, wal } = logOf(2);
    const log = new DurableLog(dir);
    log.open();
    log.write([{ n: 3 }]); // written, never synced
    log.compact({ snap: 3 }); // the snapshot is durable, record 3 not yet: then the node dies
    truncateSync(wal, readFileSync(wal).length - 5); // the crash cut record 3 (past the durable end)
    const again = new DurableLog(dir);
    expect(again.open().records).toEqual([{ snap: 3 }]);
    again.append([{ n: 4 }]);
    again.close();
    expect(readLog(dir)).toEqual([{ snap: 3 }, { n: 4 }]);
  });

  it("drops an incomplete last write past the durable end, says so, and cuts it off", () => {
    const { dir, wal } = logOf(3);
    const size = readFileSync(wal).length;
    appendFileSync(wal, Buffer.from([0, 0, 0, 40, 0, 0, 0, 0, 0, 0, 0, 4, 1, 2, 3, 4, 0x7b])); // a header and 1 of 40 body bytes
    const log = new DurableLog(dir);
    const loaded = log.open();
    expect(loaded.records).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(loaded.torn).toEqual({ offset: size, reason: "record of 40 bytes, only 1 present" });
    log.append([{ n: 4 }]);
    log.close();
    expect(readLog(dir)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }]);
  });

  it("refuses a log truncated in the middle (before its durable end), naming file, offset and what to do", () => {
    const { dir, wal, offsets } = logOf(18);
    truncateSync(wal, (offsets[9] as number) + 5);
    const msg = refusal(dir);
    expect(msg).toContain(`${wal}: log ends inside a record`);
    expect(msg).toContain(`at byte ${offsets[9]}`);
    expect(msg).toMatch(/Restore its data directory from a backup.*--repair/);
    truncateSync(wal, offsets[9] as number); // on a record boundary: still shorter than durable
    expect(refusal(dir)).toContain(`log ends before its durable end`);
  });

  it("refuses a damaged complete record, even the last one", () => {
    const { dir, wal, offsets } = logOf(3);
    const bytes = readFileSync(wal);
    bytes[bytes.length - 1] = 0x20; // the last record's final byte
    writeFileSync(wal, bytes);
    expect(refusal(dir)).toContain(`${wal}: damaged record (checksum mismatch; `);
    expect(refusal(dir)).toContain(`at byte ${offsets[2]}`);
  });

  it("refuses a missing record in the middle", () => {
    const { dir, wal, offsets } = logOf(4);
    const bytes = readFileSync(wal);
    writeFileSync(wal, Buffer.concat([bytes.subarray(0, offsets[1]), bytes.subarray(offsets[2])]));
    expect(refusal(dir)).toContain(`record 3 where record 2 was expected (records missing) at byte ${offsets[1]}`);
  });

  it("refuses an empty or missing log where a node lived, and a directory in place of the log", () => {
    const { dir, wal } = logOf(2);
    writeFileSync(wal, "");
    expect(refusal(dir)).toContain(`${wal}: empty log where a node lived (byte 0)`);
    rmSync(wal);
    expect(refusal(dir)).toContain(`${wal}: missing, but ${join(dir, "faultline.json")} shows a node lived here`);
    mkdirSync(wal);
    expect(refusal(dir)).toContain(`${wal}: expected a file, found a directory`);
  });

  it("with repair, truncates at the damage, says so, and keeps what precedes", () => {
    const { dir, wal, offsets } = logOf(5);
    const bytes = readFileSync(wal);
    const at = (offsets[3] as number) + 18;
    bytes[at] = (bytes[at] as number) ^ 0xff;
    writeFileSync(wal, bytes);
    const log = new DurableLog(dir, { repair: true });
    const loaded = log.open();
    expect(loaded.records).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(loaded.repaired).toEqual({ offset: offsets[3], reason: "checksum mismatch" });
    log.append([{ n: 4 }]);
    log.close();
    expect(readLog(dir)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }]);
  });

  it("a fresh directory starts empty; a file in place of the directory is named", () => {
    const dir = fresh();
    expect(readLog(dir)).toEqual([]);
    mkdirSync(join(dir, ".."), { recursive: true });
    const file = `${dir}-file`;
    writeFileSync(file, "x");
    expect(refusal(file)).toContain(`${file}: expected the node's data directory, found a file`);
  });
});
