/**
 * The pub/sub commands: `faultline broker` (a process), and the clients `faultline pub`, `sub`
 * and `history`, which speak the wire protocol through `faultline/pubsub`'s client. Clients
 * print one JSON object a line; bad flags fail with exit 2 and the flag's name.
 */
import { createInterface } from "node:readline";
import type { Command } from "commander";
import { connectPubSub, type PubSubClient, type StoredMessage } from "@faultline/pubsub";
import { brokerAddresses, readBrokerCluster } from "./brokers.js";
import { ALL_BROKER_SETTINGS, runBrokerProcess } from "./broker.js";
import { SettingsError, type SettingSpec } from "./settings.js";

/** What the registration needs from bin.ts. */
export interface CommandKit {
  readonly addOptions: (cmd: Command, specs: readonly SettingSpec[]) => Command;
  readonly fail: (err: unknown) => never;
}

/** A flag's value as a whole number ≥ `min`, or a {@link SettingsError} naming the flag. */
export function wholeFlag(flag: string, raw: string | undefined, min: number): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < min || !Number.isSafeInteger(Number(raw))) throw new SettingsError(`${flag}: expected a whole number ≥ ${min}, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

type ClientFlags = { cluster: string; timeoutMs: string };

async function client(o: ClientFlags, producer?: string, firstSeq = 1): Promise<PubSubClient> {
  const cluster = readBrokerCluster(o.cluster);
  const timeoutMs = wholeFlag("--timeout-ms", o.timeoutMs, 1) as number;
  return connectPubSub({ brokers: brokerAddresses(cluster, o.cluster), timeoutMs, ...(cluster.clientToken !== undefined ? { token: cluster.clientToken } : {}), ...(producer !== undefined ? { producer } : {}), firstSeq });
}

const line = (v: unknown) => process.stdout.write(JSON.stringify(v) + "\n");
const shown = (topic: string, m: StoredMessage) => ({ topic, offset: m.offset, producer: m.producer, seq: m.seq, lamport: m.lamport, hlc: `${m.hlc.wall}.${m.hlc.logical}`, payload: m.payload });

/** Registers `broker`, `pub`, `sub` and `history` on `program`. */
export function registerPubSubCommands(program: Command, kit: CommandKit): void {
  kit.addOptions(program.command("broker").description("run a pub/sub broker: a Raft node of the replicated message log, serving the text wire protocol to clients"), ALL_BROKER_SETTINGS).action((opts: Record<string, unknown>) =>
    runBrokerProcess(opts).catch(kit.fail),
  );

  const withClient = (cmd: Command) => cmd.requiredOption("--cluster <file>", "cluster file (nodes with a wirePort)").option("--timeout-ms <ms>", "give up on one operation after this long", "10000");

  withClient(
    program
      .command("pub <topic> [messages...]")
      .description("publish each message exactly once (retried across leader changes without duplicates); prints each acknowledgement")
      .option("--stdin", "publish each line of standard input")
      .option("--producer <id>", "producer id (default: random); seqs start at --first-seq")
      .option("--first-seq <n>", "seq of the first message (a known producer must go on from its last seq)", "1"),
  ).action(async (topic: string, messages: string[], o: ClientFlags & { stdin?: boolean; producer?: string; firstSeq: string }) => {
    try {
      if (messages.length === 0 && o.stdin !== true) throw new SettingsError("pub: give messages after the topic, or --stdin");
      const first = wholeFlag("--first-seq", o.firstSeq, 1) as number;
      if (first !== 1 && o.producer === undefined) throw new SettingsError("--first-seq: needs --producer (a random producer starts at 1)");
      const c = await client(o, o.producer, first);
      const one = async (m: string) => {
        const ack = await c.publish(topic, m);
        line({ ...ack, hlc: `${ack.hlc.wall}.${ack.hlc.logical}` });
      };
      for (const m of messages) await one(m);
      if (o.stdin === true) for await (const m of createInterface({ input: process.stdin })) await one(m);
      c.close();
    } catch (err) {
      kit.fail(err);
    }
  });

  withClient(
    program
      .command("sub <topic>")
      .description("deliver the group's messages from its committed offset, committing each after printing it")
      .requiredOption("--group <id>", "subscriber group: its committed offset is where delivery starts")
      .option("--count <n>", "exit after this many messages")
      .option("--for-ms <ms>", "exit after this long")
      .option("--no-commit", "print without committing offsets"),
  ).action(async (topic: string, o: ClientFlags & { group: string; count?: string; forMs?: string; commit: boolean }) => {
    try {
      const count = wholeFlag("--count", o.count, 1);
      const forMs = wholeFlag("--for-ms", o.forMs, 1);
      const c = await client(o);
      let seen = 0;
      let stop = () => undefined as void;
      const done = new Promise<void>((resolve) => (stop = resolve));
      if (forMs !== undefined) setTimeout(stop, forMs);
      const sub = c.subscribe(topic, o.group, {
        autoCommit: o.commit,
        onMessage: (m) => {
          if (count !== undefined && seen >= count) return;
          line(shown(topic, m));
          if (count !== undefined && ++seen >= count) stop();
        },
      });
      await done;
      await sub.idle(); // the last message's commit is part of its handling
      c.close();
      process.exit(0);
    } catch (err) {
      kit.fail(err);
    }
  });

  withClient(
    program
      .command("history <topic>")
      .description("print the topic's committed messages from an offset, then { end }")
      .option("--from <offset>", "first offset", "0")
      .option("--limit <n>", "most messages", "100"),
  ).action(async (topic: string, o: ClientFlags & { from: string; limit: string }) => {
    try {
      const from = wholeFlag("--from", o.from, 0) as number;
      const limit = wholeFlag("--limit", o.limit, 1) as number;
      const c = await client(o);
      const h = await c.history(topic, from, limit);
      for (const m of h.messages) line(shown(topic, m));
      line({ topic, end: h.end });
      c.close();
    } catch (err) {
      kit.fail(err);
    }
  });
}
