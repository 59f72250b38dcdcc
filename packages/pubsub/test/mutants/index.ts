/**
 * Test-only pub/sub mutants: each plants one classic mistake through the broker's test hooks
 * (`BrokerHooks`), so tests (and a mutation bench) can show the history checker catches it.
 * Nothing here ships.
 */
import { pubsubMachine, type BrokerEffect, type BrokerHooks, type BrokerStep, type PubSubCommand, type PubSubMachineState, type PubSubRequest, type PubSubResponse } from "@faultline/pubsub";
import type { StateMachine } from "@faultline/raft";

/**
 * The planted mistake of the two "ack before durable" mutants: for requests `which` picks, the
 * leader answers as soon as it proposes, and forgets the pending request as if it were durable.
 */
function ackOnPropose(which: (req: PubSubRequest) => boolean): BrokerHooks["afterLeaderRequest"] {
  return (out: BrokerStep, { client, id, req, hlc }) => {
    if (!which(req)) return out;
    const pending = out.state.raft.pending.filter((p) => !(p.client === client && p.id === id));
    const res: PubSubResponse =
      req.op === "commit" ? { ok: true, op: "commit", offset: req.offset } : { ok: true, op: "publish", offset: -1, lamport: 0, hlc, duplicate: false };
    const effects = out.effects.filter((e) => !(e.type === "reply" && e.client === client && e.id === id));
    const reply: BrokerEffect = { type: "reply", client, id, res };
    return { state: { ...out.state, raft: { ...out.state.raft, pending } }, effects: [...effects, reply] };
  };
}

/**
 * The planted mistake of "history from the uncommitted log": a leader answers a poll or a
 * history read at once from its whole log, committed or not (as if its log were the record),
 * and forgets the pending read. A deposed leader's uncommitted tail is then read, and vanishes.
 */
const readUncommitted: BrokerHooks["afterLeaderRequest"] = (out, { client, id, req }) => {
  if (req.op !== "poll" && req.op !== "history") return out;
  const raft = out.state.raft;
  const machine = pubsubMachine({ dedupWindow: 1_000 });
  let m = raft.machine as PubSubMachineState;
  for (let i = raft.lastApplied + 1; i <= raft.log.lastIndex; i++) {
    const c = raft.log.entryAt(i)?.command as PubSubCommand | undefined;
    if (c !== undefined && (c.op === "publish" || c.op === "commit" || c.op === "create")) m = machine.apply(m, c).state;
  }
  const res = machine.apply(m, req).result;
  const pending = raft.pending.filter((p) => !(p.client === client && p.id === id));
  const effects = out.effects.filter((e) => !(e.type === "reply" && e.client === client && e.id === id));
  return { state: { ...out.state, raft: { ...raft, pending } }, effects: [...effects, { type: "reply", client, id, res }] };
};

/**
 * The planted mistake of "a retry of the latest publish appended again": the dedup check compares
 * `seq < last` where it means `seq <= last`, so a retry of a producer's most recent publish (after
 * a timeout or a leader change) looks new and is appended a second time.
 */
function retryOfLatestLooksNew(real: StateMachine<PubSubMachineState, PubSubCommand, PubSubResponse>): StateMachine<PubSubMachineState, PubSubCommand, PubSubResponse> {
  return {
    ...real,
    apply(state, cmd) {
      const entry = cmd.op === "publish" ? state.producers[cmd.producer] : undefined;
      if (cmd.op !== "publish" || entry === undefined || entry.last !== cmd.seq) return real.apply(state, cmd);
      const forgot = { last: cmd.seq - 1, recent: entry.recent.filter((r) => r[0] !== cmd.seq) };
      return real.apply({ ...state, producers: { ...state.producers, [cmd.producer]: forgot } }, cmd);
    },
  };
}

/** One planted mistake. */
export interface PubSubMutant {
  readonly name: string;
  readonly description: string;
  readonly hooks: BrokerHooks;
}

/** The mutants, by name. */
export const PUBSUB_MUTANTS: readonly PubSubMutant[] = [
  {
    name: "dedup-not-in-snapshot",
    description: "the producers' dedup table is left out of snapshots: a broker restored from one appends a retried publish again",
    hooks: { restore: (m: PubSubMachineState) => ({ ...m, producers: {} }) },
  },
  {
    name: "offsets-not-in-snapshot",
    description: "the groups' committed offsets are left out of snapshots: a broker restored from one serves a group from offset 0 again",
    hooks: { restore: (m: PubSubMachineState) => ({ ...m, groups: {} }) },
  },
  {
    name: "dedup-retry-reappended",
    description: "the dedup check is off by one (seq < last instead of seq <= last): a retry of a producer's latest publish is appended again",
    hooks: { machine: retryOfLatestLooksNew },
  },
  {
    name: "history-from-uncommitted-log",
    description: "a leader answers polls and history reads from its whole log, uncommitted entries included: a deposed leader's tail is read, then vanishes",
    hooks: { afterLeaderRequest: readUncommitted },
  },
  {
    name: "commit-ack-before-durable",
    description: "an offset commit is acknowledged when the leader proposes it, before it is committed: a leader change loses it and the group's offset goes back",
    hooks: { afterLeaderRequest: ackOnPropose((req) => req.op === "commit") },
  },
  {
    name: "publish-ack-before-durable",
    description: "a publish is acknowledged when the leader proposes it, before a majority holds it: a leader change loses an acknowledged message",
    hooks: { afterLeaderRequest: ackOnPropose((req) => req.op === "publish") },
  },
];

/** The mutant named `name`; throws naming the known ones otherwise. */
export function pubsubMutant(name: string): PubSubMutant {
  const found = PUBSUB_MUTANTS.find((m) => m.name === name);
  if (found === undefined) throw new Error(`unknown pub/sub mutant "${name}" (known: ${PUBSUB_MUTANTS.map((m) => m.name).join(", ")})`);
  return found;
}
