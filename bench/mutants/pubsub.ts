/**
 * The pub/sub mutants of the mutation bench (packages/pubsub/test/mutants: each plants one
 * classic mistake through the broker's test hooks), swept through `pubsubSearchSpace` with the
 * history checker after every run. Registered in ./registry.ts by one import.
 */
import type { SystemSpace } from "faultline/check";
import { pubsubSearchSpace } from "faultline/pubsub";
import { PUBSUB_MUTANTS } from "../../packages/pubsub/test/mutants/index.js";

/** What the bench needs of a pub/sub mutant (the registry's `Mutant` fields, plus its space). */
export interface PubSubBenchMutant {
  readonly name: string;
  readonly system: "pubsub";
  readonly rule: string;
  readonly observable: "safety";
  readonly source: "space";
  /** The search space whose brokers carry the mistake. */
  readonly space: () => SystemSpace<any>;
  /** The same space without the mistake. */
  readonly baseline: () => SystemSpace<any>;
}

/** The space's name for mutant `name`: `pubsub` + its name in camel case. */
const spaceName = (name: string): string => `pubsub${name.replace(/-(\w)/g, (_x, c: string) => c.toUpperCase()).replace(/^\w/, (c) => c.toUpperCase())}`;

/** Every pub/sub mutant, named `pubsub-<name>`, as the bench lists them. */
export const PUBSUB_BENCH_MUTANTS: readonly PubSubBenchMutant[] = PUBSUB_MUTANTS.map((m) => ({
  name: `pubsub-${m.name}`,
  system: "pubsub",
  rule: m.description,
  observable: "safety",
  source: "space",
  space: () => pubsubSearchSpace({ name: spaceName(m.name), hooks: m.hooks }),
  baseline: () => pubsubSearchSpace({ name: spaceName(m.name) }),
}));
