/**
 * Replay tokens: a failing run in one pasteable string (`replay.ts` re-runs it). A token carries
 * the data half of the run: the faultline version, the nodes (id and protocol name, in order),
 * the run config (seed, network, clocks, storage, plan, workload, limits), the violation and the
 * trace hash. The code half (protocols, invariants, an `after` check) comes from the caller.
 */
import { deflateRawSync, inflateRawSync } from "node:zlib";
import type { SimulationResult, ViolationReport } from "@faultline/kernel";

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
