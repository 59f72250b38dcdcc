/**
 * The kill -9 run over real broker processes: 3 brokers, publishers each publishing in a closed
 * loop, a subscriber group whose member is restarted every round, and every round the leader
 * killed with SIGKILL mid-publish, then restarted on its own data directory. Every client records
 * its operations; at the end the whole topic is read back and the history goes through
 * `checkPubSubHistory` (no acknowledged publish lost, none duplicated, per-producer order, one
 * log, group offsets monotonic and gap-free). Each subscriber restart also checks that delivery
 * resumed at the group's committed offset.
 *
 * Long run: `BROKER_KILLS=30 node --import tsx packages/cli/test/broker-kill-long.ts`.
 */
import { checkPubSubHistory, type PubSubCheck, type PubSubClient, type PubSubOp, type Subscription } from "@faultline/pubsub";
import type { Proc } from "./procs.js";
import { brokerClient, findLeader, makeBrokerCluster, startBroker } from "./broker-procs.js";

/** Options of {@link killRun}. */
export interface KillRunOptions {
  /** Leader kills (default 3). */
  readonly kills?: number;
  /** Concurrent publishers (default 3). */
  readonly publishers?: number;
  /** Publishing time between two kills, ms (default 1,200). */
  readonly roundMs?: number;
  /** Progress lines (default: none). */
  readonly log?: (line: string) => void;
}

/** What {@link killRun} saw. */
export interface KillRunResult {
  readonly check: PubSubCheck;
  readonly kills: number;
  readonly killed: string[];
  /** Publishes acknowledged, and how many of those answered `duplicate` (a retry of an appended one). */
  readonly acked: number;
  readonly duplicateAcks: number;
  /** Per subscriber restart: the largest acknowledged commit before it, the offset handled up to, and where delivery resumed. */
  readonly resumes: { committed: number; handled: number; resumedAt: number }[];
  readonly delivered: number;
  readonly end: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs the scenario; kills every process it started before returning. */
export async function killRun(o: KillRunOptions = {}): Promise<KillRunResult> {
  const ids = ["n1", "n2", "n3"];
  const kills = o.kills ?? 3;
  const log = o.log ?? (() => undefined);
  const c = await makeBrokerCluster(ids);
  const procs = new Map<string, Proc>();
  const clients: PubSubClient[] = [];
  const history: PubSubOp[] = [];
  try {
    await Promise.all(ids.map(async (id) => procs.set(id, await startBroker(id, c))));
    const admin = await brokerClient(c, { timeoutMs: 20_000 });
    clients.push(admin);
    await findLeader(admin, ids, 20_000);

    let running = true;
    let duplicateAcks = 0;
    let acked = 0;
    const publishers = await Promise.all(Array.from({ length: o.publishers ?? 3 }, () => brokerClient(c, { timeoutMs: 20_000, attemptTimeoutMs: 1_000, history })));
    clients.push(...publishers);
    const loops = publishers.map(async (p, i) => {
      for (let n = 0; running; n++) {
        const ack = await p.publish("orders", `m${i}-${n}`).catch(() => undefined); // unanswered: in doubt, re-sent first by the next publish
        if (ack !== undefined) {
          acked++;
          if (ack.duplicate) duplicateAcks++;
        }
      }
    });

    const subscriber = await brokerClient(c, { timeoutMs: 20_000, attemptTimeoutMs: 1_000, history });
    clients.push(subscriber);
    let delivered = 0;
    let firstOfInstance: number | undefined;
    const subscribe = () => {
      firstOfInstance = undefined;
      return subscriber.subscribe("orders", "billing", {
        onMessage: (m) => {
          firstOfInstance ??= m.offset;
          delivered++;
        },
      });
    };
    let sub: Subscription = subscribe();
    const resumes: KillRunResult["resumes"] = [];
    const killed: string[] = [];

    for (let round = 0; round < kills; round++) {
      await sleep(o.roundMs ?? 1_200);
      const leader = await findLeader(admin, ids, 20_000);
      procs.get(leader)?.child.kill("SIGKILL");
      await procs.get(leader)?.exited;
      killed.push(leader);
      log(`round ${round + 1}/${kills}: kill -9 ${leader} (acknowledged so far ${acked})`);
      // The subscriber restarts too: its successor must start at the group's committed offset.
      const before = { committed: sub.committed, handled: sub.next };
      sub.close();
      await sleep(300);
      procs.set(leader, await startBroker(leader, c));
      sub = subscribe();
      const deadline = Date.now() + 20_000;
      while (firstOfInstance === undefined && Date.now() < deadline) await sleep(25);
      resumes.push({ ...before, resumedAt: firstOfInstance ?? -1 });
    }
    await sleep(500);
    running = false;
    await Promise.all(loops);
    // Every publisher's last in-doubt publish, if any, is settled by one more publish.
    for (const p of publishers) await p.publish("orders", "last").then(() => acked++);
    const target = (await admin.history("orders", 0, 1)).end;
    const deadline = Date.now() + 30_000;
    while (sub.next < target && Date.now() < deadline) await sleep(50);
    await sub.idle();
    const reader = await brokerClient(c, { timeoutMs: 20_000, history });
    clients.push(reader);
    const { end } = await reader.history("orders", 0, 1_000_000);
    const check = checkPubSubHistory(history);
    return { check, kills, killed, acked, duplicateAcks, resumes, delivered, end };
  } finally {
    for (const cl of clients) cl.close();
    for (const p of procs.values()) p.child.kill("SIGKILL");
  }
}
