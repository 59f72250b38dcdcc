import { describe, expect, it } from "vitest";
import { progress } from "../src/sim/progress.js";

const fakeStream = (tty: boolean) => {
  const written: string[] = [];
  return { stream: { isTTY: tty, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream, written };
};

describe("sweep progress", () => {
  it("without a terminal prints plain lines: runs, runs/s, violations, states, ETA", () => {
    const { stream, written } = fakeStream(false);
    const p = progress(10, false, stream, 0);
    p.tick(5, 1, 7);
    p.tick(10, 1, 9);
    p.stop();
    expect(written).toHaveLength(2);
    expect(written[0]).toMatch(/^sweep: 5\/10 runs, [\d.]+ runs\/s, violations 1, states 7, ETA \d+s\n$/);
  });

  it("prints nothing under --json", () => {
    const { stream, written } = fakeStream(false);
    const p = progress(10, true, stream, 0);
    p.tick(10, 0, 1);
    p.stop();
    expect(written).toEqual([]);
  });
});
