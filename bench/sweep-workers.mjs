/* global performance, URL */
// `faultline sweep raft --runs N --workers 2` against `--workers 1`, run in turn (A B A B …) so the
// ratio survives a machine whose speed drifts; also checks both print the same --json report.
//   node bench/sweep-workers.mjs [runs=2000] [pairs=2]     (after `pnpm run build`)
import { spawnSync } from "node:child_process";
import { availableParallelism, loadavg } from "node:os";

const runs = process.argv[2] ?? "2000";
const pairs = Number(process.argv[3] ?? 2);
const bin = new URL("../packages/faultline/bin/faultline.js", import.meta.url).pathname;
const time = (workers) => {
  const t = performance.now();
  const r = spawnSync(process.execPath, [bin, "sweep", "raft", "--runs", runs, "--workers", String(workers), "--json"], { encoding: "utf8", maxBuffer: 1 << 28 });
  if (r.status !== 0 && r.status !== 1) throw new Error(`workers ${workers}: exit ${r.status}\n${r.stderr}`);
  return { s: (performance.now() - t) / 1000, out: r.stdout };
};
const ratios = [];
for (let i = 0; i < pairs; i++) {
  const two = time(2);
  const one = time(1);
  if (two.out !== one.out) throw new Error("reports differ between 1 and 2 workers");
  ratios.push(one.s / two.s);
  console.log(`pair ${i + 1}: workers 1 ${(Number(runs) / one.s).toFixed(1)} runs/s, workers 2 ${(Number(runs) / two.s).toFixed(1)} runs/s, speed-up ${(one.s / two.s).toFixed(2)}x (same report)`);
}
ratios.sort((a, b) => a - b);
console.log(`median speed-up ${ratios[Math.floor(ratios.length / 2)].toFixed(2)}x on ${availableParallelism()} core(s), load average ${loadavg()[0].toFixed(1)}`);
