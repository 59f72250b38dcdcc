/** Case tokens: a sweep's failing case in one pasteable string, and `replayCase` to re-run it. */
import { deflateRawSync, inflateRawSync } from "node:zlib";
import type { Case } from "./case.js";
import { runCase } from "./driver.js";
import { SearchError, type SystemSpace } from "./space.js";

const PREFIX = "fls1.";

/** Packs a case ("fls1." + base64url of deflated JSON, tagged with the system's name). */
export function encodeCase(system: string, c: Case): string {
  return PREFIX + deflateRawSync(Buffer.from(JSON.stringify({ system, case: c }), "utf8"), { level: 9 }).toString("base64url");
}

/** Unpacks a case token; throws a {@link SearchError} naming what is wrong with it. */
export function decodeCase(token: string): { readonly system: string; readonly case: Case } {
  if (typeof token !== "string" || !token.startsWith(PREFIX)) throw new SearchError("token", `not a Faultline case token: expected it to start with "${PREFIX}"`);
  try {
    const body = JSON.parse(inflateRawSync(Buffer.from(token.slice(PREFIX.length), "base64url")).toString("utf8")) as { system: string; case: Case };
    if (typeof body.system !== "string" || typeof body.case !== "object") throw new Error("it lacks the system or the case");
    return body;
  } catch (err) {
    throw new SearchError("token", `corrupt case token: ${(err as Error).message}`);
  }
}

/** What a replayed case did: its trace hash and its failure ("property: message"), if any. */
export interface ReplayOutcome {
  readonly traceHash: string;
  readonly failure?: string;
}

/**
 * Re-runs a case (a token from a sweep report, or the case itself) against `space` and says what
 * happened; the printed replay line compares this with what the sweep saw. A token recorded for
 * another system is refused, naming both.
 */
export function replayCase<Config>(space: SystemSpace<Config>, token: string | Case<Config>): ReplayOutcome {
  let c: Case<Config>;
  if (typeof token === "string") {
    const body = decodeCase(token);
    if (body.system !== space.name) throw new SearchError("token", `recorded for system ${JSON.stringify(body.system)}, replayed with ${JSON.stringify(space.name)}`);
    c = body.case as Case<Config>;
  } else c = token;
  const run = runCase(space, c, { coverage: false });
  return run.failure ? { traceHash: run.traceHash, failure: `${run.failure.property}: ${run.failure.message}` } : { traceHash: run.traceHash };
}
