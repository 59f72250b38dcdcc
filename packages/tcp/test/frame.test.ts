import { FrameDecoder, encodeFrame } from "@faultline/tcp";
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
});

