import { describe, expect, it } from "vitest";
import { runDemo } from "./demo.js";

describe("the two-phase commit demo", () => {
  it("shows mixed outcomes, survives its coordinator crash, and prints a stable hash", () => {
    const report = runDemo("demo");
    expect(report.ok).toBe(true);
    const text = report.lines.join("\n");
    expect(text).toMatch(/summary: 12 transactions, \d+ committed, \d+ aborted, 0 unfinished/);
    const [, committed, aborted] = /(\d+) committed, (\d+) aborted/.exec(text) ?? [];
    expect(Number(committed)).toBeGreaterThan(0);
    expect(Number(aborted)).toBeGreaterThan(0);
    expect(report.result.view.node("coordinator").restarts).toBe(1);
    expect(runDemo("demo").result.traceHash).toBe(report.result.traceHash);
  });

  it("holds for other seeds too", () => {
    for (let i = 0; i < 20; i++) expect(runDemo(`s${i}`).ok).toBe(true);
  });
});
