/**
 * Replaying a pasted failure: `replayFailure` re-runs a token bit for bit and throws its
 * violation (the test that pins a bug), or with `{ expect: "pass" }` returns the run and throws
 * only if it still fails (the regression test once the bug is fixed).
 */
import { ConfigError, FAULTLINE_VERSION, replay, type SimulationResult, type SystemUnderTest, type ViolationReport } from "@faultline/kernel";
import { decodeReplayToken, ReplayedViolation, violationText } from "./token.js";

/** The violation name an `after`-check failure is recorded under. */
export const AFTER_CHECK = "after";

/** Options of {@link replayFailure}. */
export interface ReplayOptions {
  /**
   * "fail" (default): the run must fail exactly as recorded; it throws a {@link ReplayedViolation}.
   * "pass": the bug is fixed; it returns the run, and throws if any invariant (or the `after`
   * check) still fails.
   */
  readonly expect?: "fail" | "pass";
  /**
   * Accept nodes whose protocol `name` differs from the recorded one (a fixed variant registered
   * under a new name). Node ids must still match, in order. Default false: a renamed protocol is
   * a {@link ConfigError}, since a replay of other code would be meaningless by accident.
   */
  readonly allowRenamed?: boolean;
  /** The end-of-run check the failure was found with (`checkProperty`'s `after`); required to replay an `after` failure. */
  readonly after?: (result: SimulationResult) => string | undefined;
}

function systemOf(system: SystemUnderTest | (() => SystemUnderTest)): SystemUnderTest {
  return typeof system === "function" ? system() : system;
}

/** The report with the system's protocol names when renames are allowed and the ids match. */
function renamed(report: ViolationReport, sut: SystemUnderTest, allow: boolean): ViolationReport {
  if (!allow) return report;
  const want = report.nodes.map((n) => n.id).join(", ");
  const have = sut.nodes.map((n) => n.id).join(", ");
  if (want !== have) throw new ConfigError("nodes", `the report ran nodes [${want}] but replay was given [${have}] (allowRenamed lets protocol names differ, never node ids)`);
  return { ...report, nodes: sut.nodes.map((n) => ({ id: n.id, protocol: n.protocol.name })) };
}

function rerun(system: SystemUnderTest | (() => SystemUnderTest), token: string, options: ReplayOptions) {
  const recorded = decodeReplayToken(token);
  const isAfter = recorded.violation.invariant === AFTER_CHECK;
  if (isAfter && options.after === undefined) {
    throw new ConfigError("after", "this token records a failure of checkProperty's `after` check: pass the same check as replayFailure(system, token, { after })");
  }
  const sut = systemOf(system);
  const result = replay(renamed(recorded, sut, options.allowRenamed === true), sut);
  const afterMessage = result.violation === undefined ? options.after?.(result) : undefined;
  const got = result.violation ?? (afterMessage !== undefined ? { invariant: AFTER_CHECK, message: afterMessage } : undefined);
  const version = recorded.faultline === FAULTLINE_VERSION ? "" : ` (recorded with faultline ${recorded.faultline}, replayed with ${FAULTLINE_VERSION})`;
  return { recorded, result, got, version };
}

/**
 * Re-runs the failure `token` describes with `system` (the same nodes and invariants, or a
 * factory of them).
 *
 * What identifies a replay: the node ids and each node's protocol `name`, in order (a mismatch
 * is a {@link ConfigError} naming both lists; `allowRenamed` accepts other names for the same
 * ids); the run config the token carries; and the faultline version, which is only reported
 * (a replay under another version says so in its message, since the trace may differ).
 *
 * By default (`expect: "fail"`) it throws a {@link ReplayedViolation} with the violation and the
 * trace hash; if the run no longer fails, or fails differently, it throws an Error saying so —
 * a replay never passes silently. With `expect: "pass"` it returns the run when nothing fails
 * and throws a {@link ReplayedViolation} ("still fails: …") otherwise: the regression test to
 * keep once the bug is fixed.
 */
export function replayFailure(system: SystemUnderTest | (() => SystemUnderTest), token: string, options: ReplayOptions & { readonly expect: "pass" }): SimulationResult;
export function replayFailure(system: SystemUnderTest | (() => SystemUnderTest), token: string, options?: ReplayOptions & { readonly expect?: "fail" }): never;
export function replayFailure(system: SystemUnderTest | (() => SystemUnderTest), token: string, options: ReplayOptions = {}): SimulationResult {
  if (options.expect !== undefined && options.expect !== "fail" && options.expect !== "pass") throw new ConfigError("expect", `expected "fail" or "pass", got ${JSON.stringify(options.expect)}`);
  const { recorded, result, got, version } = rerun(system, token, options);
  const want = recorded.violation;
  if (options.expect === "pass") {
    if (got === undefined) return result;
    throw new ReplayedViolation(`replay still fails: ${violationText(got.invariant, got.message, result.traceHash)} (recorded ${violationText(want.invariant, want.message, recorded.traceHash)})${version}`, result);
  }
  if (got === undefined) throw new Error(`replay no longer fails: the token recorded ${violationText(want.invariant, want.message, recorded.traceHash)}${version}`);
  if (got.invariant !== want.invariant || got.message !== want.message || result.traceHash !== recorded.traceHash) {
    throw new Error(`replay fails differently: recorded ${violationText(want.invariant, want.message, recorded.traceHash)}, now ${violationText(got.invariant, got.message, result.traceHash)}${version}`);
  }
  throw new ReplayedViolation(violationText(got.invariant, got.message, result.traceHash), result);
}

/** Shorthand for `replayFailure(system, token, { ...options, expect: "pass" })`: the run, or a throw if it still fails. */
export function replayPasses(system: SystemUnderTest | (() => SystemUnderTest), token: string, options: Omit<ReplayOptions, "expect"> = {}): SimulationResult {
  return replayFailure(system, token, { ...options, expect: "pass" });
}
