/** `faultline replay <line-or-report-file>`: re-runs a case token (alone, in a replay line, or in a report). */
import { existsSync, readFileSync } from "node:fs";
import { decodeCase } from "@faultline/check";
import { loadSystem, SHIPPED_SYSTEMS, UsageError } from "./load-system.js";
import { reportRun } from "./run.js";

/** Flags of `replay`. */
export interface ReplayFlags {
  readonly system?: string;
  readonly failure?: string;
  readonly trace?: string;
  readonly html?: string;
  readonly json?: boolean;
}

const TOKEN = /fls1\.[A-Za-z0-9_-]+/g;

/** Replays; returns the exit code (1 when the case still fails). */
export async function replayCommand(arg: string, o: ReplayFlags): Promise<number> {
  const text = existsSync(arg) ? readFileSync(arg, "utf8") : arg;
  const tokens = [...new Set(text.match(TOKEN) ?? [])];
  if (tokens.length === 0) throw new UsageError("<line-or-report-file>", `no case token (fls1.…) in ${existsSync(arg) ? arg : "the argument"}`);
  const pick = o.failure === undefined ? 0 : Number(o.failure) - 1;
  if (!Number.isInteger(pick) || pick < 0 || pick >= tokens.length) throw new UsageError("--failure", `expected 1…${tokens.length}, got ${JSON.stringify(o.failure)}`);
  const token = tokens[pick] as string;
  let body;
  try {
    body = decodeCase(token);
  } catch (err) {
    throw new UsageError("<line-or-report-file>", (err as Error).message);
  }
  const systemArg = o.system ?? body.system;
  if (o.system === undefined && !SHIPPED_SYSTEMS[systemArg]) throw new UsageError("--system", `the case was recorded for ${JSON.stringify(body.system)}, not a shipped system: give --system path/to/module.ts`);
  const { space } = await loadSystem(systemArg, "--system");
  if (space.name !== body.system) throw new UsageError("--system", `the case was recorded for ${JSON.stringify(body.system)}, ${systemArg} defines ${JSON.stringify(space.name)}`);
  const recorded = /"traceHash":"([0-9a-f]+)"/.exec(text)?.[1] ?? /\\"traceHash\\":\\"([0-9a-f]+)\\"/.exec(text)?.[1];
  return reportRun(space, body.case, systemArg, o, recorded);
}
