/**
 * The linearizability checker against porcupine, side by side on porcupine-shaped histories
 * (bench/linearizability/generate.ts: Jepsen-like CAS registers, key-value logs up to 20,000
 * operations). Both check the same JSON files, ours without partial linearizations (as porcupine's
 * CheckOperations). Ours is timed cold (first pass, JIT warming up) and then warm, file by file
 * interleaved with porcupine, fastest of up to 3 (no repeat after a run over 2 s); the ratios use the warm
 * figures (porcupine is compiled ahead of time). Per-file figures go
 * to stderr. Run: `pnpm bench -- --only=lin` (porcupine: see linearizability/porcupine.ts).
 * Both stop at the first illegal partition. With the porcupine copy's test data, ours also checks
 * porcupine's own logs (linearizability/porcupine-data.ts) against the verdicts its tests expect.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkLinearizable, kvModel, registerModel, type Operation, type Verdict } from "faultline/check";
import { benchHistories, type HistoryFile } from "./linearizability/generate.js";
import { buildPorcupineDriver, porcupineDir, runPorcupine, type PorcupineRun } from "./linearizability/porcupine.js";
import { porcupineTestLogs } from "./linearizability/porcupine-data.js";
import { round3, timed, type BenchRow } from "./row.js";

const TIMEOUT_MS = 60_000;

function ours(file: HistoryFile): { verdict: Verdict; ms: number } {
  let verdict: Verdict = "unknown";
  const ops = file.ops as unknown as Operation<never, never>[];
  const seconds = timed(() => {
    const model = file.model === "kv" ? kvModel : registerModel<number | null>({ initial: null });
    verdict = checkLinearizable(ops, model as never, { timeoutMs: TIMEOUT_MS, partials: false }).verdict;
  });
  return { verdict, ms: seconds * 1000 };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

/** Times both checkers on the generated histories. */
export function benchLinearizability(): BenchRow[] {
  const dir = mkdtempSync(join(tmpdir(), "faultline-lin-histories-"));
  const files = benchHistories().map((h) => {
    const path = join(dir, `${h.name}.json`);
    writeFileSync(path, JSON.stringify(h));
    return { name: h.name, path, ops: h.ops.length };
  });
  const load = (path: string) => JSON.parse(readFileSync(path, "utf8")) as HistoryFile;
  const cold = files.map((f) => ours(load(f.path)));
  const sum = (rs: readonly { ms: number }[]) => rs.reduce((a, r) => a + r.ms, 0);

  const rows: BenchRow[] = [
    { name: `histories (${files.length} files: CAS register 5-10 clients with crashes, KV 10-50 clients up to 20,000 ops)`, value: files.reduce((a, f) => a + f.ops, 0), unit: "ops" },
    { name: "faultline checker, total (cold: first pass)", value: round3(sum(cold)), unit: "ms" },
  ];
  const built = buildPorcupineDriver();
  if ("absent" in built) {
    process.stderr.write(`porcupine absent: ${built.absent}\n`);
    return [...rows, ...ownTestData(), { name: `porcupine absent (${built.absent})`, value: 0, unit: "" }];
  }
  // Interleaved file by file, fastest of up to 3 (while a run takes under 2 s), so that load from other processes
  // on a shared machine hits both checkers alike.
  const mine: { verdict: Verdict; ms: number }[] = [];
  const theirs = files.map((f) => {
    const history = load(f.path);
    let best = ours(history);
    for (let r = 1, last = best.ms; r < 3 && last < 2_000; r++) {
      const run = ours(history);
      last = run.ms;
      if (run.ms < best.ms) best = run;
    }
    mine.push(best);
    return runPorcupine(built.driver, [f.path], TIMEOUT_MS, 3)[0] as PorcupineRun;
  });
  const ratio = (rs: readonly { ms: number }[]) => files.map((_, i) => (rs[i]?.ms as number) / Math.max((theirs[i]?.ms as number) ?? 0, 0.001));
  const ratios = ratio(mine);
  const equal = files.filter((_, i) => mine[i]?.verdict === theirs[i]?.verdict && cold[i]?.verdict === theirs[i]?.verdict).length;
  process.stderr.write(`${"file".padEnd(22)} ${"ops".padStart(6)} ${"ours cold".padStart(10)} ${"ours warm".padStart(10)} ${"porcupine ms".padStart(13)} ${"ratio".padStart(7)}  verdicts\n`);
  files.forEach((f, i) => {
    const a = mine[i] as { verdict: Verdict; ms: number };
    const b = theirs[i] as { verdict: string; ms: number };
    process.stderr.write(`${f.name.padEnd(22)} ${String(f.ops).padStart(6)} ${(cold[i]?.ms as number).toFixed(1).padStart(10)} ${a.ms.toFixed(1).padStart(10)} ${b.ms.toFixed(1).padStart(13)} ${(ratios[i] as number).toFixed(2).padStart(7)}  ${a.verdict}/${b.verdict}\n`);
  });
  const total = theirs.reduce((a, r) => a + r.ms, 0);
  return [
    ...rows,
    ...ownTestData(),
    { name: "faultline checker, total (warm: fastest of 3 after the first pass)", value: round3(sum(mine)), unit: "ms" },
    { name: "porcupine (Go, default GOMAXPROCS), total (fastest of 3)", value: round3(total), unit: "ms" },
    { name: "total time ratio ours/porcupine (warm)", value: round3(sum(mine) / total), unit: "x" },
    { name: "total time ratio ours/porcupine (cold)", value: round3(sum(cold) / total), unit: "x" },
    { name: "median per-file ratio ours/porcupine (warm)", value: round3(median(ratios)), unit: "x" },
    { name: "worst per-file ratio ours/porcupine (warm)", value: round3(Math.max(...ratios)), unit: "x" },
    { name: "median per-file ratio ours/porcupine (cold)", value: round3(median(ratio(cold))), unit: "x" },
    { name: `verdicts equal: ${equal === files.length ? "yes" : "no"}`, value: equal, unit: `of ${files.length} files` },
  ];
}

/** Our checker on porcupine's own test data (its Jepsen etcd logs and kv logs), against the verdicts porcupine's tests expect. */
function ownTestData(): BenchRow[] {
  const logs = porcupineTestLogs(porcupineDir());
  if (logs.length === 0) return [{ name: `porcupine's test data absent (no test_data in ${porcupineDir()})`, value: 0, unit: "" }];
  const runs = logs.map((log) => ({ log, ...ours(log) }));
  const agree = runs.filter((r) => r.verdict === r.log.expected).length;
  for (const r of runs) if (r.verdict !== r.log.expected) process.stderr.write(`porcupine test data: ${r.log.name} is ${r.verdict}, porcupine's tests expect ${r.log.expected}\n`);
  const slowest = runs.reduce((a, r) => (r.ms > a.ms ? r : a));
  const shape = `${logs.filter((l) => l.model === "cas-register").length} Jepsen etcd logs, ${logs.filter((l) => l.model === "kv").length} kv logs`;
  return [
    { name: `porcupine's own test data (${shape}): verdicts as porcupine's tests expect`, value: agree, unit: `of ${logs.length} logs` },
    { name: `porcupine's own test data: faultline checker, total`, value: round3(runs.reduce((a, r) => a + r.ms, 0)), unit: "ms" },
    { name: `porcupine's own test data: slowest log (${slowest.log.name})`, value: round3(slowest.ms), unit: "ms" },
  ];
}
