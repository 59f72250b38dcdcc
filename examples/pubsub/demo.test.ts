import { describe, expect, it } from "vitest";
import { offsetTable, runPubSubDemo } from "./demo.js";

describe("the pub/sub demo", () => {
  it("passes the checker through its faults and reports reordering by window", () => {
    const report = runPubSubDemo("demo");
    expect(report.lines.join("\n")).toContain("checker: OK");
    expect(report.ok).toBe(true);
    expect(report.check.acked).toBe(60);
    const [none, , , wide] = report.reordering;
    expect(none?.delivered).toBe(wide?.delivered);
    expect(wide?.late).toBeLessThanOrEqual(none?.late ?? 0);
  });

  it("prints offset-estimate rows within their bound", () => {
    const { rows } = offsetTable([{ skewMs: 250, drift: 1e-3, loss: 0.3 }], 2);
    expect(rows[0]?.outsideBound).toBe(0);
  });
});
