/** `faultline run <system> --seed N [--plan file]`: one run, its verdict and trace hash. */
import { readFileSync, writeFileSync } from "node:fs";
import { encodeCase, PLAIN_SWARM, runCase, validateCase, type Case, type SystemSpace } from "@faultline/check";
import type { Invariant, TraceEvent } from "@faultline/kernel";
import { diagramHtml } from "./html/diagram.js";
import { loadSystem, UsageError } from "./load-system.js";

/** Flags of `run`. */
export interface RunFlags {
  readonly seed: string;
  readonly plan?: string;
  readonly json?: boolean;
  readonly trace?: string;
  readonly html?: string;
}

/** Reads `--plan`: a case's JSON (config, swarm, faults, triggers; any part may be left out). */
function readPlan(file: string, defaults: Case): Case {
  let body: unknown;
  try {
    body = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new UsageError("--plan", `${file}: ${(err as Error).message}`);
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new UsageError("--plan", `${file}: expected an object with faults, triggers, config and swarm fields`);
  const known = ["config", "seed", "swarm", "faults", "triggers"];
  for (const k of Object.keys(body)) if (!known.includes(k)) throw new UsageError(`--plan field ${k}`, `unknown (known: ${known.join(", ")})`);
  const c = { ...defaults, ...(body as Partial<Case>) } as Case;
  try {
    validateCase(c);
  } catch (err) {
    throw new UsageError("--plan", (err as Error).message);
  }
  return c;
}

/** Runs one case; returns the exit code. */
export async function runCommand(systemArg: string, o: RunFlags): Promise<number> {
  if (!/^-?\d+$/.test(o.seed)) throw new UsageError("--seed", `expected a whole number, got ${JSON.stringify(o.seed)}`);
  const { space } = await loadSystem(systemArg);
  const base: Case = { config: space.defaultConfig, seed: Number(o.seed), swarm: PLAIN_SWARM, faults: [], triggers: [] };
  const c = o.plan ? readPlan(o.plan, base) : base;
  return reportRun(space, c, systemArg, o);
}

/** One node step as an invariant sees it: the node's state before and after. */
interface Step {
  readonly t: number;
  readonly node: string;
  readonly cause: string;
  readonly before: unknown;
  readonly after: unknown;
}

/** `space` with one more invariant that records every node step (it never fails). */
function recording(space: SystemSpace<any>, steps: Step[]): SystemSpace<any> {
  return {
    ...space,
    buildChecked: (config) => {
      const built = space.buildChecked(config);
      const recorder: Invariant = { name: "picture (recorder)", check: (view, last) => void steps.push({ t: view.time, node: last.node, cause: last.cause.type, before: last.before, after: last.after }) };
      return { ...built, invariants: [...(built.invariants ?? []), recorder] };
    },
  };
}

/** The step cause each trace kind stands for. */
const CAUSE: Readonly<Record<string, string>> = { deliver: "message", timer: "timer", request: "request" };

/** Pairs trace events with the node steps they caused (same node, same time, same cause, in order). */
function statesByEvent(trace: readonly TraceEvent[], steps: readonly Step[]): Record<number, { before: unknown; after: unknown }> {
  const queues = new Map<string, Step[]>();
  for (const s of steps) queues.set(s.node, [...(queues.get(s.node) ?? []), s]);
  const out: Record<number, { before: unknown; after: unknown }> = {};
  trace.forEach((e, i) => {
    const action = e.action as { type?: string; node?: string } | undefined;
    const node = e.node ?? action?.node;
    const cause = e.kind === "fault" ? action?.type : CAUSE[e.kind];
    const q = node === undefined ? undefined : queues.get(node);
    if (q === undefined || cause === undefined) return;
    while (q.length > 0 && (q[0] as Step).t < e.t) q.shift();
    const k = q.findIndex((s) => s.t === e.t && s.cause === cause);
    if (k < 0) return;
    const [s] = q.splice(k, 1) as [Step];
    out[i] = { before: s.before ?? null, after: s.after ?? null };
  });
  return out;
}

/** The picture of case `c` (the sweep report's failure pages). */
export function pictureHtml(space: SystemSpace<any>, c: Case): string {
  const steps: Step[] = [];
  const run = runCase(recording(space, steps), c, { coverage: false, trace: { full: true } });
  const trace = run.result.trace ?? [];
  const failure = run.failure ? `${run.failure.property}: ${run.failure.message}` : undefined;
  return diagramHtml({ title: `${space.name} seed ${c.seed}`, trace, failure, violationAt: run.result.violation ? run.result.time : undefined, nodes: run.result.view.nodes.map((n) => n.id), states: statesByEvent(trace, steps) });
}

/** Runs `c` with a full trace and prints/writes what the flags ask for (shared with replay). */
export function reportRun(space: SystemSpace<any>, c: Case, systemArg: string, o: { json?: boolean; trace?: string; html?: string }, expected?: string): number {
  const steps: Step[] = [];
  const run = runCase(o.html ? recording(space, steps) : space, c, { coverage: false, trace: { full: true } });
  const token = encodeCase(space.name, c);
  const failure = run.failure ? `${run.failure.property}: ${run.failure.message}` : undefined;
  const trace = run.result.trace ?? [];
  if (o.trace) writeFileSync(o.trace, trace.map((e) => JSON.stringify(e)).join("\n") + "\n");
  if (o.html) writeFileSync(o.html, diagramHtml({ title: `${space.name} seed ${c.seed}`, trace, failure, violationAt: run.result.violation ? run.result.time : undefined, nodes: run.result.view.nodes.map((n) => n.id), token, states: statesByEvent(trace, steps) }));
  const out = { system: space.name, ok: failure === undefined, ...(failure ? { failure } : {}), traceHash: run.traceHash, time: run.result.time, events: run.result.events, token };
  if (o.json) process.stdout.write(JSON.stringify(out) + "\n");
  else {
    process.stdout.write(`${failure ? `VIOLATION ${failure}` : "OK"}\n  ${run.result.events} events, ${run.result.time} virtual ms, trace hash ${run.traceHash}\n  replay: faultline replay ${token}${["raft", "2pc"].includes(systemArg) ? "" : ` --system ${systemArg}`}\n`);
    if (expected !== undefined && expected !== run.traceHash) process.stdout.write(`  NOTE: recorded trace hash was ${expected} (the code changed since)\n`);
    if (o.trace) process.stdout.write(`  trace written to ${o.trace}\n`);
    if (o.html) process.stdout.write(`  picture written to ${o.html}\n`);
  }
  return failure ? 1 : 0;
}
