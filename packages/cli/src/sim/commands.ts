/**
 * Registers the simulation commands (run, replay, sweep, sweep merge, explore) on the `faultline`
 * program. Exit codes: 0 clean, 1 a violation found, 2 bad usage (the message names the flag).
 */
import { Command, CommanderError } from "commander";
import { exploreCommand, type ExploreFlags } from "./explore.js";
import { UsageError } from "./load-system.js";
import { replayCommand, type ReplayFlags } from "./replay.js";
import { runCommand, type RunFlags } from "./run.js";
import { mergeCommand, sweepCommand, type SweepFlags } from "./sweep.js";

/** Errors the user can fix by changing the command line or a file they gave (exit 2). */
function isUsage(err: unknown): boolean {
  return err instanceof UsageError || err instanceof CommanderError || (err instanceof Error && ["SearchError", "ConfigError"].includes(err.name));
}

function action<A extends unknown[]>(fn: (...args: A) => Promise<number> | number) {
  return async (...args: A) => {
    try {
      process.exitCode = await fn(...args);
    } catch (err) {
      process.stderr.write(`faultline: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = isUsage(err) ? 2 : 1;
    }
  };
}

const SYSTEM = "a shipped system (raft, 2pc) or a path to your module (.ts/.js) exporting one made with defineSystem";

/** Adds the simulation commands to `program`. */
export function registerSimulationCommands(program: Command): void {
  program.exitOverride((err) => {
    // --help and --version exit 0; a usage error exits 2.
    process.exit(err.exitCode === 0 ? 0 : 2);
  });
  program
    .command("run")
    .description("one simulated run: verdict and trace hash")
    .argument("<system>", SYSTEM)
    .requiredOption("--seed <n>", "the run's seed")
    .option("--plan <file>", "JSON of the case: faults, triggers, config, swarm (any may be left out)")
    .option("--trace <out.jsonl>", "write every event as JSON lines")
    .option("--html <out.html>", "write the run's space–time diagram")
    .option("--json", "print only JSON")
    .action(action((system: string, o: RunFlags) => runCommand(system, o)));
  program
    .command("replay")
    .description("re-run a failing case from its token, its replay line, or a sweep report file")
    .argument("<line-or-report-file>", "a case token (fls1.…), a replay line containing one, or a file (report.json, replay.txt)")
    .option("--system <system>", `where the case's system is, when it is not shipped: ${SYSTEM}`)
    .option("--failure <k>", "which failure of a report (1-based)")
    .option("--trace <out.jsonl>", "write every event as JSON lines")
    .option("--html <out.html>", "write the run's space–time diagram")
    .option("--json", "print only JSON")
    .action(action((arg: string, o: ReplayFlags) => replayCommand(arg, o)));
  const sweep = program
    .command("sweep")
    .description("many runs with drawn faults; failures shrunk and printed as replay lines; coverage at the end")
    .argument("<system>", SYSTEM)
    .option("--runs <n>", "runs in all (across shards)", "200")
    .option("--mode <mode>", "random | swarm | triggers | guided", "guided")
    .option("--seed <n>", "seed of the sweep", "1")
    .option("--workers <k>", "worker threads (default: every core); results do not depend on it")
    .option("--shard <i/n>", "run only shard i of n (default from JOB_COMPLETION_INDEX/JOB_COMPLETIONS)")
    .option("--chunk-size <n>", "runs per chunk, the unit workers and shards share out (changes results)", "25")
    .option("--out <dir>", "write report.json, replay.txt and report.html (shards: shard-i-of-n.json)")
    .option("--json", "print only JSON")
    .action(action((system: string, o: SweepFlags) => sweepCommand(system, o)));
  sweep
    .command("merge")
    .description("merge shard outputs into the report an unsharded sweep prints")
    .argument("<dir...>", "directories (or files) holding shard-i-of-n.json")
    .option("--out <dir>", "write report.json, replay.txt and report.html")
    .option("--json", "print only JSON")
    // The parent's --json/--out are parsed by the parent: read them with the globals.
    .action(action((dirs: string[], _o: unknown, cmd: Command) => mergeCommand(dirs, cmd.optsWithGlobals<{ json?: boolean; out?: string }>())));
  program
    .command("explore")
    .description("exhaustive model checking of a model module; live progress (states, states/s, depth, queue) on stderr")
    .argument("<model>", "path/to/module.ts#exportName (default export name: model) of a function returning a Model")
    .option("--bfs", "breadth first (default): shortest counterexample")
    .option("--dfs", "depth first: less memory")
    .option("--max-depth <d>", "do not expand deeper states")
    .option("--max-states <n>", "stop after this many distinct states")
    .option("--workers <k>", "worker threads (BFS, models with a codec)")
    .option("--args <json>", "arguments of the model function (a JSON array)")
    .option("--json", "print only JSON")
    .action(action((model: string, o: ExploreFlags) => exploreCommand(model, o)));
}
