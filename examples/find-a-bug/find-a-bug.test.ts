/**
 * The walkthrough of README.md, as a test: the runner finds the dispenser's bug and shrinks it,
 * the line it printed (pasted below verbatim) replays it with the same violation and trace hash,
 * and the fixed dispenser passes.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ReplayedViolation, replayFailure } from "faultline/check";
import { buggyDispensers, fixedDispensers } from "./dispenser.js";
import { hunt } from "./hunt.js";

describe("find it, shrink it, replay it, fix it", () => {
  it("finds the bug and shrinks it to a crash, a restart and two requests", () => {
    const found = hunt(buggyDispensers, "buggyDispensers");
    expect(found.ok).toBe(false);
    if (found.ok) return;
    expect(found.failure.invariant).toBe("UniqueTickets");
    expect(found.failure.faults.map((a) => a.type)).toEqual(["crash", "restart"]);
    expect(found.failure.case.workload).toHaveLength(2);
    expect(found.failure.replayLine).toContain("replayFailure(buggyDispensers, ");
  });

  it("replays from the pasted line: same violation, same trace hash", () => {
    // Pasted verbatim from `node --import tsx examples/find-a-bug/main.ts`:
    expect(() => replayFailure(buggyDispensers, "fl1.lZJNb9swDIb_isBdtUK2C6zRvcAO22XoTkMPrEQ3QvThSnTaIvB_H6SkQYZmaOobyUc0-fLdwYizZ-8igQZ11V0pkBCTpQL6zw6cBQ2xAwlTTpxM8qDBujJRLJS_PiCbNVlY5BvaX44OH6L3EkyKo3sEvYNCVJ-1-YifU97UbHDxBzJF8_qzgO4kBHw5TSgJNqfpFzKBrsE8eWeQ6ZjJlLKlfIgXCcYnsymgd4uEwinjI-2DyWNsqiCDvpHAr1NVzWQs64Nqe7XqjpVZHZlMhTHzWapXSh3BNaE_X3lb-tMLnemVqcyBPp7mHddfyA3_5S6T4T3YXwoOzTdVKp_QHu-l6mEdRa4X6_6ZoEr2VM3EuCHQnGdaTk74qWf3zYF3LlC139BGDfhyu6XIzY_7b5GwdckjuxRrCxe3mB223_yO7mmmO2c2xAUkBCqleRC45URtItYYLVmRZhb87AxpwUmY7ksnkIUSoYgxpyBiJzDaQ62vtdVJDSSwC9TWpG3b8tsigTMa-l5drWGgcYW2U-MD4fWNuoblLw")).toThrow("UniqueTickets: ticket 1000 handed out twice: to c1#1 at 0 ms from n1 and to c1#2 at 9 ms from n1 [trace 3ef9ad10fbea4804]");
  });

  it("replays the same way in a plain node script, in another process", () => {
    const script = fileURLToPath(new URL("./replay.ts", import.meta.url));
    const out = execFileSync(process.execPath, ["--import", "tsx", script], { encoding: "utf8" });
    expect(out).toContain("replayed: UniqueTickets: ticket 1000 handed out twice");
    expect(out).toContain("[trace 3ef9ad10fbea4804]");
  });

  it("throws a ReplayedViolation carrying the re-run", () => {
    const found = hunt(buggyDispensers, "buggyDispensers");
    if (found.ok) throw new Error("expected a failure");
    try {
      replayFailure(buggyDispensers, found.failure.token as string);
    } catch (err) {
      expect(err).toBeInstanceOf(ReplayedViolation);
      expect((err as ReplayedViolation).result.traceHash).toBe(found.failure.traceHash);
      return;
    }
    throw new Error("replayFailure returned");
  });

  it("says so when the code changed and the failure no longer happens", () => {
    const found = hunt(buggyDispensers, "buggyDispensers");
    if (found.ok) throw new Error("expected a failure");
    const fixedUnderOldNames = () => ({ ...fixedDispensers(), nodes: fixedDispensers().nodes.map((n) => ({ ...n, protocol: { ...n.protocol, name: "dispenser-batched" } })) });
    expect(() => replayFailure(fixedUnderOldNames, found.failure.token as string)).toThrow(/replay no longer fails/);
    expect(() => replayFailure(buggyDispensers, "fl1.garbage")).toThrow(/corrupt replay token/);
    expect(() => replayFailure(buggyDispensers, "nope")).toThrow(/not a Faultline replay token/);
  });

  it("passes once fixed", () => {
    const fixed = hunt(fixedDispensers, "fixedDispensers", 300);
    expect(fixed).toEqual({ ok: true, runs: 300 });
  });
});
