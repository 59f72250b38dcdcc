import { describe, expect, it } from "vitest";
import { runRaftDemo } from "./demo.js";

describe("the raft cluster demo", () => {
  it("re-elects through its faults, commits, and ends with every node agreeing", () => {
    const report = runRaftDemo("demo");
    expect(report.ok).toBe(true);
    expect(report.leaders.length).toBeGreaterThan(1);
    const text = report.lines.join("\n");
    expect(text).toMatch(/put [xy]=/);
    expect(runRaftDemo("demo").result.traceHash).toBe(report.result.traceHash);
  });

  it("holds for other seeds too", () => {
    for (let i = 0; i < 5; i++) expect(runRaftDemo(`s${i}`).ok).toBe(true);
  });
});
