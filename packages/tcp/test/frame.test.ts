import { FrameDecoder, checkValue, crc32, encodeFrame } from "@faultline/tcp";
import { crc32Table } from "../src/record.js";
import { describe, expect, it } from "vitest";

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

  it("bound nesting after parsing: 32 levels pass, 33 fail, brackets inside strings do not count", () => {
    const nest = (n: number): unknown => (n === 0 ? 1 : n % 2 === 0 ? [nest(n - 1)] : { a: nest(n - 1) });
    expect(new FrameDecoder().push(encodeFrame(nest(32)))).toEqual([nest(32)]);
    expect(() => new FrameDecoder().push(encodeFrame(nest(33)))).toThrow("frame nests deeper than the maximum depth of 32");
    const text = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    const deep = Buffer.concat([Buffer.from([0, 0, 0, 0]), Buffer.from(text)]);
    deep.writeUInt32BE(text.length, 0);
    expect(() => new FrameDecoder().push(deep)).toThrow("frame nests deeper than the maximum depth of 32");
    expect(new FrameDecoder({ maxDepth: 2 }).push(encodeFrame({ s: "[[[[{{{{" }))).toEqual([{ s: "[[[[{{{{" }]);
    expect(checkValue(nest(33))).toBe("$: nests deeper than the maximum depth of 32");
    expect(checkValue({ a: [1, 2 ** 60] })).toBe("$.a[1]: whole number 1152921504606847000 is not a safe integer (|n| <= 2^53 - 1)");
  });

  it("CRC-32 through zlib equals the table's, continuing from a seed too", () => {
    const data = Buffer.from(JSON.stringify({ type: "append", index: 7, entries: [{ term: 2, command: { op: "put", key: "é", value: "v" } }] }));
    expect(crc32(data)).toBe(crc32Table(data));
    expect(crc32(data, 0x1234abcd)).toBe(crc32Table(data, 0x1234abcd));
    expect(crc32(Buffer.from("123456789"))).toBe(0xcbf43926); // the standard check value
  });
});
