import { describe, expect, it } from "vitest";
import { TraceHasher } from "../src/trace.js";

const hashOf = (...values: unknown[]) => {
  const h = new TraceHasher();
  for (const v of values) h.value(v);
  return h.digest();
};

describe("the structural trace hash", () => {
  it("tells apart values JSON would tell apart", () => {
    const values: unknown[] = [1, "1", 1.5, -1, true, false, null, [], {}, [1], [[1]], [1, 2], [2, 1], { a: 1 }, { a: "1" }, { b: 1 }, { a: 1, b: 2 }, "ab", ["a", "b"], 2 ** 40, 0.1 + 0.2];
    const hashes = values.map((v) => hashOf(v));
    expect(new Set(hashes).size).toBe(values.length);
    // Sequences fold in order, and boundaries count.
    expect(hashOf("ab", "c")).not.toBe(hashOf("a", "bc"));
    expect(hashOf(1, 2)).not.toBe(hashOf(2, 1));
  });

  it("is the same for equal values built separately, skips undefined fields like JSON, and folds keys in insertion order", () => {
    expect(hashOf({ x: [1, { y: "z" }], w: null })).toBe(hashOf({ x: [1, { y: "z" }], w: null }));
    expect(hashOf({ a: 1, gone: undefined })).toBe(hashOf({ a: 1 }));
    expect(hashOf({ a: 1, b: 2 })).not.toBe(hashOf({ b: 2, a: 1 }));
  });

  it("is pinned: the same digest in every process and on every run of this code", () => {
    expect(hashOf({ type: "AppendEntries", term: 3, entries: [{ term: 2, cmd: "x" }], commit: 0.5 })).toBe(hashOf({ type: "AppendEntries", term: 3, entries: [{ term: 2, cmd: "x" }], commit: 0.5 }));
    expect(hashOf(0)).toBe("050c5d1f8d46c8f8");
  });
});
