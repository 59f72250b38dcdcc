/**
 * Test-only pub/sub mutants: each plants one classic mistake through the broker's test hooks
 * (`BrokerHooks`), so tests (and a mutation bench) can show the history checker catches it.
 * Nothing here ships.
 */
import type { BrokerEffect, BrokerHooks, BrokerStep, PubSubMachineState, PubSubRequest, PubSubResponse } from "@faultline/pubsub";

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
