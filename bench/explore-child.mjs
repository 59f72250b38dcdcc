// One explorer run for bench/explore.ts, in a process of its own so that its wall time and peak
// RSS are its own: plain Node, the built package, the model compiled to JavaScript.
//   node bench/explore-child.mjs MODEL.mjs EXPORT ARGS_JSON WORKERS
import { existsSync } from "node:fs";
import { fileURLToPath, URL } from "node:url";

const dist = fileURLToPath(new URL("../packages/check/dist/index.js", import.meta.url));
if (!existsSync(dist)) throw new Error("bench/explore.ts measures the built package: run pnpm build first");
const { exploreModule } = await import(dist);
const [model, name, args, workers] = process.argv.slice(2);
const r = await exploreModule({ module: model, export: name, args: JSON.parse(args) }, { workers: Number(workers) });
if (r.violation || !r.complete) throw new Error(`${name}: the explorer found a violation or stopped early`);
console.log(JSON.stringify({ distinct: r.distinctStates, generated: r.generated, rssMb: process.resourceUsage().maxRSS / 1024 }));
