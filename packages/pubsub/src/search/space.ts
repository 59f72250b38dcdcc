/**
 * Pub/sub as a search system: a `defineSystem` space for sweeps (`faultline sweep pubsub`). Each
 * run draws its configuration, as swarm testing asks: 1–7 brokers, Raft's timing, snapshot
 * threshold down to 3 entries, batch limit, PreVote and CheckQuorum, the dedup window and probe
 * interval, and the workload's shape — producers, messages, topics, consumer groups and their
 * members, poll sizes, history readers, timeouts. After every run the history checker (no
 * acknowledged publish lost or duplicated, per-producer order, one log per topic, offsets
 * monotonic and gap-free) and a liveness check: once the faults stop, every producer's publishes
 * are acknowledged and a settled leader's log (the final reads) covers all of them.
 */
import fc from "fast-check";
import { defineSystem, sometimes, type SystemSpace } from "@faultline/check";
import type { ClientSpec, SimulationResult, WorldView } from "@faultline/kernel";
import { checkPubSubHistory } from "../checker.js";
import { consumerClient, producerClient } from "../clients.js";
import { pubsubCluster } from "../cluster.js";
import type { PubSubConfigInput } from "../config.js";
import type { BrokerHooks, BrokerState } from "../node.js";
import type { PubSubResponse } from "../types.js";
import { PUBSUB_SOMETIMES, pubsubAbstraction } from "./coverage.js";
import { historyReader } from "./readers.js";
import { finalReads, settled } from "./settle.js";

/** One drawn configuration. */
export interface PubSubSearchConfig {
  readonly nodes: number;
  readonly electionMinMs: number;
  readonly electionSpreadMs: number;
  /** Heartbeat as a percentage of the election minimum (so it is always below it). */
  readonly heartbeatPct: number;
  readonly snapshotThreshold: number;
  readonly maxEntriesPerAppend: number;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  readonly dedupWindow: number;
  readonly probeIntervalMs: number;
  readonly producers: number;
  /** Publishes per producer. */
  readonly messages: number;
  readonly topics: number;
  /** Consumer groups (group i reads topic i mod topics) and members per group. */
  readonly groups: number;
  readonly members: number;
  readonly polls: number;
  readonly pollMax: number;
  /** Clients reading random ranges of the logs while faults run. */
  readonly historyReaders: number;
  readonly thinkMs: number;
  readonly clientTimeoutMs: number;
}

/** Plain mode's fixed configuration: 3 brokers, the defaults, 2 producers × 12 over 2 topics, one group of 2. */
export const PUBSUB_DEFAULT_CONFIG: PubSubSearchConfig = {
  nodes: 3,
  electionMinMs: 150,
  electionSpreadMs: 150,
  heartbeatPct: 33,
  snapshotThreshold: 16,
  maxEntriesPerAppend: 64,
  preVote: true,
  checkQuorum: true,
  dedupWindow: 16,
  probeIntervalMs: 100,
  producers: 2,
  messages: 12,
  topics: 2,
  groups: 1,
  members: 2,
  polls: 10,
  pollMax: 3,
  historyReaders: 1,
  thinkMs: 5,
  clientTimeoutMs: 300,
};

const configSpace: fc.Arbitrary<PubSubSearchConfig> = fc.record({
  nodes: fc.integer({ min: 1, max: 7 }),
  electionMinMs: fc.integer({ min: 60, max: 300 }),
  // Raft elects a leader only if the timeouts' spread is well above a vote's round trip (up to
  // 30 ms here): with 11 ms, 6 brokers split votes for 6 s after the faults stopped (a sweep found it).
  electionSpreadMs: fc.integer({ min: 50, max: 300 }),
  heartbeatPct: fc.integer({ min: 10, max: 60 }),
  snapshotThreshold: fc.integer({ min: 3, max: 200 }),
  maxEntriesPerAppend: fc.integer({ min: 1, max: 64 }),
  preVote: fc.boolean(),
  checkQuorum: fc.boolean(),
  dedupWindow: fc.integer({ min: 1, max: 16 }),
  probeIntervalMs: fc.integer({ min: 20, max: 200 }),
  producers: fc.integer({ min: 1, max: 4 }),
  messages: fc.integer({ min: 1, max: 20 }),
  topics: fc.integer({ min: 1, max: 3 }),
  groups: fc.integer({ min: 0, max: 2 }),
  members: fc.integer({ min: 1, max: 3 }),
  polls: fc.integer({ min: 1, max: 12 }),
  pollMax: fc.integer({ min: 1, max: 8 }),
  historyReaders: fc.integer({ min: 0, max: 2 }),
  thinkMs: fc.integer({ min: 0, max: 30 }),
  clientTimeoutMs: fc.integer({ min: 100, max: 1_000 }),
});

/** The broker configuration a search configuration stands for. */
export function pubsubConfigOf(c: PubSubSearchConfig): PubSubConfigInput {
  return {
    raft: {
      electionTimeoutMinMs: c.electionMinMs,
      electionTimeoutMaxMs: c.electionMinMs + c.electionSpreadMs,
      heartbeatIntervalMs: Math.max(1, Math.floor((c.electionMinMs * c.heartbeatPct) / 100)),
      snapshotThreshold: c.snapshotThreshold,
      maxEntriesPerAppend: c.maxEntriesPerAppend,
      preVote: c.preVote,
      checkQuorum: c.checkQuorum,
    },
    dedupWindow: c.dedupWindow,
    probeIntervalMs: c.probeIntervalMs,
  };
}

/** Options of {@link pubsubSearchSpace}. */
export interface PubSubSearchOptions {
  /** Names the space in reports and case tokens (default "pubsub"). */
  readonly name?: string;
  /** Test-only: plant a mistake in every broker (see packages/pubsub/test/mutants). @internal */
  readonly hooks?: BrokerHooks;
  /** Called with every run's checker verdict (a sweep's figures: acknowledged publishes checked). */
  readonly onCheck?: (check: ReturnType<typeof checkPubSubHistory>) => void;
}

const FAULT_WINDOW_MS = 3_000;

/** Reads each history reader makes. */
const READS = 10;

/** Successful replies so far, by client (one pass: `done` asks every 50 virtual ms). */
function answered(history: SimulationResult["history"]): Map<string, number> {
  const n = new Map<string, number>();
  for (const h of history) {
    const res = h.res as PubSubResponse | undefined;
    // Publishes, polls and history reads: each client's unit of work (a consumer's commits are not counted).
    if (res?.ok === true && (res.op === "publish" || res.op === "poll" || res.op === "history")) n.set(h.client, (n.get(h.client) ?? 0) + 1);
  }
  return n;
}

/**
 * Pub/sub's search space. Faults run in the first 3 s; a run lasts at most 9 s and ends once
 * every publish is acknowledged and a leader has settled (see `settled`): that leader's applied
 * topics are the final reads the checker needs to tell a lost publish from an unread one.
 */
export function pubsubSearchSpace(options: PubSubSearchOptions = {}): SystemSpace<PubSubSearchConfig> {
  const name = options.name ?? "pubsub";
  return defineSystem({
    name,
    config: configSpace,
    defaultConfig: PUBSUB_DEFAULT_CONFIG,
    faultWindowMs: FAULT_WINDOW_MS,
    runMs: 9_000,
    build: (c) => {
      const cluster = pubsubCluster({ nodes: c.nodes, config: pubsubConfigOf(c), ...(options.hooks === undefined ? {} : { hooks: options.hooks }) });
      const nodes = cluster.ids;
      const topics = Array.from({ length: c.topics }, (_, i) => `t${i}`);
      const common = { nodes, timeoutMs: c.clientTimeoutMs, thinkMs: c.thinkMs };
      const producers = Array.from({ length: c.producers }, (_, i) => `p${i + 1}`);
      const clients: ClientSpec[] = [
        // Producers start on different topics, so small configurations still interleave them.
        ...producers.map((id, i) => ({ id, actor: producerClient({ ...common, producer: id, topics: [...topics.slice(i % c.topics), ...topics.slice(0, i % c.topics)], count: c.messages }) })),
        ...Array.from({ length: c.groups * c.members }, (_, i) => {
          const g = Math.floor(i / c.members);
          return { id: `g${g}-c${i % c.members}`, actor: consumerClient({ ...common, group: `g${g}`, topic: topics[g % c.topics] as string, polls: c.polls, max: c.pollMax }) };
        }),
        ...Array.from({ length: c.historyReaders }, (_, i) => ({ id: `r${i + 1}`, actor: historyReader({ nodes, topics, reads: READS, timeoutMs: c.clientTimeoutMs }) })),
      ];
      const work: [string, number, string][] = [
        ...producers.map((id): [string, number, string] => [id, c.messages, "publishes acknowledged"]),
        ...clients.filter((x) => x.id.startsWith("g")).map((x): [string, number, string] => [x.id, c.polls, "polls answered"]),
        ...clients.filter((x) => x.id.startsWith("r")).map((x): [string, number, string] => [x.id, READS, "history reads answered"]),
      ];
      /** The first client short of its work, as text; undefined when all are done. */
      const unfinished = (n: Map<string, number>): string | undefined => {
        for (const [id, want, what] of work) if ((n.get(id) ?? 0) < want) return `client ${id} had ${n.get(id) ?? 0} of ${want} ${what}`;
        return undefined;
      };
      return {
        nodes: cluster.nodes,
        invariants: cluster.invariants,
        clients,
        network: { minLatencyMs: 1, maxLatencyMs: 15 },
        // A single broker syncs only when it replies (Raft's single-node case, see the Raft space).
        ...(c.nodes === 1 ? { storage: { loseUnsyncedOnCrash: false } } : {}),
        // Once the faults stopped: every client done (each retries until answered) and a leader that has applied its whole log.
        done: (view: WorldView) => unfinished(answered(view.history)) === undefined && settled(view) !== undefined,
        check: (result) => {
          const reads = finalReads(result.view, topics, result.time);
          if (reads === undefined) return `no leader had applied its whole log by ${result.time} ms (faults stopped at ${FAULT_WINDOW_MS} ms)`;
          const check = checkPubSubHistory([...result.history, ...reads]);
          options.onCheck?.(check);
          if (!check.ok) return check.violations.map((v) => `${v.kind}: ${v.message}`).join("; ");
          const late = unfinished(answered(result.history));
          if (late !== undefined) return `${late} by ${result.time} ms (faults stopped at ${FAULT_WINDOW_MS} ms)`;
          if (check.unverified > 0) return `${check.unverified} acknowledged publish(es) not covered by the final reads`;
          return undefined;
        },
      };
    },
    abstraction: pubsubAbstraction,
    sometimes: PUBSUB_SOMETIMES.map((s) => sometimes(s.name, s.condition)),
    role: (s) => (s as BrokerState).raft.role,
    messageTypes: ["prevote", "prevote-reply", "vote", "vote-reply", "append", "append-reply", "snapshot", "snapshot-chunk", "snapshot-reply", "probe", "probe-reply"],
    maxDown: (n) => Math.max(1, Math.floor((n - 1) / 2)),
  });
}
