import { describe, expect, it } from "vitest";
import { exploreProgress, progress } from "../src/sim/progress.js";
import { faultline } from "./sim.js";

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

describe("explore progress", () => {
  const p = (distinctStates: number, queue = 10) => ({ distinctStates, generated: distinctStates * 7, depth: 4, queue });

  it("without a terminal prints a plain line per interval: states, states/s, depth, queue, generated", () => {
    const { stream, written } = fakeStream(false);
    const d = exploreProgress(false, undefined, stream, 0);
    d.update(p(1_500));
    d.update(p(12_000, 0));
    d.stop();
    expect(written).toHaveLength(2);
    expect(written[1]).toMatch(/^explore 12,000 states \| [\d,]+ states\/s \| depth 4 \| queue 0 \| generated 84,000\n$/);
  });

  it("on a terminal redraws one line in place, with a bar when --max-states bounds the search, and clears it at the end", () => {
    const { stream, written } = fakeStream(true);
    const d = exploreProgress(false, 4_000, stream, 3_000, 0);
    d.update(p(1_000));
    d.update(p(2_000));
    d.stop();
    const CLEAR = "\r\x1b[2K";
    expect(written[0]?.startsWith(`${CLEAR}explore [${"█".repeat(5)}${"░".repeat(15)}] 1,000 states of at most 4,000 | `)).toBe(true);
    expect(written[1]?.startsWith(`${CLEAR}explore [${"█".repeat(10)}${"░".repeat(10)}] 2,000 states`)).toBe(true);
    expect(written.at(-1)).toBe(CLEAR);
    expect(written.join("")).not.toContain("\n");
  });

  it("waits its interval between lines, and under --json prints nothing", () => {
    const slow = fakeStream(false);
    const d = exploreProgress(false, undefined, slow.stream, 60_000);
    d.update(p(1));
    d.update(p(2));
    expect(slow.written).toEqual([]);
    const quiet = fakeStream(true);
    const q = exploreProgress(true, undefined, quiet.stream, 0, 0);
    q.update(p(1));
    q.stop();
    expect(quiet.written).toEqual([]);
  });

  it("faultline explore --json writes only its JSON: nothing on stderr", () => {
    const r = faultline(["explore", "packages/check/test/models/two-phase-lamport.ts#twoPhaseLamport", "--args", "[4]", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    expect((JSON.parse(r.stdout) as { distinctStates: number }).distinctStates).toBeGreaterThan(0);
  }, 60_000);
});
