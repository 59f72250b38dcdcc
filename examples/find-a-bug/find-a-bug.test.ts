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
    expect(() => replayFailure(buggyDispensers, "fl1.lZNNTyMxDIb_SuS9ZlFmZtHS3FfaA1xW7AlxMIlLo-ZjSDwFVM1_XyUtVRFdUeZm-0liv35nC0ucPHsXCTSoi-5CgYSYLBXQd1twFjTEDiSMOXEyyYMG68pIsVD-_oBsVmRhlm9ofz46fIreSzApLt0j6C0Uonqs9Uf8nPK6ZoOL18gUzetNAd1JCPhynFASbE7jH2QCXYNp9M4g0yGTKWVLeR_PEoxPZl1Ab2cJhVPGR9oFo8fYVEEGfSWBX8eqmslYVnvVdmrVGSuzODCZCmPmk1SvlDqAK0J_uvI29JcHOnFXpjIF-rybD1x_Jjf8lztPho9gfy44NN9UqXxCe9iXqot1FLlurHvXQZXsqZqJcU2gOU80H63wS8fumwNvXaBqv6G1GvDl14YiNz_uvlnCxiWP7FKsV7i4weywPfM3uqeJbp1ZExeQEKiU5kHglhP1ErHCaMmKNLHgZ2dIC07CdN86gSyUCEUscwoidgKj3df6Wlsc1UACu0BtTNq0KX_OEjijod_V1RrMJXa97dXwY_Fgbf0r_wE")).toThrow("UniqueTickets: ticket 1000 handed out twice: to c1#1 at 0 ms from n1 and to c1#2 at 9 ms from n1 [trace c5a12d20349bdded]");
  });

  it("replays the same way in a plain node script, in another process", () => {
    const script = fileURLToPath(new URL("./replay.ts", import.meta.url));
    const out = execFileSync(process.execPath, ["--import", "tsx", script], { encoding: "utf8" });
    expect(out).toContain("replayed: UniqueTickets: ticket 1000 handed out twice");
    expect(out).toContain("[trace c5a12d20349bdded]");
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
