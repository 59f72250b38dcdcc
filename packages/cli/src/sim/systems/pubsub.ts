/**
 * Pub/sub's search space for sweeps (`faultline sweep pubsub`): brokers on Raft with producers,
 * consumer groups and history readers, the history checker after every run. The space itself lives
 * in @faultline/pubsub (`pubsubSearchSpace`), where its tests pass their planted mistakes.
 */
import { pubsubSearchSpace } from "@faultline/pubsub";

/** The real broker's space. */
export const pubsubSpace = pubsubSearchSpace();
