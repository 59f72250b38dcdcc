/**
 * The kernel row of `bench/kernel.ts` counted in machine instructions instead of CPU time: the
 * kernel's token ring and the bare heap loop, each run under valgrind (cachegrind, no cache
 * simulation) with V8 made deterministic (`--predictable --single-threaded`: no concurrent
 * compiler or GC threads, fixed hash seeds). The same build gives the same counts on every run,
 * so a change of a few percent shows, where the CPU-time ratio on a shared machine swings by
 * ±10 % between runs. Instructions are not time (the heap's cache misses weigh more in time, so
 * the time ratio runs below the instruction ratio); use this to tell whether a change cut work.
 *
 *   node --import tsx bench/kernel-instructions.ts [--events=300000]
 *
 * Needs valgrind (`apt-get install valgrind`) and a build (`pnpm -r run build`): the children run
 * the built package in plain Node (`kernel-ring.mjs`), since a loader thread's timing would change
 * the counts. Runs of about a minute each, two at a time: the loops' warm-up alone, then warm-up
 * plus the kernel's events, then warm-up plus the bare loop's; the differences divided by the
 * events are the figures. A last pair does the same for the bare loop over the kernel's own queue
 * (`EventAgenda`, a timing wheel in front of a heap): the kernel against that loop is the cost of
 * everything the kernel does besides queuing.
 */
import { execFileSync, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

type Part = "warm-up" | "kernel" | "bare" | "warm-up-agenda" | "bare-agenda";

const CHILD = fileURLToPath(new URL("./kernel-ring.mjs", import.meta.url));

function arg(name: string): string | undefined {
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

/** Instructions valgrind counted for one child running `part`. */
function countInstructions(part: Part, events: number): Promise<number> {
  const args = ["--tool=cachegrind", "--cache-sim=no", "--smc-check=all-non-file", "--cachegrind-out-file=/dev/null"];
  const node = [process.execPath, "--predictable", "--single-threaded", CHILD, `--part=${part}`, `--events=${events}`];
  return new Promise((resolve, reject) => {
    // Low priority: the counts do not depend on it, and other work on the machine goes on.
    const child = spawn("nice", ["-n", "10", "valgrind", ...args, ...node], { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      const refs = /I\s+refs:\s+([\d,]+)/.exec(err);
      if (code !== 0 || refs === null) return reject(new Error(`valgrind on the ${part} part exited ${code}:\n${err.slice(-2000)}`));
      resolve(Number((refs[1] as string).replaceAll(",", "")));
    });
  });
}

async function main(): Promise<void> {
  const events = Number(arg("events") ?? 300_000);
  if (!Number.isSafeInteger(events) || events <= 0) throw new Error(`--events must be a positive whole number, got ${arg("events")}`);
  try {
    execFileSync("valgrind", ["--version"], { stdio: "ignore" });
  } catch {
    console.error("valgrind absent: install it (apt-get install valgrind) to count instructions");
    process.exit(1);
  }
  const [warmUp, kernel] = await Promise.all([countInstructions("warm-up", events), countInstructions("kernel", events)]);
  const [bare, warmUpAgenda] = await Promise.all([countInstructions("bare", events), countInstructions("warm-up-agenda", events)]);
  const bareAgenda = await countInstructions("bare-agenda", events);
  const k = (kernel - warmUp) / events;
  const b = (bare - warmUp) / events;
  const a = (bareAgenda - warmUpAgenda) / events;
  console.log(`kernel, no-op protocol, hashing on: ${k.toFixed(0)} instructions/event`);
  console.log(`bare heap loop:                     ${b.toFixed(0)} instructions/event`);
  console.log(`bare loop over the kernel's agenda: ${a.toFixed(0)} instructions/event`);
  console.log(`ratio kernel/bare heap loop:        ${(k / b).toFixed(3)}`);
  console.log(`ratio kernel/bare agenda loop:      ${(k / a).toFixed(3)}`);
}

await main();
