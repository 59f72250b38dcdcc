/** `faultline sweep <system>` and `faultline sweep merge <dir…>`: chunked, parallel, shardable sweeps. */
import { availableParallelism } from "node:os";
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { decodeCase, type SearchMode, type SystemSpace } from "@faultline/check";
import { chunkCount, shardChunks, type ChunkResult, type SweepPlan } from "./chunks.js";
import { loadSystem, UsageError } from "./load-system.js";
import { runChunks } from "./pool.js";
import { progress } from "./progress.js";
import { formatReport, mergeChunks, type SweepReport } from "./report.js";
import { sweepSummaryHtml } from "./html/summary.js";
import { pictureHtml } from "./run.js";

/** Flags of `sweep`. */
export interface SweepFlags {
  readonly runs: string;
  readonly mode: string;
  readonly seed: string;
  readonly workers?: string;
  readonly shard?: string;
  readonly chunkSize: string;
  readonly json?: boolean;
  readonly out?: string;
}

/** A shard's output file: its chunks, and what is needed to check shards belong together. */
interface ShardFile {
  readonly kind: "faultline-sweep-shard";
  readonly system: string;
  readonly systemArg: string;
  readonly sometimes: readonly string[];
  readonly plan: Omit<SweepPlan, "system">;
  readonly shard: number;
  readonly of: number;
  readonly chunks: readonly ChunkResult[];
}

const MODES: Record<string, SearchMode> = { random: "plain", plain: "plain", swarm: "swarm", triggers: "triggers", guided: "guided" };

function whole(flag: string, v: string, min: number): number {
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || n < min) throw new UsageError(flag, `expected a whole number ≥ ${min}, got ${JSON.stringify(v)}`);
  return n;
}

/** `--shard i/n`, else JOB_COMPLETION_INDEX/JOB_COMPLETIONS (Kubernetes Indexed Jobs), else the whole sweep. */
export function parseShard(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): { shard: number; of: number } | undefined {
  const text = flag ?? (env.JOB_COMPLETION_INDEX !== undefined ? `${env.JOB_COMPLETION_INDEX}/${env.JOB_COMPLETIONS ?? ""}` : undefined);
  if (text === undefined) return undefined;
  const where = flag !== undefined ? "--shard" : "JOB_COMPLETION_INDEX/JOB_COMPLETIONS";
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) throw new UsageError(where, `expected i/n (0 ≤ i < n), got ${JSON.stringify(text)}`);
  const shard = Number(m[1]);
  const of = Number(m[2]);
  if (of < 1 || shard >= of) throw new UsageError(where, `expected 0 ≤ i < n, got ${shard}/${of}`);
  return { shard, of };
}

/** Runs the sweep; returns the exit code (0 clean, 1 a violation found). */
export async function sweepCommand(systemArg: string, o: SweepFlags): Promise<number> {
  const mode = MODES[o.mode];
  if (!mode) throw new UsageError("--mode", `expected random, swarm, triggers or guided, got ${JSON.stringify(o.mode)}`);
  const runs = whole("--runs", o.runs, 1);
  const seed = whole("--seed", o.seed, 0);
  const chunkSize = whole("--chunk-size", o.chunkSize, 1);
  const workers = o.workers === undefined ? availableParallelism() : whole("--workers", o.workers, 1);
  const shard = parseShard(o.shard);
  const { space, ref } = await loadSystem(systemArg);
  const plan: SweepPlan = { system: ref, mode, runs, seed, chunkSize };
  const indices = shard ? shardChunks(plan, shard.shard, shard.of) : Array.from({ length: chunkCount(plan) }, (_, i) => i);
  const total = indices.reduce((s, k) => s + Math.min(chunkSize, runs - k * chunkSize), 0);
  const bar = progress(total, o.json === true);
  const states = new Set<string>();
  let done = 0;
  let violations = 0;
  const started = performance.now();
  const chunks = await runChunks(space, plan, indices, Math.min(workers, indices.length || 1), (r) => {
    done += r.runs;
    if (r.failure) violations++;
    for (const s of r.states) states.add(s);
    bar.tick(done, violations, states.size);
  });
  bar.stop();
  const seconds = (performance.now() - started) / 1000;
  const sometimesNames = space.sometimes.map((s) => s.name);
  if (shard) {
    const file: ShardFile = { kind: "faultline-sweep-shard", system: space.name, systemArg, sometimes: sometimesNames, plan: { mode, runs, seed, chunkSize }, shard: shard.shard, of: shard.of, chunks };
    const failed = chunks.some((c) => c.failure);
    if (o.out) {
      mkdirSync(o.out, { recursive: true });
      writeFileSync(join(o.out, `shard-${shard.shard}-of-${shard.of}.json`), JSON.stringify(file) + "\n");
    }
    if (o.json) process.stdout.write(JSON.stringify(file) + "\n");
    else process.stderr.write(`shard ${shard.shard}/${shard.of}: ${done} run(s) in ${seconds.toFixed(1)} s (${(done / seconds).toFixed(1)} runs/s), ${violations} failing chunk(s)${o.out ? `; wrote ${join(o.out, `shard-${shard.shard}-of-${shard.of}.json`)}` : " (give --out to keep it for `sweep merge`)"}\n`);
    return failed ? 1 : 0;
  }
  const report = mergeChunks(space.name, sometimesNames, plan, chunks);
  emit(report, systemArg, o, space, seconds);
  return report.ok ? 0 : 1;
}

function emit(report: SweepReport, systemArg: string, o: { json?: boolean; out?: string }, space: SystemSpace<any> | undefined, seconds?: number): void {
  if (o.out && space) writeOut(o.out, report, systemArg, space, seconds);
  if (o.json) process.stdout.write(JSON.stringify(report) + "\n");
  else {
    process.stdout.write(formatReport(report, systemArg) + "\n");
    if (seconds !== undefined) process.stdout.write(`${report.runs} run(s) in ${seconds.toFixed(1)} s: ${(report.runs / seconds).toFixed(1)} runs/s\n`);
  }
}

/** The most failure pictures a report links (each is a full re-run). */
const MAX_PICTURES = 10;
/** The most pictures report.html embeds, and the largest it embeds (the rest are linked). */
const MAX_EMBEDDED = 3;
const MAX_EMBEDDED_BYTES = 2_000_000;

function writeOut(dir: string, report: SweepReport, systemArg: string, space: SystemSpace<any>, seconds: number | undefined): void {
  mkdirSync(dir, { recursive: true });
  const embedded: Record<number, string> = {};
  report.failures.slice(0, MAX_PICTURES).forEach((f, i) => {
    const html = pictureHtml(space, decodeCase(f.token).case);
    writeFileSync(join(dir, `failure-${i + 1}.html`), html);
    if (i < MAX_EMBEDDED && html.length <= MAX_EMBEDDED_BYTES) embedded[i] = html;
  });
  writeFileSync(join(dir, "report.json"), JSON.stringify(report, null, 2) + "\n");
  const lines = report.failures.map((f) => `faultline replay ${f.token}${["raft", "2pc"].includes(systemArg) ? "" : ` --system ${systemArg}`}\n${f.replayLine}\n`);
  writeFileSync(join(dir, "replay.txt"), lines.join("\n"));
  writeFileSync(join(dir, "report.html"), sweepSummaryHtml(report, seconds, embedded, MAX_PICTURES));
}

/** `sweep merge dir…`: the shard files under the dirs, merged into the unsharded report. */
export async function mergeCommand(dirs: readonly string[], o: { json?: boolean; out?: string }): Promise<number> {
  const files: string[] = [];
  for (const d of dirs) {
    let st;
    try {
      st = statSync(d);
    } catch {
      throw new UsageError("<dir>", `${d} does not exist`);
    }
    if (st.isFile()) files.push(d);
    else for (const f of readdirSync(d).sort()) if (/^shard-\d+-of-\d+\.json$/.test(f)) files.push(join(d, f));
  }
  if (files.length === 0) throw new UsageError("<dir>", `no shard-*-of-*.json files in ${dirs.join(", ")}`);
  const shards = files.map((f) => {
    const s = JSON.parse(readFileSync(f, "utf8")) as ShardFile;
    if (s.kind !== "faultline-sweep-shard") throw new UsageError("<dir>", `${f} is not a sweep shard file`);
    return s;
  });
  const head = shards[0] as ShardFile;
  for (const s of shards) {
    if (s.system !== head.system || JSON.stringify(s.plan) !== JSON.stringify(head.plan) || s.of !== head.of) throw new UsageError("<dir>", `shards disagree: ${s.system} ${JSON.stringify(s.plan)} ${s.of} vs ${head.system} ${JSON.stringify(head.plan)} ${head.of}`);
  }
  const report = mergeChunks(head.system, head.sometimes, { system: head.systemArg, ...head.plan }, shards.flatMap((s) => s.chunks));
  // The failure pictures re-run cases: the system is loaded only when they are written.
  emit(report, head.systemArg, o, o.out ? (await loadSystem(head.systemArg)).space : undefined);
  return report.ok ? 0 : 1;
}
