/**
 * Test-only pub/sub mutants: each plants one classic mistake through the broker's test hooks
 * (`BrokerHooks`), so tests (and a mutation bench) can show the history checker catches it.
 * Nothing here ships.
 */
import type { BrokerHooks, PubSubMachineState } from "@faultline/pubsub";

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
    hooks: { ackOnPropose: (req) => req.op === "commit" },
  },
  {
    name: "publish-ack-before-durable",
    description: "a publish is acknowledged when the leader proposes it, before a majority holds it: a leader change loses an acknowledged message",
    hooks: { ackOnPropose: (req) => req.op === "publish" },
  },
];

/** The mutant named `name`; throws naming the known ones otherwise. */
export function pubsubMutant(name: string): PubSubMutant {
  const found = PUBSUB_MUTANTS.find((m) => m.name === name);
  if (found === undefined) throw new Error(`unknown pub/sub mutant "${name}" (known: ${PUBSUB_MUTANTS.map((m) => m.name).join(", ")})`);
  return found;
}
