/**
 * The explorer against TLC, side by side in one run, on Lamport's TwoPhase at 7 RMs
 * (spec/two-phase/TwoPhase.tla and its transcription packages/check/test/models/two-phase-lamport.ts):
 * distinct states, states generated, wall time and peak RSS of each, with 1 and 2 workers.
 * Every configuration runs in a process of its own (so its peak RSS is its own), wall time
 * including start-up for both (JVM and spec parsing for TLC; Node and worker start for the
 * explorer), best of `BENCH_EXPLORE_ROUNDS` rounds (default 3) taken in alternation. The
 * explorer runs as users get it: the built package (packages/check/dist, so `pnpm build` first)
 * and the model compiled to JavaScript (TypeScript's transpileModule, into a temp dir).
 * TLC runs when `java` and a tla2tools.jar (env TLA2TOOLS_JAR, else tools/tla2tools.jar, else
 * /work/.cache/tla2tools.jar) are present; otherwise the rows say "TLC absent".
 *
 *   pnpm bench -- --only=explore                         (builds first)
 *   node --import tsx bench/run.ts --only=explore        (after pnpm build)
 *   BENCH_EXPLORE_RMS=5 BENCH_EXPLORE_ROUNDS=1 ...        (a quick look)
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { explore, simulationModel } from "faultline/check";
import { transactionWorkload, twoPhaseCommitCluster } from "faultline/two-phase-commit";
import { round3, type BenchRow } from "./row.js";

const repo = fileURLToPath(new URL("..", import.meta.url));
const RMS = Number(process.env.BENCH_EXPLORE_RMS ?? 7);
const ROUNDS = Number(process.env.BENCH_EXPLORE_ROUNDS ?? 3);
const TIME = "/usr/bin/time";

/** One configuration's figures. */
interface Run {
  readonly distinct: number;
  readonly generated: number;
  readonly wall: number;
  readonly rssMb: number;
}

function wallOf(run: () => void): number {
  const start = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** The TwoPhase transcription compiled to JavaScript in `dir` (it imports only types). */
function compiledModel(dir: string): string {
  const source = readFileSync(join(repo, "packages/check/test/models/two-phase-lamport.ts"), "utf8");
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  const file = join(dir, "two-phase-lamport.mjs");
  writeFileSync(file, js);
  return file;
}

function runExplorer(model: string, workers: number): Run {
  let out = "";
  const wall = wallOf(() => {
    const child = fileURLToPath(new URL("./explore-child.mjs", import.meta.url));
    out = execFileSync(process.execPath, [child, model, "twoPhaseLamport", JSON.stringify([RMS]), String(workers)], { encoding: "utf8", cwd: repo, stdio: ["ignore", "pipe", "inherit"] });
  });
  const r = JSON.parse(out) as Omit<Run, "wall">;
  return { ...r, wall };
}

function tlcJar(): string | undefined {
  const candidates = [process.env.TLA2TOOLS_JAR, join(repo, "tools/tla2tools.jar"), "/work/.cache/tla2tools.jar"];
  const jar = candidates.find((p) => p !== undefined && p !== "" && existsSync(p));
  if (jar === undefined) return undefined;
  return spawnSync("java", ["-version"], { stdio: "ignore" }).status === 0 ? jar : undefined;
}

function runTlc(jar: string, cfg: string, workers: number): Run {
  const timed = existsSync(TIME);
  const cmd = ["bash", join(repo, "spec/tlc.sh"), join(repo, "spec/two-phase/TwoPhase.tla"), cfg];
  let res: ReturnType<typeof spawnSync> | undefined;
  const wall = wallOf(() => {
    res = spawnSync(timed ? TIME : (cmd[0] as string), timed ? ["-f", "faultline-rss %M", ...cmd] : cmd.slice(1), {
      encoding: "utf8",
      env: { ...process.env, TLA2TOOLS_JAR: jar, TLC_WORKERS: String(workers) },
    });
  });
  const out = `${res?.stdout ?? ""}\n${res?.stderr ?? ""}`;
  const counts = /([\d,]+) states generated, ([\d,]+) distinct states found, 0 states left on queue/.exec(out);
  if (res?.status !== 0 || counts === null) throw new Error(`TLC failed (status ${res?.status}):\n${out.slice(-2000)}`);
  const num = (s: string) => Number(s.replace(/,/g, ""));
  const rss = /faultline-rss (\d+)/.exec(out);
  return { generated: num(counts[1] as string), distinct: num(counts[2] as string), wall, rssMb: rss ? Number(rss[1]) / 1024 : NaN };
}

function best(runs: Run[]): Run {
  const first = runs[0] as Run;
  for (const r of runs) if (r.distinct !== first.distinct || r.generated !== first.generated) throw new Error("the same configuration counted differently across rounds");
  return { ...first, wall: Math.min(...runs.map((r) => r.wall)), rssMb: Math.max(...runs.map((r) => r.rssMb)) };
}

function rows(label: string, r: Run): BenchRow[] {
  return [
    { name: `${label}: distinct states`, value: r.distinct, unit: "states" },
    { name: `${label}: states generated`, value: r.generated, unit: "states" },
    { name: `${label}: wall time`, value: round3(r.wall), unit: "s" },
    ...(Number.isNaN(r.rssMb) ? [] : [{ name: `${label}: peak RSS`, value: round3(r.rssMb), unit: "MB" }]),
  ];
}

/** The real 2PC reducers through the kernel, 3 participants, any node crashing once, one message lost. */
function crashRows(): BenchRow[] {
  const cluster = twoPhaseCommitCluster({ participants: 3 });
  const model = simulationModel({ seed: "bench", nodes: cluster.nodes, invariants: cluster.invariants, workload: transactionWorkload({ count: 1 }) }, { drops: 1, duplicates: 0, crashes: 1, timers: 0 });
  const r = explore(model);
  if (r.violation || !r.complete) throw new Error("2PC with crashes: a violation, or the search stopped early");
  const name = "2PC reducers, 3 participants, any node crashes ≤ 1, drops ≤ 1 (kernel hooks, 1 thread)";
  return [
    { name: `${name}: distinct states`, value: r.distinctStates, unit: "states" },
    { name: `${name}: search time`, value: round3(r.seconds), unit: "s" },
  ];
}

/** Measures the explorer and, when present, TLC on TwoPhase with `RMS` RMs; then the explorer on 2PC with crashes. */
export function benchExplore(): BenchRow[] {
  return [...againstTlc(), ...crashRows()];
}

function againstTlc(): BenchRow[] {
  const jar = tlcJar();
  const dir = mkdtempSync(join(tmpdir(), "faultline-bench-tlc-"));
  try {
    const cfg = join(dir, `MC_${RMS}.cfg`);
    const rm = Array.from({ length: RMS }, (_, i) => `r${i + 1}`).join(", ");
    const model = compiledModel(dir);
    writeFileSync(cfg, `CONSTANT RM = {${rm}}\nINIT TPInit\nNEXT TPNext\nINVARIANT TPTypeOK\nINVARIANT TCConsistent\n`);
    const configs: { label: string; run: () => Run }[] = [
      { label: "explorer, 1 worker", run: () => runExplorer(model, 1) },
      { label: "explorer, 2 workers", run: () => runExplorer(model, 2) },
      ...(jar
        ? [
            { label: "TLC, 1 worker", run: () => runTlc(jar, cfg, 1) },
            { label: "TLC, 2 workers", run: () => runTlc(jar, cfg, 2) },
          ]
        : []),
    ];
    const runs = configs.map(() => [] as Run[]);
    for (let round = 0; round < ROUNDS; round++) configs.forEach((c, i) => runs[i]?.push(c.run()));
    const results = runs.map(best);
    const prefix = `TwoPhase ${RMS} RMs`;
    const out = configs.flatMap((c, i) => rows(`${prefix}, ${c.label}`, results[i] as Run));
    if (!jar) return [...out, { name: `${prefix}: TLC absent (no java, or no tla2tools.jar: set TLA2TOOLS_JAR)`, value: 0, unit: "-" }];
    const [e1, e2, t1, t2] = results as [Run, Run, Run, Run];
    if (e2.distinct !== t2.distinct || e2.generated !== t2.generated) throw new Error(`explorer and TLC disagree: ${e2.distinct}/${e2.generated} vs ${t2.distinct}/${t2.generated}`);
    return [
      ...out,
      { name: `${prefix}: wall time explorer(1) / TLC(1)`, value: round3(e1.wall / t1.wall), unit: "ratio" },
      { name: `${prefix}: wall time explorer(2) / TLC(2) (goal ≤ 1)`, value: round3(e2.wall / t2.wall), unit: "ratio" },
      ...(Number.isNaN(t2.rssMb) ? [] : [{ name: `${prefix}: peak RSS explorer(2) / TLC(2) (goal < 1)`, value: round3(e2.rssMb / t2.rssMb), unit: "ratio" }]),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
