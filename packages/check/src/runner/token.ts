/**
 * Replay tokens: a failing run in one pasteable string, and `replayFailure` to re-run it
 * bit for bit — inside vitest or in a plain node script — and throw with its violation.
 */
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { FAULTLINE_VERSION, replay, type SimulationResult, type SystemUnderTest, type ViolationReport } from "@faultline/kernel";

const PREFIX = "fl1.";

/** Everything a replay needs but the code: the report without its trace excerpt. */
type TokenBody = Omit<ViolationReport, "lastEvents">;

/** Packs a violation report into a compact token ("fl1." + base64url of deflated JSON). */
export function encodeReplayToken(report: ViolationReport): string {
  const { lastEvents: _, ...body } = report;
  return PREFIX + deflateRawSync(Buffer.from(JSON.stringify(body), "utf8"), { level: 9 }).toString("base64url");
}

/** Unpacks a token; throws naming what is wrong with it. */
export function decodeReplayToken(token: string): ViolationReport {
  if (typeof token !== "string" || !token.startsWith(PREFIX)) throw new Error(`not a Faultline replay token: expected it to start with "${PREFIX}"`);
  let body: TokenBody;
  try {
    body = JSON.parse(inflateRawSync(Buffer.from(token.slice(PREFIX.length), "base64url")).toString("utf8")) as TokenBody;
  } catch (err) {
    throw new Error(`corrupt replay token: ${(err as Error).message}`);
  }
  if (typeof body !== "object" || body === null || body.violation === undefined || body.config === undefined || !Array.isArray(body.nodes)) {
    throw new Error("corrupt replay token: it lacks the violation, the config or the nodes");
  }
  return { ...body, lastEvents: [] };
}

/** The error a replayed failure throws: its message names the invariant, the problem and the trace hash. */
export class ReplayedViolation extends Error {
  constructor(
    message: string,
    /** The re-run, for a closer look (its `lastEvents`, its `view`). */
    readonly result: SimulationResult,
  ) {
    super(message);
    this.name = "ReplayedViolation";
  }
}

/** The text a replayed violation throws, also what the printed line expects. */
export function violationText(invariant: string, message: string, traceHash: string): string {
  return `${invariant}: ${message} [trace ${traceHash}]`;
}

/**
 * Re-runs the failure `token` describes with `system` (the same nodes and invariants, or a
 * factory of them) and throws a {@link ReplayedViolation} with its violation and trace hash.
 * If the run no longer fails, or fails differently, it throws an Error saying so (the code or
 * the system changed, or determinism broke) — either way a replay never passes silently.
 */
export function replayFailure(system: SystemUnderTest | (() => SystemUnderTest), token: string): never {
  const report = decodeReplayToken(token);
  const sut = typeof system === "function" ? system() : system;
  const result = replay(report, sut);
  const want = report.violation;
  const got = result.violation;
  const version = report.faultline === FAULTLINE_VERSION ? "" : ` (recorded with faultline ${report.faultline}, replayed with ${FAULTLINE_VERSION})`;
  if (got === undefined) throw new Error(`replay no longer fails: the token recorded ${violationText(want.invariant, want.message, report.traceHash)}${version}`);
  if (got.invariant !== want.invariant || got.message !== want.message || result.traceHash !== report.traceHash) {
    throw new Error(`replay fails differently: recorded ${violationText(want.invariant, want.message, report.traceHash)}, now ${violationText(got.invariant, got.message, result.traceHash)}${version}`);
  }
  throw new ReplayedViolation(violationText(got.invariant, got.message, result.traceHash), result);
}
