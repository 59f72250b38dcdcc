#!/usr/bin/env node
/**
 * The `faultline` command: run coordinator, participant and raft-node processes on TCP, and talk
 * to them as a client. Every setting comes from a flag, else `--config <file>`, else a
 * FAULTLINE_* environment variable; bad values fail with an error naming where they came from.
 */
import { Command } from "commander";
import { newClientId } from "@faultline/tcp";
import { readClusterFile, requireNode } from "./cluster.js";
import { beginTransaction, kvRequest, statusOf } from "./clients.js";
import { NODE_SETTINGS, PROTOCOL_SETTINGS, runNodeProcess } from "./processes.js";
import { flagName, SettingsError, type SettingSpec } from "./settings.js";
import { registerPubSubCommands } from "./pubsub-commands.js";
import { registerSimulationCommands } from "./sim/commands.js";

function fail(err: unknown): never {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(JSON.stringify({ ts: new Date().toISOString(), level: "error", msg: message }) + "\n");
  process.exit(err instanceof SettingsError ? 2 : 1);
}
process.on("unhandledRejection", fail);
process.on("uncaughtException", fail);

function addOptions(cmd: Command, specs: readonly SettingSpec[]): Command {
  for (const s of specs) cmd.option(`--${flagName(s.name)} <${s.kind}>`, `${s.describe}${s.default !== undefined ? ` (default ${s.default})` : ""}`);
  return cmd.option("--config <file>", "JSON file of settings (flags win over it; it wins over FAULTLINE_* variables)");
}

/** This invocation's client id: random, so no two invocations share one (a process id may be reused); its one write is number 1. */
const me = newClientId("cli");
const token = (file: { clientToken?: string }) => (file.clientToken !== undefined ? { token: file.clientToken } : {});

const program = new Command("faultline").description("Run Faultline protocols on real TCP sockets, and talk to them.").showHelpAfterError();

for (const kind of ["coordinator", "participant", "raft-node"] as const) {
  const what = { coordinator: "a two-phase commit coordinator", participant: "a two-phase commit participant", "raft-node": "a Raft key-value node" }[kind];
  addOptions(program.command(kind).description(`run ${what}`), [...NODE_SETTINGS, ...PROTOCOL_SETTINGS[kind]]).action((opts: Record<string, unknown>) => runNodeProcess(kind, opts).catch(fail));
}

const tx = program.command("tx").description("two-phase commit client");
tx.command("begin")
  .description("begin a transaction; prints { tx, outcome }")
  .requiredOption("--cluster <file>", "cluster file")
  .option("--coordinator <id>", "the coordinator's id", "coordinator")
  .option("--tx <id>", "transaction id (ask again with the same id after a timeout)")
  .option("--timeout-ms <ms>", "give up after this long", "10000")
  .action(async (o: { cluster: string; coordinator: string; tx?: string; timeoutMs: string }) => {
    const file = readClusterFile(o.cluster);
    const res = await beginTransaction(file.nodes, o.coordinator, o.tx, Number(o.timeoutMs), token(file)).catch(fail);
    process.stdout.write(JSON.stringify(res) + "\n");
  });
tx.command("status <tx>")
  .description("what the coordinator and every participant know of one transaction")
  .requiredOption("--cluster <file>", "cluster file")
  .option("--timeout-ms <ms>", "give up on a node after this long", "2000")
  .action(async (txId: string, o: { cluster: string; timeoutMs: string }) => {
    const file = readClusterFile(o.cluster);
    const out: Record<string, unknown> = { tx: txId };
    for (const node of Object.keys(file.nodes)) {
      const res = (await statusOf(file.nodes, node, { ...token(file), tx: txId, timeoutMs: Number(o.timeoutMs) }).catch((err: Error) => ({ error: err.message }))) as { state?: unknown; error?: string };
      out[node] = res.error !== undefined ? { unreachable: res.error } : res.state;
    }
    process.stdout.write(JSON.stringify(out) + "\n");
  });

program
  .command("status")
  .description("each node's status: role, term, leader, commit index, peers' health; for 2PC the outcomes it knows")
  .requiredOption("--cluster <file>", "cluster file")
  .option("--node <id>", "only this node")
  .option("--timeout-ms <ms>", "give up on a node after this long", "2000")
  .action(async (o: { cluster: string; node?: string; timeoutMs: string }) => {
    const file = readClusterFile(o.cluster);
    if (o.node !== undefined) requireNode(file.nodes, o.node, "--node");
    for (const node of o.node !== undefined ? [o.node] : Object.keys(file.nodes)) {
      const res = await statusOf(file.nodes, node, { ...token(file), timeoutMs: Number(o.timeoutMs) }).catch((err: Error) => ({ node, unreachable: err.message }));
      process.stdout.write(JSON.stringify(res) + "\n");
    }
  });

const kv = program.command("kv").description("Raft key-value client (follows redirects to the leader)");
const kvAction = (req: (args: string[]) => Parameters<typeof kvRequest>[1]) => async (...args: unknown[]) => {
  const positional = args.filter((a) => typeof a === "string") as string[];
  const o = args.find((a) => typeof a === "object" && a !== null && "cluster" in a) as { cluster: string; timeoutMs: string };
  const file = readClusterFile(o.cluster);
  const res = await kvRequest(file.nodes, req(positional), { client: me, timeoutMs: Number(o.timeoutMs), ...token(file) }).catch(fail);
  process.stdout.write(JSON.stringify(res) + "\n");
};
for (const [name, args, make] of [
  ["put", "<key> <value>", (a: string[]) => ({ op: "put" as const, key: a[0] as string, value: a[1] as string, session: { client: me, seq: 1 } })],
  ["get", "<key>", (a: string[]) => ({ op: "get" as const, key: a[0] as string })],
  ["delete", "<key>", (a: string[]) => ({ op: "delete" as const, key: a[0] as string, session: { client: me, seq: 1 } })],
] as const) {
  kv.command(`${name} ${args}`)
    .description(`${name} through the cluster`)
    .requiredOption("--cluster <file>", "cluster file")
    .option("--timeout-ms <ms>", "give up after this long", "10000")
    .action(kvAction(make));
}

registerPubSubCommands(program, { addOptions, fail });
registerSimulationCommands(program);
program.parseAsync(process.argv).catch(fail);
