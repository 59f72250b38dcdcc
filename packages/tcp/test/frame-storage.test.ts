import { mkdtempSync, readFileSync, writeFileSync, appendFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DurableLog, FrameDecoder, StorageError, encodeFrame } from "@faultline/tcp";

describe("frames", () => {
  it("decode however the stream is split, several per chunk or one byte at a time", () => {
    const frames = Buffer.concat([encodeFrame({ a: 1 }), encodeFrame("two"), encodeFrame([3])]);
    expect(new FrameDecoder().push(frames)).toEqual([{ a: 1 }, "two", [3]]);
    const d = new FrameDecoder();
    const out: unknown[] = [];
    for (const byte of frames) out.push(...d.push(Buffer.from([byte])));
    expect(out).toEqual([{ a: 1 }, "two", [3]]);
  });

  it("reject an oversize length before reading the body, and bad JSON", () => {
    const huge = Buffer.alloc(4);
    huge.writeUInt32BE(2 ** 31, 0);
    expect(() => new FrameDecoder().push(huge)).toThrow("frame length 2147483648 exceeds the maximum of 1048576 bytes");
    const bad = Buffer.concat([Buffer.from([0, 0, 0, 3]), Buffer.from("{x:")]);
    expect(() => new FrameDecoder().push(bad)).toThrow(/frame of 3 bytes is not valid JSON/);
    expect(() => encodeFrame("x".repeat(100), 10)).toThrow(/exceeds the maximum of 10/);
  });
});

describe("the durable log", () => {
  const fresh = () => join(mkdtempSync(join(tmpdir(), "faultline-log-")), "node");

  it("round-trips records across reopenings, snapshot first", () => {
    const dir = fresh();
    const log = new DurableLog(dir);
    expect(log.open()).toEqual({ records: [] });
    log.append([{ n: 1 }, { n: 2 }]);
    log.compact({ snap: 2 });
    log.append([{ n: 3 }]);
    log.close();
    const again = new DurableLog(dir);
    expect(again.open()).toEqual({ records: [{ snap: 2 }, { n: 3 }] });
    again.close();
    expect(existsSync(join(dir, "snapshot.log.tmp"))).toBe(false);
  });

  it("drops a torn last record (a crash mid-write), says so, and cuts it off", () => {
    const dir = fresh();
    const log = new DurableLog(dir);
    log.open();
    log.append([{ n: 1 }]);
    log.close();
    const wal = join(dir, "wal.log");
    const size = readFileSync(wal).length;
    appendFileSync(wal, '1234abcd {"n":'); // half a record, no newline
    const again = new DurableLog(dir);
    const loaded = again.open();
    expect(loaded.records).toEqual([{ n: 1 }]);
    expect(loaded.torn).toEqual({ offset: size, reason: "no newline: the write did not complete" });
    again.close();
    expect(readFileSync(wal).length).toBe(size);
  });

  it("refuses a corrupt record in the middle, naming the file and byte offset", () => {
    const dir = fresh();
    const log = new DurableLog(dir);
    log.open();
    log.append([{ n: 1 }, { n: 2 }, { n: 3 }]);
    log.close();
    const wal = join(dir, "wal.log");
    const bytes = readFileSync(wal);
    const second = bytes.indexOf(0x0a) + 1;
    bytes[second + 12] = "9".charCodeAt(0); // flip a byte inside the second record's JSON
    writeFileSync(wal, bytes);
    expect(() => new DurableLog(dir).open()).toThrow(StorageError);
    expect(() => new DurableLog(dir).open()).toThrow(`${wal}: corrupt record at byte ${second}: checksum mismatch`);
  });
});
